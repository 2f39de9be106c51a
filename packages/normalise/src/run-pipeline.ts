import { createReadStream } from 'node:fs';
import { PassThrough } from 'node:stream';
import { AvpresError, EnvironmentError, FfmpegError, InterruptedError } from '@avpres/core';
import { createHasher, fsError } from '@avpres/fixity';
import { ffmpegInvocation, runProgram, type FfmpegProgress, type ResolvedTool } from '@avpres/media';

export interface PipelineRun {
  ffmpeg: ResolvedTool;
  encodeArgs: string[];
  decodeArgs: string[];
  file: string;
  signal: AbortSignal;
  onProgress: (p: FfmpegProgress) => void;
  totals: { frames?: number | undefined; durationSeconds?: number | undefined };
  /** ffmpeg's stderr, tagged by pass, for the ffmpeg log. */
  onStderr: (pass: 'encode' | 'decode' | 'stored', text: string) => void;
}

/**
 * How far the encoder may run ahead of the decoder. A pipe alone holds less than one frame, so
 * each pass would wait on the other's slow moments; with slack, the encoder also finishes
 * early and the read-back of the MKV overlaps the decoder's last frames (noisy SD: the
 * encoder ended ~1.5 s before the decoder instead of together with it).
 */
const NUT_BUFFER_BYTES = 64 * 1024 * 1024;

/**
 * Encode and decode at once: pass 1 writes the MKV and streams the same packets to pass 2,
 * which decodes them while pass 1 is still encoding (both cores busy). `afterEncode` starts
 * as soon as pass 1 has exited (the MKV is complete then), while pass 2 finishes its last
 * frames; its result is returned. If either pass fails, everything is stopped and the first
 * real error is reported; `afterEncode` reports its own failures in what it returns.
 */
export async function runEncodeAndDecode<T>(run: PipelineRun, afterEncode: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const local = new AbortController();
  const onAbort = () => local.abort();
  run.signal.addEventListener('abort', onAbort, { once: true });
  // Made before either program starts: runProgram may hand over the encoder's stdout only
  // after it has started, which is after the decoder has been given its stdin.
  const nut = new PassThrough({ writableHighWaterMark: NUT_BUFFER_BYTES, readableHighWaterMark: 1024 * 1024 });
  try {
    const encode = runProgram(run.ffmpeg.path, ffmpegInvocation(run.encodeArgs, { progress: true }), {
      signal: local.signal,
      file: run.file,
      onProgress: run.onProgress,
      totals: run.totals,
      stdoutStream: (s) => s.pipe(nut),
      onStderr: (t) => run.onStderr('encode', t),
    });
    const decode = runProgram(run.ffmpeg.path, ffmpegInvocation(run.decodeArgs), {
      signal: local.signal,
      file: run.file,
      stdin: nut,
      onStderr: (t) => run.onStderr('decode', t),
    });
    const stopOnError = (e: unknown) => {
      local.abort();
      throw e;
    };
    const passes = Promise.allSettled([encode.catch(stopOnError), decode.catch(stopOnError)]);
    const after = encode.then(() => afterEncode(local.signal));
    const [settled, [followed]] = await Promise.all([passes, Promise.allSettled([after])]);
    if (run.signal.aborted) throw new InterruptedError('interrupted', { file: run.file });
    const errors = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    // Prefer the error that caused the stop over the InterruptedError it led to.
    const cause = errors.find((e) => !(e instanceof InterruptedError)) ?? errors[0];
    if (cause !== undefined) throw classify(cause);
    if (followed.status === 'rejected') throw followed.reason;
    return followed.value;
  } finally {
    run.signal.removeEventListener('abort', onAbort);
  }
}

/** A full disk is the environment's fault (exit 3), not the input's. */
export function classify(error: unknown, file?: string): unknown {
  if (!(error instanceof AvpresError) && typeof (error as NodeJS.ErrnoException | undefined)?.code === 'string' && file) {
    return fsError(file, error, 'write');
  }
  if (error instanceof FfmpegError && /No space left on device|Disk quota exceeded/i.test(error.stderrTail)) {
    return new EnvironmentError(`no space left on the output device while writing ${error.file ?? 'the output'}`, {
      ...(error.file ? { file: error.file } : {}),
      cause: error,
    });
  }
  return error;
}

export interface StoredCheck {
  md5: string;
  size: number;
  /** framehash text of the stored file's packets. */
  packetHashes: string;
}

/**
 * One read of the stored MKV: its md5 (for the manifest) and, from the same bytes, the
 * packet hashes ffmpeg demuxes from it — so the proof covers the file as it is on disk.
 */
export async function checkStoredFile(
  ffmpeg: ResolvedTool,
  args: string[],
  mkv: string,
  signal: AbortSignal,
  onStderr: (text: string) => void,
): Promise<StoredCheck> {
  const hasher = createHasher('md5');
  let size = 0;
  const bytes = new PassThrough({ highWaterMark: 4 * 1024 * 1024 });
  const source = createReadStream(mkv, { highWaterMark: 4 * 1024 * 1024, signal });
  source.on('data', (chunk: Buffer | string) => {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    hasher.update(buf);
    size += buf.length;
  });
  const read = new Promise<void>((resolve, reject) => {
    source.on('end', resolve);
    source.on('error', reject);
  });
  source.pipe(bytes);
  const [{ stdout }] = await Promise.all([
    runProgram(ffmpeg.path, ffmpegInvocation(args), { signal, file: mkv, stdin: bytes, captureStdout: true, onStderr }),
    read,
  ]);
  return { md5: hasher.digest(), size, packetHashes: stdout };
}
