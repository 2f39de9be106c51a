/** The colour description written into the H.264 stream and the MP4. */
export interface ColourTags {
  primaries: string;
  transfer: string;
  matrix: string;
  /** Options for the scale filter when pixels must change (RGB sources, full range). */
  scaleOptions: string[];
  /** "source" when every tag came from the source, "default" when none did, else "mixed". */
  basis: 'source' | 'default' | 'mixed';
}

export interface SourceColour {
  colorPrimaries?: string | undefined;
  colorTransfer?: string | undefined;
  colorSpace?: string | undefined;
  colorRange?: string | undefined;
  pixFmt?: string | undefined;
}

// Names both ffmpeg 4.1 and 5.x accept for -color_primaries / -color_trc / -colorspace.
const PRIMARIES = new Set(['bt709', 'bt470m', 'bt470bg', 'smpte170m', 'smpte240m', 'film', 'bt2020', 'smpte428', 'smpte431', 'smpte432', 'jedec-p22']);
const TRANSFERS = new Set([
  'bt709', 'gamma22', 'gamma28', 'smpte170m', 'smpte240m', 'linear', 'log100', 'log316', 'iec61966-2-4',
  'bt1361e', 'iec61966-2-1', 'bt2020-10', 'bt2020-12', 'smpte2084', 'smpte428', 'arib-std-b67',
]);
const MATRICES = new Set(['bt709', 'fcc', 'bt470bg', 'smpte170m', 'smpte240m', 'bt2020nc', 'bt2020c', 'smpte2085']);

/**
 * BT.601 for SD (625 lines: EBU primaries; 525 lines: SMPTE C), BT.709 for HD, unless the
 * source's own tags say otherwise: we never convert between YCbCr matrices, so the tags
 * must describe the pixels as they are. RGB sources are converted with the matrix we tag;
 * full-range sources are brought to the limited range players expect.
 */
export function chooseColourTags(source: SourceColour, outHeight: number): ColourTags {
  const hd = outHeight > 576;
  const defaults = hd
    ? { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709' }
    : { primaries: outHeight === 480 || outHeight === 486 ? 'smpte170m' : 'bt470bg', transfer: 'bt709', matrix: 'smpte170m' };
  const rgb = isRgb(source);
  const primaries = pick(source.colorPrimaries, PRIMARIES);
  const transfer = pick(source.colorTransfer, TRANSFERS);
  const matrix = rgb ? undefined : pick(source.colorSpace, MATRICES);
  const found = [primaries, transfer, matrix].filter((x) => x !== undefined).length;
  const tags = {
    primaries: primaries ?? defaults.primaries,
    transfer: transfer ?? defaults.transfer,
    matrix: matrix ?? defaults.matrix,
  };
  const scaleOptions: string[] = [];
  if (rgb) scaleOptions.push(`out_color_matrix=${scaleMatrixName(tags.matrix)}`);
  if (rgb || source.colorRange === 'pc' || source.pixFmt?.startsWith('yuvj')) scaleOptions.push('out_range=tv');
  return { ...tags, scaleOptions, basis: found === 3 ? 'source' : found === 0 ? 'default' : 'mixed' };
}

/** ffmpeg output options that write the tags. */
export function colourArgs(tags: ColourTags): string[] {
  return ['-color_primaries', tags.primaries, '-color_trc', tags.transfer, '-colorspace', tags.matrix, '-color_range', 'tv'];
}

function pick(value: string | undefined, known: ReadonlySet<string>): string | undefined {
  return value !== undefined && known.has(value) ? value : undefined;
}

function isRgb(source: SourceColour): boolean {
  const fmt = source.pixFmt ?? '';
  return source.colorSpace === 'rgb' || /^(rgb|bgr|gbr|argb|abgr|rgba|bgra|0rgb|rgb0|0bgr|bgr0|x2rgb)/.test(fmt);
}

// swscale's names for the matrix it converts RGB with.
function scaleMatrixName(matrix: string): string {
  if (matrix === 'bt709') return 'bt709';
  if (matrix === 'smpte240m') return 'smpte240m';
  if (matrix === 'fcc') return 'fcc';
  if (matrix.startsWith('bt2020')) return 'bt2020';
  return 'bt601';
}
