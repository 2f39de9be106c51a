/** One block of ffmpeg's `-progress` output, typed. */
export interface FfmpegProgress {
  frame?: number;
  fps?: number;
  /** Seconds of output written so far. */
  outTime?: number;
  /** Multiple of realtime, e.g. 2.1 for "2.1x". */
  speed?: number;
  totalSize?: number;
  /** 0..100 when the expected duration or frame count is known. */
  percent?: number;
  /** True on the last block (progress=end). */
  end: boolean;
}

export interface ProgressTotals {
  durationSeconds?: number | undefined;
  frames?: number | undefined;
}

/**
 * Feeds chunks of ffmpeg's `-progress` stream (key=value lines, each block closed by
 * `progress=continue|end`) and calls back once per complete block.
 */
export class ProgressParser {
  private buffer = '';
  private block: Record<string, string> = {};

  constructor(
    private readonly onProgress: (p: FfmpegProgress) => void,
    private readonly totals: ProgressTotals = {},
  ) {}

  push(chunk: string | Buffer): void {
    this.buffer += chunk.toString();
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) !== -1) {
      const line = this.buffer.slice(0, newline).trim();
      this.buffer = this.buffer.slice(newline + 1);
      const eq = line.indexOf('=');
      if (eq <= 0) continue;
      const key = line.slice(0, eq).trim();
      const value = line.slice(eq + 1).trim();
      this.block[key] = value;
      if (key === 'progress') {
        this.onProgress(toProgress(this.block, this.totals));
        this.block = {};
      }
    }
  }
}

export function toProgress(block: Readonly<Record<string, string>>, totals: ProgressTotals = {}): FfmpegProgress {
  const num = (v: string | undefined) => {
    if (v === undefined || v === 'N/A') return undefined;
    const n = Number.parseFloat(v);
    return Number.isFinite(n) ? n : undefined;
  };
  const p: FfmpegProgress = { end: block['progress'] === 'end' };
  const frame = num(block['frame']);
  if (frame !== undefined) p.frame = frame;
  const fps = num(block['fps']);
  if (fps !== undefined) p.fps = fps;
  // out_time_us is microseconds; out_time_ms is also microseconds (a long-standing ffmpeg quirk).
  const us = num(block['out_time_us']) ?? num(block['out_time_ms']);
  const outTime = us !== undefined ? us / 1e6 : parseClock(block['out_time']);
  if (outTime !== undefined && outTime >= 0) p.outTime = outTime;
  const speed = num(block['speed']?.replace(/x$/, ''));
  if (speed !== undefined) p.speed = speed;
  const size = num(block['total_size']);
  if (size !== undefined) p.totalSize = size;
  if (totals.frames && p.frame !== undefined) {
    p.percent = Math.min(100, (100 * p.frame) / totals.frames);
  } else if (totals.durationSeconds && p.outTime !== undefined) {
    p.percent = Math.min(100, (100 * p.outTime) / totals.durationSeconds);
  }
  if (p.end) p.percent = 100;
  return p;
}

/** "HH:MM:SS.micro" -> seconds. */
export function parseClock(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const m = /^(-?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(value);
  if (!m) return undefined;
  const s = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
  return m[1] ? -s : s;
}
