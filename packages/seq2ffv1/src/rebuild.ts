import { createHasher } from '@avpres/fixity';
import { ffmpegInvocation, runProgram } from '@avpres/media';
import { buildAudioDecodeArgs, buildDecodeArgs } from './ffv1-args.js';
import { packFrame, restorePadding } from './pack-frame.js';
import type { AudioRecord, FileRecord, Reversibility } from './reversibility.js';

export interface RebuiltFile {
  record: FileRecord;
  /** The file's bytes as three pieces (header, image data, trailer); valid only during the call. */
  pieces: [Buffer, Buffer, Buffer];
  /** md5 of the rebuilt bytes. */
  md5: string;
}

export interface RebuildOptions {
  ffmpeg: string;
  mkv: string;
  reversibility: Reversibility;
  /** Also write a framemd5 of the MKV's frames from the same decode. */
  framemd5?: string | undefined;
  signal: AbortSignal;
  onFile: (file: RebuiltFile, index: number) => Promise<void> | void;
  onStderr?: ((chunk: string) => void) | undefined;
}

export interface RebuildResult {
  /** Frames the MKV decoded to. */
  frames: number;
  /** ffmpeg's argv, for the log. */
  args: string[];
}

/** The decode argv (for --dry-run and the log). */
export function rebuildArgs(options: Pick<RebuildOptions, 'mkv' | 'reversibility' | 'framemd5'>): string[] {
  return ffmpegInvocation(['-vsync', 'passthrough', ...buildDecodeArgs({ mkv: options.mkv, layout: options.reversibility.sequence.layout, framemd5: options.framemd5 })]);
}

/**
 * Decodes the MKV once and rebuilds every file in memory, frame by frame as ffmpeg streams
 * raw pixels (memory stays at one frame): header + image data re-packed in the original
 * layout + trailer, padding bits put back, then hashed. Frames beyond the records are
 * counted, not rebuilt.
 */
export async function rebuildFromMkv(options: RebuildOptions): Promise<RebuildResult> {
  const { layout } = options.reversibility.sequence;
  const records = options.reversibility.records;
  const frame = Buffer.alloc(layout.rawFrameBytes);
  const image = Buffer.alloc(layout.imageBytes);
  let filled = 0;
  let frames = 0;

  const handleFrame = async () => {
    const index = frames++;
    const record = records[index];
    if (!record) return;
    packFrame(layout, frame, image);
    restorePadding(image, record.padding);
    const hasher = createHasher('md5');
    hasher.update(record.header);
    hasher.update(image);
    hasher.update(record.trailer);
    await options.onFile({ record, pieces: [record.header, image, record.trailer], md5: hasher.digest() }, index);
  };

  const args = rebuildArgs(options);
  await runWithStdout(options.ffmpeg, args, options, async (chunk) => {
    let at = 0;
    while (at < chunk.length) {
      const n = Math.min(chunk.length - at, frame.length - filled);
      chunk.copy(frame, filled, at, at + n);
      filled += n;
      at += n;
      if (filled === frame.length) {
        await handleFrame();
        filled = 0;
      }
    }
  });
  return { frames, args };
}

export interface AudioRebuild {
  md5: string;
  /** Sample bytes ffmpeg gave back (to compare with the WAV's data chunk). */
  dataBytes: number;
  args: string[];
}

/**
 * Decodes FLAC stream `index` of the MKV to the WAV's PCM and hashes header + samples +
 * trailer as they stream; `onPiece` receives each piece in order (--decode writes them).
 */
export async function rebuildAudio(options: {
  ffmpeg: string;
  mkv: string;
  index: number;
  record: AudioRecord;
  signal: AbortSignal;
  onPiece?: ((piece: Buffer) => Promise<void>) | undefined;
  onStderr?: ((chunk: string) => void) | undefined;
}): Promise<AudioRebuild> {
  const { record } = options;
  const header = Buffer.from(record.header, 'base64');
  const trailer = Buffer.from(record.trailer, 'base64');
  const hasher = createHasher('md5');
  let dataBytes = 0;
  const take = async (piece: Buffer) => {
    hasher.update(piece);
    await options.onPiece?.(piece);
  };
  await take(header);
  const args = ffmpegInvocation(buildAudioDecodeArgs({ mkv: options.mkv, index: options.index, pcm: record.pcm }));
  await runWithStdout(options.ffmpeg, args, options, async (chunk) => {
    dataBytes += chunk.length;
    await take(chunk);
  });
  await take(trailer);
  return { md5: hasher.digest(), dataBytes, args };
}

/**
 * Run ffmpeg and hand each chunk of its stdout to `take`, in order. An error in `take`
 * (a rebuilt file that is wrong, a failed write) wins over ffmpeg's broken pipe.
 */
async function runWithStdout(
  ffmpeg: string,
  args: string[],
  run: { mkv: string; signal: AbortSignal; onStderr?: ((chunk: string) => void) | undefined },
  take: (chunk: Buffer) => Promise<void>,
): Promise<void> {
  let consumed: Promise<void> = Promise.resolve();
  let runError: unknown;
  await runProgram(ffmpeg, args, {
    signal: run.signal,
    file: run.mkv,
    onStderr: run.onStderr,
    stdoutStream: (stream) => {
      consumed = (async () => {
        try {
          for await (const chunk of stream as AsyncIterable<Buffer>) await take(chunk);
        } catch (error) {
          stream.destroy();
          throw error;
        }
      })();
      consumed.catch(() => undefined); // awaited below; this only stops an early "unhandled" report
    },
  }).catch((error: unknown) => {
    runError = error;
  });
  await consumed;
  if (runError) throw runError;
}
