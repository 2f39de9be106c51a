import { buildFfv1Args } from '@avpres/media';
import type { StreamPlan } from './stream-plan.js';

/** Audio is hashed in fixed blocks: MOV and MKV cut PCM/FLAC into different packets. */
export const AUDIO_BLOCK_SAMPLES = 1920;

/** The hash for packet lists that never leave the process: fast, 128 bits. */
export const PACKET_HASH = 'murmur3';

export interface EncodeArgsInput {
  source: string;
  plan: StreamPlan;
  /** Where the MKV is written (the .partial name). */
  mkv: string;
  /** Where the source framemd5 is written. */
  sourceFramemd5: string;
  slices?: number | undefined;
}

/** `file:` stops ffmpeg reading a name such as "-tape.mov" or "a:b.mov" as an option or protocol. */
export function fileUrl(path: string): string {
  return `file:${path}`;
}

/** A name inside a tee muxer spec: backslash-escape what the tee parser treats as syntax. */
export function teeEscape(path: string): string {
  return path.replace(/[\\|[\]'"\s]/g, (c) => `\\${c}`);
}

/** The MKV keeps the source's stream order. */
function mapArgs(plan: StreamPlan): string[] {
  const indexes = [...plan.video, ...plan.audio, ...plan.subtitles].map((s) => s.index).sort((a, b) => a - b);
  return indexes.flatMap((i) => ['-map', `0:${i}`]);
}

/**
 * The framemd5 output of either side: video streams first, then audio, so stream numbers
 * agree whatever order the source had. `from` says how to pick them from the input.
 */
function hashOutputArgs(plan: StreamPlan, from: 'source' | 'nut'): string[] {
  const args =
    from === 'source'
      ? [...plan.video, ...plan.audio].flatMap((s) => ['-map', `0:${s.index}`])
      : ['-map', '0:v', ...(plan.audio.length > 0 ? ['-map', '0:a'] : [])];
  plan.video.forEach((v, n) => args.push(`-c:v:${n}`, 'rawvideo', `-pix_fmt:v:${n}`, v.decodePixFmt));
  plan.audio.forEach((a, n) => args.push(`-c:a:${n}`, a.hashCodec));
  if (plan.audio.length > 0) args.push('-filter:a', `asetnsamples=n=${AUDIO_BLOCK_SAMPLES}:p=0`);
  return args;
}

/**
 * Pass 1 (one read of the source): decode once, encode FFV1/FLAC into a tee that writes the
 * MKV to disk and the same packets as NUT to stdout (for the concurrent decode), and write
 * the source framemd5 from the same decoded frames.
 */
export function buildEncodeArgs({ source, plan, mkv, sourceFramemd5, slices }: EncodeArgsInput): string[] {
  const args = ['-y', '-i', fileUrl(source), ...mapArgs(plan)];
  plan.video.forEach((v, n) => {
    args.push(...buildFfv1Args({ width: v.width, height: v.height, slices, stream: `v:${n}` }));
    args.push(`-pix_fmt:v:${n}`, v.encodePixFmt);
    if (v.fieldOrder) args.push(`-field_order:v:${n}`, v.fieldOrder);
    if (v.setField) args.push(`-filter:v:${n}`, `setfield=${v.setField}`);
    if (v.colour.primaries) args.push(`-color_primaries:v:${n}`, v.colour.primaries);
    if (v.colour.trc) args.push(`-color_trc:v:${n}`, v.colour.trc);
    if (v.colour.space) args.push(`-colorspace:v:${n}`, v.colour.space);
    if (v.colour.range) args.push(`-color_range:v:${n}`, v.colour.range);
  });
  plan.audio.forEach((a, n) => args.push(`-c:a:${n}`, a.action === 'flac' ? 'flac' : 'copy'));
  plan.subtitles.forEach((s, n) => args.push(`-c:s:${n}`, s.action === 'ass' ? 'ass' : 'copy'));
  args.push('-map_metadata', '0', '-map_chapters', '0');
  for (const [key, value] of Object.entries(plan.tags)) args.push('-metadata', `${key}=${value}`);
  // Each decoded frame once, at its own time: the tee output is constant-rate by default,
  // and an AVI whose index holds empty entries (dropped-frame placeholders, time base 1/50
  // for 25 fps) had frames duplicated into the MKV, which then failed its proof. -vsync,
  // not -fps_mode: the embedded ffmpeg (2018) knows only the older name.
  args.push('-vsync', 'passthrough');
  args.push('-f', 'tee', `[f=matroska]${teeEscape(fileUrl(mkv))}|[f=nut]pipe:1`);
  args.push(...hashOutputArgs(plan, 'source'), '-f', 'framemd5', fileUrl(sourceFramemd5));
  return args;
}

export interface DecodeArgsInput {
  plan: StreamPlan;
  outputFramemd5: string;
  /** Packet hashes of the NUT stream, to compare with the stored MKV's packets. */
  packetHashes: string;
}

/** Pass 2, running at the same time as pass 1: decode the packets from stdin -> output framemd5. */
export function buildDecodeArgs({ plan, outputFramemd5, packetHashes }: DecodeArgsInput): string[] {
  return [
    '-y',
    '-f', 'nut',
    '-i', 'pipe:0',
    ...hashOutputArgs(plan, 'nut'),
    '-f', 'framemd5', fileUrl(outputFramemd5),
    '-map', '0',
    '-c', 'copy',
    '-f', 'framehash', '-hash', PACKET_HASH, fileUrl(packetHashes),
  ];
}

/** The stored-file check: the MKV's packets as read back from disk (fed on stdin), hashed. */
export function buildStoredPacketArgs(): string[] {
  return ['-f', 'matroska', '-i', 'pipe:0', '-map', '0', '-c', 'copy', '-f', 'framehash', '-hash', PACKET_HASH, 'pipe:1'];
}
