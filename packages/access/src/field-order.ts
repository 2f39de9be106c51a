/** Field dominance of interlaced video: which field is shown first. */
export type Parity = 'tff' | 'bff';
export type ScanType = Parity | 'progressive';
export type DeinterlaceMode = 'auto' | 'on' | 'off';

/** One line of idet's summary: frames it called TFF, BFF, progressive or could not tell. */
export interface IdetCounts {
  tff: number;
  bff: number;
  progressive: number;
  undetermined: number;
}

export interface IdetReport {
  /** Multi-frame detection (uses neighbouring frames; the steadier of the two). */
  multi: IdetCounts;
  single: IdetCounts;
}

export interface DeinterlaceDecision {
  deinterlace: boolean;
  parity?: Parity;
  /** Where the decision came from. */
  basis: 'field-order tag' | 'idet' | '--deinterlace on' | '--deinterlace off' | 'default';
  /** What was seen, in words: the tag, idet's counts. */
  evidence: string;
  /** Set when the evidence was weak and a human should look. */
  warning?: string;
}

/**
 * A stream's field_order as ffprobe reports it. The first letter is the field stored first;
 * we take it as the field shown first, as the brief for this tool asks: ffmpeg's own
 * round trip turns a MOV `tt` into an MKV `tb` for the very same top-first pictures, and
 * MediaInfo reports TFF for both.
 */
export function scanTypeFromTag(tag: string | undefined): ScanType | undefined {
  switch (tag) {
    case 'tt':
    case 'tb':
      return 'tff';
    case 'bb':
    case 'bt':
      return 'bff';
    case 'progressive':
      return 'progressive';
    default:
      return undefined;
  }
}

/** Whether the decision needs idet: no usable tag (auto), or `on` without a known parity. */
export function needsDetection(mode: DeinterlaceMode, tag: string | undefined): boolean {
  const scan = scanTypeFromTag(tag);
  if (mode === 'off') return false;
  if (mode === 'on') return scan !== 'tff' && scan !== 'bff';
  return scan === undefined;
}

/** idet's summary lines from ffmpeg's stderr (the last of each kind wins). */
export function parseIdet(stderr: string): IdetReport | undefined {
  const read = (kind: string): IdetCounts | undefined => {
    const pattern = new RegExp(
      `${kind} frame detection: TFF:\\s*(\\d+)\\s+BFF:\\s*(\\d+)\\s+Progressive:\\s*(\\d+)\\s+Undetermined:\\s*(\\d+)`,
      'gi',
    );
    let last: RegExpExecArray | undefined;
    for (const m of stderr.matchAll(pattern)) last = m as RegExpExecArray;
    if (!last) return undefined;
    return { tff: Number(last[1]), bff: Number(last[2]), progressive: Number(last[3]), undetermined: Number(last[4]) };
  };
  const multi = read('Multi');
  const single = read('Single');
  return multi && single ? { multi, single } : undefined;
}

/** Add several idet reports (one per sampled window). */
export function sumIdet(reports: readonly IdetReport[]): IdetReport {
  const zero = (): IdetCounts => ({ tff: 0, bff: 0, progressive: 0, undetermined: 0 });
  const total = { multi: zero(), single: zero() };
  for (const r of reports) {
    for (const kind of ['multi', 'single'] as const) {
      for (const k of ['tff', 'bff', 'progressive', 'undetermined'] as const) total[kind][k] += r[kind][k];
    }
  }
  return total;
}

/** How much one verdict must outnumber the rest before we believe idet. */
export const IDET_MARGIN = 3;
/** Fewer decided frames than this is no evidence at all (static or black pictures). */
export const IDET_MIN_FRAMES = 10;

export type IdetVerdict = ScanType | 'unclear';

/**
 * idet's verdict with a clear margin, from the multi-frame counts: interlaced when TFF+BFF
 * outnumber progressive 3:1 and one parity outnumbers the other 3:1; progressive when it
 * outnumbers TFF+BFF 3:1; otherwise unclear. idet is easily fooled by synthetic patterns,
 * which is why it is only asked when no tag says otherwise.
 */
export function judgeIdet(report: IdetReport): IdetVerdict {
  const { tff, bff, progressive } = report.multi;
  const interlaced = tff + bff;
  if (interlaced + progressive < IDET_MIN_FRAMES) return 'unclear';
  if (interlaced >= IDET_MARGIN * progressive && interlaced > 0) {
    if (tff >= IDET_MARGIN * bff) return 'tff';
    if (bff >= IDET_MARGIN * tff) return 'bff';
    return 'unclear';
  }
  if (progressive >= IDET_MARGIN * interlaced) return 'progressive';
  return 'unclear';
}

export function describeIdet(report: IdetReport): string {
  const c = (x: IdetCounts) => `TFF ${x.tff}, BFF ${x.bff}, progressive ${x.progressive}, undetermined ${x.undetermined}`;
  return `idet multi-frame: ${c(report.multi)}; single-frame: ${c(report.single)}`;
}

/**
 * Deinterlace or not, and with which parity. `auto` trusts a field-order tag and asks
 * idet only without one; an unclear idet verdict leaves the picture alone (with a
 * warning) rather than softening what may be progressive. `on` forces bwdif, with the
 * parity from the tag, else idet, else top field first; `off` never deinterlaces.
 */
export function decideDeinterlace(input: {
  mode: DeinterlaceMode;
  tag: string | undefined;
  idet?: IdetReport | undefined;
}): DeinterlaceDecision {
  const { mode, tag, idet } = input;
  const scan = scanTypeFromTag(tag);
  const tagText = `field_order ${tag ?? 'absent'}`;
  if (mode === 'off') return { deinterlace: false, basis: '--deinterlace off', evidence: tagText };

  if (scan === 'tff' || scan === 'bff') {
    return { deinterlace: true, parity: scan, basis: mode === 'on' ? '--deinterlace on' : 'field-order tag', evidence: tagText };
  }
  const verdict = idet ? judgeIdet(idet) : 'unclear';
  const evidence = idet ? `${tagText}; ${describeIdet(idet)} -> ${verdict}` : tagText;

  if (mode === 'on') {
    if (verdict === 'tff' || verdict === 'bff') return { deinterlace: true, parity: verdict, basis: '--deinterlace on', evidence };
    return {
      deinterlace: true,
      parity: 'tff',
      basis: '--deinterlace on',
      evidence,
      warning: 'parity unknown (no tag, idet unclear): assuming top field first',
    };
  }
  if (scan === 'progressive') return { deinterlace: false, basis: 'field-order tag', evidence: tagText };
  if (verdict === 'tff' || verdict === 'bff') return { deinterlace: true, parity: verdict, basis: 'idet', evidence };
  if (verdict === 'progressive') return { deinterlace: false, basis: 'idet', evidence };
  return {
    deinterlace: false,
    basis: 'default',
    evidence,
    warning: 'no field-order tag and idet unclear: not deinterlaced (use --deinterlace on if the picture is interlaced)',
  };
}
