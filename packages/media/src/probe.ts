import { FfmpegError, InputError, withoutLeadingName } from '@avpres/core';
import { lastMeaningfulLine, runProgram } from './run.js';

export interface ProbeStream {
  index: number;
  codecType: 'video' | 'audio' | 'subtitle' | 'data' | 'attachment' | string;
  codecName: string;
  codecTag?: string;
  profile?: string;
  width?: number;
  height?: number;
  pixFmt?: string;
  fieldOrder?: string;
  colorRange?: string;
  colorSpace?: string;
  colorTransfer?: string;
  colorPrimaries?: string;
  sampleAspectRatio?: string;
  displayAspectRatio?: string;
  /** Frames per second as a fraction, e.g. "25/1", "30000/1001". */
  frameRate?: string;
  sampleRate?: number;
  channels?: number;
  channelLayout?: string;
  sampleFmt?: string;
  bitsPerRawSample?: number;
  bitsPerSample?: number;
  duration?: number;
  nbFrames?: number;
  tags: Record<string, string>;
  disposition: Record<string, number>;
}

export interface ProbeResult {
  file: string;
  formatName: string;
  formatLongName?: string;
  duration?: number;
  size?: number;
  bitRate?: number;
  tags: Record<string, string>;
  streams: ProbeStream[];
  chapters: number;
  raw: unknown;
}

/** ffprobe's view of a file, typed. A file ffprobe cannot read is an InputError naming it. */
export async function probe(ffprobePath: string, file: string, signal?: AbortSignal): Promise<ProbeResult> {
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '-show_chapters', '-i', file];
  let stdout: string;
  try {
    ({ stdout } = await runProgram(ffprobePath, args, { captureStdout: true, signal, file }));
  } catch (error) {
    if (error instanceof FfmpegError) {
      // ffprobe names the file itself ("<file>: Invalid data..."); say it once.
      const reason = withoutLeadingName(lastMeaningfulLine(error.stderrTail) ?? error.message, file);
      throw new InputError(`${file}: not readable as media (${reason})`, { file, cause: error });
    }
    throw error;
  }
  return parseProbeJson(file, stdout);
}

export function parseProbeJson(file: string, json: string): ProbeResult {
  const raw = JSON.parse(json) as {
    format?: Record<string, unknown>;
    streams?: Record<string, unknown>[];
    chapters?: unknown[];
  };
  const format = raw.format ?? {};
  const streams = (raw.streams ?? []).map(toStream);
  if (!raw.format || streams.length === 0) {
    throw new InputError(`${file}: not media (ffprobe found no streams)`, { file });
  }
  return {
    file,
    formatName: str(format['format_name']) ?? 'unknown',
    ...opt('formatLongName', str(format['format_long_name'])),
    ...opt('duration', num(format['duration'])),
    ...opt('size', num(format['size'])),
    ...opt('bitRate', num(format['bit_rate'])),
    tags: tags(format['tags']),
    streams,
    chapters: raw.chapters?.length ?? 0,
    raw,
  };
}

function toStream(s: Record<string, unknown>): ProbeStream {
  const frameRate = str(s['r_frame_rate']);
  return {
    index: num(s['index']) ?? 0,
    codecType: str(s['codec_type']) ?? 'unknown',
    codecName: str(s['codec_name']) ?? 'unknown',
    ...opt('codecTag', str(s['codec_tag_string'])),
    ...opt('profile', str(s['profile'])),
    ...opt('width', num(s['width'])),
    ...opt('height', num(s['height'])),
    ...opt('pixFmt', str(s['pix_fmt'])),
    ...opt('fieldOrder', str(s['field_order'])),
    ...opt('colorRange', str(s['color_range'])),
    ...opt('colorSpace', str(s['color_space'])),
    ...opt('colorTransfer', str(s['color_transfer'])),
    ...opt('colorPrimaries', str(s['color_primaries'])),
    ...opt('sampleAspectRatio', str(s['sample_aspect_ratio'])),
    ...opt('displayAspectRatio', str(s['display_aspect_ratio'])),
    ...opt('frameRate', frameRate === '0/0' ? undefined : frameRate),
    ...opt('sampleRate', num(s['sample_rate'])),
    ...opt('channels', num(s['channels'])),
    ...opt('channelLayout', str(s['channel_layout'])),
    ...opt('sampleFmt', str(s['sample_fmt'])),
    ...opt('bitsPerRawSample', num(s['bits_per_raw_sample'])),
    ...opt('bitsPerSample', num(s['bits_per_sample'])),
    ...opt('duration', num(s['duration'])),
    ...opt('nbFrames', num(s['nb_frames'])),
    tags: tags(s['tags']),
    disposition: (s['disposition'] as Record<string, number> | undefined) ?? {},
  };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' && v !== 'unknown' && v !== 'N/A' ? v : undefined;
}
function num(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  return Number.isFinite(n) && v !== '' ? n : undefined;
}
function tags(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object') for (const [k, val] of Object.entries(v)) out[k] = String(val);
  return out;
}
function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** "30000/1001" -> 29.97; undefined for "0/0" or garbage. */
export function parseRate(rate: string | undefined): number | undefined {
  if (!rate) return undefined;
  const [n, d] = rate.split('/').map(Number);
  if (n === undefined || !Number.isFinite(n)) return undefined;
  const den = d === undefined ? 1 : d;
  return den > 0 && n > 0 ? n / den : undefined;
}

/** Expected video frame count: the container's count, else duration x rate. */
export function expectedFrames(stream: ProbeStream, formatDuration?: number): number | undefined {
  if (stream.nbFrames && stream.nbFrames > 0) return stream.nbFrames;
  const rate = parseRate(stream.frameRate);
  const duration = stream.duration ?? formatDuration;
  return rate && duration ? Math.round(rate * duration) : undefined;
}
