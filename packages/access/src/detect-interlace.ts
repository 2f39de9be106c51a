import { ffmpegInvocation, runProgram } from '@avpres/media';
import { parseIdet, sumIdet, type IdetReport } from './field-order.js';
import type { Segment } from './access-plan.js';
import { formatSeconds } from './time-value.js';

export interface IdetWindow {
  start: number;
  frames: number;
}

/** Frames idet looks at per window: four seconds of PAL. */
export const IDET_WINDOW_FRAMES = 100;

/**
 * Where to sample: the middle of each third of the segment when it is long enough (a
 * tape's first seconds are often black or bars), else the segment from its start.
 */
export function idetWindows(segment: Segment, fps: number, frames = IDET_WINDOW_FRAMES): IdetWindow[] {
  const total = segment.duration === undefined ? undefined : Math.floor(segment.duration * fps);
  if (total === undefined || total < 3 * frames) {
    return [{ start: segment.start, frames: total === undefined ? frames : Math.max(1, Math.min(frames, total)) }];
  }
  const length = segment.duration!;
  const span = frames / fps;
  return [0, 1, 2].map((k) => ({ start: segment.start + (length * (2 * k + 1)) / 6 - span / 2, frames }));
}

/** idet on the source's own frames (before any scaling, which fools it), decoding only. */
export function idetArgs(source: string, videoStream: number, window: IdetWindow): string[] {
  return [
    '-nostats',
    ...(window.start > 0 ? ['-ss', formatSeconds(window.start)] : []),
    '-i', source,
    '-map', `0:${videoStream}`,
    '-vf', 'idet',
    '-frames:v', String(window.frames),
    '-an', '-f', 'null', '-',
  ];
}

export interface IdetRun {
  report: IdetReport | undefined;
  commands: string[][];
}

export async function detectInterlace(input: {
  ffmpeg: string;
  source: string;
  videoStream: number;
  segment: Segment;
  fps: number;
  signal: AbortSignal;
}): Promise<IdetRun> {
  const reports: IdetReport[] = [];
  const commands: string[][] = [];
  for (const window of idetWindows(input.segment, input.fps)) {
    const args = ffmpegInvocation(idetArgs(input.source, input.videoStream, window));
    commands.push(args);
    let stderr = '';
    await runProgram(input.ffmpeg, args, { signal: input.signal, file: input.source, onStderr: (chunk) => (stderr += chunk) });
    const report = parseIdet(stderr);
    if (report) reports.push(report);
  }
  return { report: reports.length ? sumIdet(reports) : undefined, commands };
}
