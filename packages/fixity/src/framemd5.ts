import { InputError } from '@avpres/core';

/** What a framemd5/framehash header says about one stream. */
export interface FramehashStream {
  index: number;
  mediaType?: string;
  codecId?: string;
  /** As written, e.g. "1/25". */
  timeBase?: string;
  dimensions?: string;
  sar?: string;
  sampleRate?: number;
  channelLayout?: string;
  channelLayoutName?: string;
  /** Every other per-stream header line (`#extradata 0: ...`), by key. */
  other: Record<string, string>;
}

export interface FramehashFrame {
  stream: number;
  dts: number;
  pts: number;
  duration: number;
  size: number;
  hash: string;
}

export interface Framehash {
  /** `#version:` (absent in version 1 output). */
  version?: number;
  /** `#hash:` e.g. "MD5", "SHA256"; MD5 when the header does not say. */
  hashName: string;
  software?: string;
  streams: Map<number, FramehashStream>;
  frames: FramehashFrame[];
}

const STREAM_KEYS: Record<string, keyof FramehashStream> = {
  media_type: 'mediaType',
  codec_id: 'codecId',
  tb: 'timeBase',
  dimensions: 'dimensions',
  sar: 'sar',
  channel_layout: 'channelLayout',
  channel_layout_name: 'channelLayoutName',
};

/**
 * Parse ffmpeg's framemd5 / framehash output: `#key: value` and `#key N: value` header
 * lines, then one `stream, dts, pts, duration, size, hash` line per packet (fields after
 * the hash, such as side data, are ignored).
 */
export function parseFramemd5(text: string): Framehash {
  const result: Framehash = { hashName: 'MD5', streams: new Map(), frames: [] };
  const streamOf = (index: number): FramehashStream => {
    let stream = result.streams.get(index);
    if (!stream) result.streams.set(index, (stream = { index, other: {} }));
    return stream;
  };
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      const perStream = /^#(\w+) (\d+):\s*(.*)$/.exec(line);
      if (perStream) {
        const [, key, index, value] = perStream as unknown as [string, string, string, string];
        const stream = streamOf(Number(index));
        if (key === 'sample_rate') stream.sampleRate = Number(value);
        else if (STREAM_KEYS[key]) (stream as unknown as Record<string, string>)[STREAM_KEYS[key]] = value;
        else stream.other[key] = value;
        return;
      }
      const global = /^#(\w+):\s*(.*)$/.exec(line);
      if (global?.[1] === 'version') result.version = Number(global[2]);
      else if (global?.[1] === 'hash') result.hashName = global[2]!.toUpperCase();
      else if (global?.[1] === 'software') result.software = global[2]!;
      // "#format: frame checksums" and the "#stream#, dts, ..." column header carry nothing.
      return;
    }
    const fields = line.split(',').map((f) => f.trim());
    const numbers = fields.slice(0, 5).map(Number);
    const hash = fields[5];
    if (fields.length < 6 || numbers.some((n) => !Number.isFinite(n)) || !/^(0x)?[0-9a-fA-F]+$/.test(hash!)) {
      throw new InputError(`framemd5 line ${i + 1}: expected "stream, dts, pts, duration, size, hash", got ${JSON.stringify(line.slice(0, 80))}`);
    }
    const [stream, dts, pts, duration, size] = numbers as [number, number, number, number, number];
    streamOf(stream);
    result.frames.push({ stream, dts, pts, duration, size, hash: hash!.toLowerCase() });
  });
  return result;
}

export interface StreamComparison {
  stream: number;
  mediaType?: string;
  expectedFrames: number;
  actualFrames: number;
  /** The first frame (0-based, counted within the stream) whose hash or size differs, or that one side lacks. */
  firstMismatch?: { index: number; expected?: string; actual?: string };
}

export interface FramehashComparison {
  equal: boolean;
  streams: StreamComparison[];
  /** One line: "2 streams, 250 frames identical" or "stream 1 (audio): frame 12 differs". */
  summary: string;
}

/**
 * Compare two framemd5s stream by stream, frame by frame in order, on each frame's hash
 * and size. Timestamps are not compared: MOV and Matroska use different time bases for
 * the same frames. A stream with fewer frames mismatches at its first missing frame.
 */
export function compareFramemd5(expected: Framehash, actual: Framehash): FramehashComparison {
  const indices = [...new Set([...expected.streams.keys(), ...actual.streams.keys()])].sort((a, b) => a - b);
  const byStream = (fh: Framehash, index: number) => fh.frames.filter((f) => f.stream === index);
  const streams: StreamComparison[] = indices.map((index) => {
    const want = byStream(expected, index);
    const got = byStream(actual, index);
    const mediaType = expected.streams.get(index)?.mediaType ?? actual.streams.get(index)?.mediaType;
    const comparison: StreamComparison = {
      stream: index,
      ...(mediaType ? { mediaType } : {}),
      expectedFrames: want.length,
      actualFrames: got.length,
    };
    const n = Math.max(want.length, got.length);
    for (let i = 0; i < n; i++) {
      const w = want[i];
      const g = got[i];
      if (w && g && w.hash === g.hash && w.size === g.size) continue;
      comparison.firstMismatch = { index: i, ...(w ? { expected: w.hash } : {}), ...(g ? { actual: g.hash } : {}) };
      break;
    }
    return comparison;
  });
  const hashesDiffer = expected.hashName !== actual.hashName;
  const bad = streams.filter((s) => s.firstMismatch);
  const equal = !hashesDiffer && bad.length === 0 && streams.length > 0;
  let summary: string;
  if (hashesDiffer) summary = `different hash algorithms (${expected.hashName} vs ${actual.hashName}): not comparable`;
  else if (streams.length === 0) summary = 'no streams in either framemd5';
  else if (equal) summary = `${streams.length} stream${streams.length === 1 ? '' : 's'}, ${expected.frames.length} frames identical`;
  else summary = bad.map(describeMismatch).join('; ');
  return { equal, streams, summary };
}

function describeMismatch(s: StreamComparison): string {
  const name = `stream ${s.stream}${s.mediaType ? ` (${s.mediaType})` : ''}`;
  const at = s.firstMismatch!;
  if (at.expected !== undefined && at.actual !== undefined) return `${name}: frame ${at.index} differs`;
  if (s.actualFrames === 0) return `${name}: missing from the output (${s.expectedFrames} frames expected)`;
  if (s.expectedFrames === 0) return `${name}: not in the source (${s.actualFrames} frames found)`;
  return `${name}: ${s.expectedFrames} frames expected, ${s.actualFrames} found; frame ${at.index} ${at.actual === undefined ? 'missing' : 'extra'}`;
}
