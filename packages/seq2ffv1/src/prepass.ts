import { open } from 'node:fs/promises';
import { relative } from 'node:path';
import { InputError, InterruptedError } from '@avpres/core';
import { hashBuffer, hashFile, readBuffer, type ManifestEntry } from '@avpres/fixity';
import type { Sequence } from './find-sequence.js';
import { describeFrame, layoutDifference } from './frame-file.js';
import type { FrameLayout } from './frame-layout.js';
import { extractPadding, paddingPositions } from './pack-frame.js';
import { ReversibilityWriter, type AudioRecord } from './reversibility.js';
import { readWavLayout } from './wav-layout.js';

export interface PrepassResult {
  /** md5 of every source file, paths relative to the sequence folder. */
  manifest: ManifestEntry[];
  /** The reversibility data, compressed, one buffer per attachment. */
  parts: Buffer[];
  /** Files whose dropped bits were not all zero. */
  filesWithPadding: number;
  bytes: number;
  audio: AudioRecord[];
}

/** A whole file into `reuse` (or a new buffer when it is too small). */
async function readWhole(path: string, reuse: Buffer | undefined): Promise<{ buffer: Buffer; size: number }> {
  const handle = await open(path, 'r').catch((error: unknown) => {
    throw new InputError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code})`, { file: path, cause: error });
  });
  try {
    const size = (await handle.stat()).size;
    const buffer = reuse && reuse.length >= size ? reuse : readBuffer(size);
    let got = 0;
    while (got < size) {
      const { bytesRead } = await handle.read(buffer, got, size - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    if (got !== size) throw new InputError(`${path}: shrank while being read (${got} of ${size} bytes)`, { file: path });
    return { buffer, size };
  } finally {
    await handle.close();
  }
}

async function readRange(path: string, at: number, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const b = Buffer.alloc(length);
    const { bytesRead } = await handle.read(b, 0, length, at);
    if (bytesRead !== length) throw new InputError(`${path}: shrank while being read`, { file: path });
    return b;
  } finally {
    await handle.close();
  }
}

/** Path of a sequence file relative to the sequence folder, forward slashes (manifest and records). */
export function relativeName(seq: Sequence, path: string): string {
  return relative(seq.folder, path).split('\\').join('/');
}

/**
 * The one read of the scan before the encode: each file is read whole (two buffers, reused),
 * hashed, checked against the first file's layout, and its header, trailer and non-zero
 * padding bits go into the reversibility data.
 */
export async function prepass(
  seq: Sequence,
  layout: FrameLayout,
  frameRate: string,
  options: { signal: AbortSignal; partBytes?: number | undefined; onFile?: (done: number, bytes: number) => void },
): Promise<PrepassResult> {
  const writer = new ReversibilityWriter(options.partBytes);
  const positions = paddingPositions(layout);
  const manifest: ManifestEntry[] = [];
  let filesWithPadding = 0;
  let bytes = 0;
  // Two buffers: the next file is read (in libuv's thread pool) while this one is hashed.
  const spare: Buffer[] = [];
  const readAhead = (i: number) => (i < seq.files.length ? readWhole(seq.files[i]!.path, spare.pop()) : undefined);
  let next = readAhead(0);
  for (const [index, f] of seq.files.entries()) {
    if (options.signal.aborted) throw new InterruptedError('interrupted while reading the scan', { file: f.path });
    const { buffer, size } = await next!;
    next = readAhead(index + 1);
    next?.catch(() => undefined); // reported when awaited
    const content = buffer.subarray(0, size);
    const frame = describeFrame(content, seq.format, f.path);
    const difference = layoutDifference(layout, frame.layout);
    if (difference) throw new InputError(`${f.path}: differs from the first frame (${difference})`, { file: f.path });
    const imageEnd = frame.imageOffset + layout.imageBytes;
    const padding = extractPadding(layout, positions, content.subarray(frame.imageOffset, imageEnd));
    if (padding.offsets.length > 0) filesWithPadding++;
    const name = relativeName(seq, f.path);
    const md5 = hashBuffer(content, 'md5');
    manifest.push({ path: name, hash: md5 });
    writer.add({
      name,
      size,
      md5,
      header: Buffer.from(content.subarray(0, frame.imageOffset)),
      trailer: Buffer.from(content.subarray(imageEnd)),
      padding,
    });
    bytes += size;
    spare.push(buffer);
    options.onFile?.(index + 1, bytes);
  }
  const audio: AudioRecord[] = [];
  for (const f of seq.audio) {
    const wav = await readWavLayout(f.path);
    const { digest: md5, size } = await hashFile(f.path, { algorithm: 'md5', signal: options.signal });
    const name = relativeName(seq, f.path);
    const end = wav.dataOffset + wav.dataBytes;
    audio.push({
      name,
      size,
      md5,
      header: (await readRange(f.path, 0, wav.dataOffset)).toString('base64'),
      trailer: (await readRange(f.path, end, size - end)).toString('base64'),
      pcm: wav.pcm,
      channels: wav.channels,
      sampleRate: wav.sampleRate,
      dataBytes: wav.dataBytes,
    });
    manifest.push({ path: name, hash: md5 });
    bytes += size;
  }
  const parts = writer.finish({ name: seq.name, layout, frameRate, gaps: seq.gaps, ...(audio.length > 0 ? { audio } : {}) });
  return { manifest, parts, filesWithPadding, bytes, audio };
}
