import { buildFfv1Args } from '@avpres/media';
import type { FrameLayout } from './frame-layout.js';

/** ffmpeg filters that undo a DPX orientation (flips are their own inverse). */
export function orientationFilter(layout: FrameLayout): string[] {
  const filters = [...(layout.flip.vertical ? ['vflip'] : []), ...(layout.flip.horizontal ? ['hflip'] : [])];
  return filters.length > 0 ? ['-vf', filters.join(',')] : [];
}

/** A DPX frame rate (float) as ffmpeg wants it: the NTSC rates as exact fractions. */
export function frameRateArg(rate: number | undefined): string {
  if (rate === undefined) return '24';
  for (const base of [24, 30, 48, 60, 120]) {
    if (Math.abs(rate - (base * 1000) / 1001) < 0.002) return `${base * 1000}/1001`;
  }
  if (Math.abs(rate - Math.round(rate)) < 0.001) return String(Math.round(rate));
  return String(Number(rate.toFixed(3)));
}

export interface EncodeArgsInput {
  /** Folder and image2 pattern ('%' already doubled) of the frames ffmpeg reads. */
  dir: string;
  pattern: string;
  start: number;
  frameRate: string;
  layout: FrameLayout;
  attachments: ReadonlyArray<{ path: string; name: string; mimeType: string }>;
  output: string;
  context?: boolean | undefined;
  /** WAV files to mux as FLAC, one stream each, in this order. */
  audio?: readonly string[] | undefined;
}

/** ffmpeg arguments (after ffmpegInvocation's prefix) that encode the sequence to FFV1/MKV. */
export function buildEncodeArgs(input: EncodeArgsInput): string[] {
  const { layout } = input;
  const args = [
    '-f', 'image2',
    '-framerate', input.frameRate,
    '-start_number', String(input.start),
    '-i', `${input.dir.replace(/%/g, '%%')}/${input.pattern}`,
  ];
  const audio = input.audio ?? [];
  for (const wav of audio) args.push('-i', wav);
  args.push('-map', '0:v:0');
  audio.forEach((_, i) => args.push('-map', `${i + 1}:a:0`));
  args.push(
    ...orientationFilter(layout),
    ...buildFfv1Args({ width: layout.width, height: layout.height, context: input.context ?? false }),
    '-pix_fmt', layout.pixFmt,
    ...(audio.length > 0 ? ['-c:a', 'flac'] : []),
  );
  input.attachments.forEach((a, i) => {
    args.push('-attach', a.path, `-metadata:s:t:${i}`, `mimetype=${a.mimeType}`, `-metadata:s:t:${i}`, `filename=${a.name}`);
  });
  args.push('-f', 'matroska', '-y', input.output);
  return args;
}

/** ffmpeg arguments that decode audio stream `index` of the MKV to the WAV's raw PCM on stdout. */
export function buildAudioDecodeArgs({ mkv, index, pcm }: { mkv: string; index: number; pcm: 's16le' | 's24le' }): string[] {
  return ['-i', mkv, '-map', `0:a:${index}`, '-c:a', `pcm_${pcm}`, '-f', pcm, 'pipe:1'];
}

/**
 * ffmpeg arguments that decode the MKV's video once: raw frames (orientation undone) to
 * stdout for the rebuild, and, from the same decode, a framemd5 of the frames as stored.
 */
export function buildDecodeArgs({ mkv, layout, framemd5 }: { mkv: string; layout: FrameLayout; framemd5?: string | undefined }): string[] {
  return [
    '-i', mkv,
    '-map', '0:v:0', ...orientationFilter(layout), '-f', 'rawvideo', '-pix_fmt', layout.pixFmt, 'pipe:1',
    ...(framemd5 ? ['-map', '0:v:0', '-f', 'framemd5', '-y', framemd5] : []),
  ];
}
