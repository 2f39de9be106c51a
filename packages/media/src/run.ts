import { loadExeca } from './lazy-execa.js';
import type { Readable } from 'node:stream';
import { FfmpegError, InterruptedError } from '@avpres/core';
import { ProgressParser, type FfmpegProgress, type ProgressTotals } from './progress.js';

export interface RunOptions {
  signal?: AbortSignal | undefined;
  /** Typed `-progress` updates (ffmpeg only: see ffmpegInvocation). */
  onProgress?: ((p: FfmpegProgress) => void) | undefined;
  totals?: ProgressTotals | undefined;
  /** Every stderr chunk, e.g. for ffmpeg's report in the log folder. */
  onStderr?: ((chunk: string) => void) | undefined;
  /** Stream stdout instead of buffering it (large outputs such as raw frames). */
  onStdout?: ((chunk: Buffer) => void) | undefined;
  /** Buffer stdout and return it as text (small outputs such as ffprobe JSON). */
  captureStdout?: boolean | undefined;
  /** Stdout as a stream for a consumer that applies back-pressure. */
  stdoutStream?: ((stream: Readable) => void) | undefined;
  /** Feed the program's stdin from this stream (e.g. another program's stdout). */
  stdin?: Readable | undefined;
  cwd?: string | undefined;
  env?: Readonly<Record<string, string>> | undefined;
  /** The file this run is about, named in the error message. */
  file?: string | undefined;
}

export interface RunResult {
  stdout: string;
  stderrTail: string;
}

const STDERR_TAIL_BYTES = 8192;

/** ffmpeg's own argv: quiet banner, no stdin, progress to fd 3 when asked. */
export function ffmpegInvocation(args: readonly string[], options: { progress?: boolean } = {}): string[] {
  return ['-hide_banner', '-nostdin', ...(options.progress ? ['-nostats', '-progress', 'pipe:3'] : []), ...args];
}

/**
 * The one place that spawns external programs: an argument array (never a shell), stderr
 * kept (its tail goes into errors), progress parsed from fd 3, and the child killed
 * (SIGTERM, then SIGKILL after 5 s) when the signal aborts.
 */
export async function runProgram(program: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  if (options.signal?.aborted) throw new InterruptedError('interrupted before start', optionalFile(options.file));
  const wantsProgress = options.onProgress !== undefined;
  const { execa } = await loadExeca();
  if (options.signal?.aborted) throw new InterruptedError('interrupted before start', optionalFile(options.file));
  const child = execa(program, args, {
    stdio: [options.stdin ? 'pipe' : 'ignore', options.onStdout || options.captureStdout || options.stdoutStream ? 'pipe' : 'ignore', 'pipe', wantsProgress ? 'pipe' : 'ignore'],
    buffer: { stdout: Boolean(options.captureStdout), stderr: false, fd3: false },
    maxBuffer: { stdout: 512 * 1024 * 1024 },
    cancelSignal: options.signal,
    forceKillAfterDelay: 5000,
    reject: false,
    stripFinalNewline: false,
    encoding: 'utf8',
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.env ? { env: options.env, extendEnv: false } : {}),
  });

  if (options.stdin && child.stdin) {
    // A reader that stops early (EPIPE) is reported through its own exit status, not here.
    child.stdin.on('error', () => undefined);
    options.stdin.pipe(child.stdin);
  }
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    options.onStderr?.(text);
    tail = (tail + text).slice(-STDERR_TAIL_BYTES);
  });
  if (options.onStdout) child.stdout?.on('data', options.onStdout);
  if (options.stdoutStream && child.stdout) options.stdoutStream(child.stdout);
  if (wantsProgress) {
    const parser = new ProgressParser(options.onProgress!, options.totals);
    (child.stdio[3] as Readable | null)?.on('data', (chunk: Buffer) => parser.push(chunk));
  }

  const result = await child;
  if (result.isCanceled || options.signal?.aborted) {
    throw new InterruptedError(`${basename(program)} stopped: interrupted`, optionalFile(options.file));
  }
  if (result.failed) {
    const reason = lastMeaningfulLine(tail) ?? (result.signal ? `killed by ${result.signal}` : `exit code ${result.exitCode}`);
    const about = options.file ? ` on ${options.file}` : '';
    throw new FfmpegError(`${basename(program)} failed${about}: ${reason}`, {
      program,
      args,
      exitCode: result.exitCode,
      signal: result.signal,
      stderrTail: tail,
      ...optionalFile(options.file),
      cause: result.cause ?? undefined,
    });
  }
  return { stdout: typeof result.stdout === 'string' ? result.stdout : '', stderrTail: tail };
}

function optionalFile(file: string | undefined): { file?: string } {
  return file === undefined ? {} : { file };
}

function basename(path: string): string {
  return path.split('/').pop() ?? path;
}

/** The last stderr line that says something (skipping ffmpeg's "Conversion failed!"). */
export function lastMeaningfulLine(text: string): string | undefined {
  const lines = text
    .split(/\r?\n|\r/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^Conversion failed!?$/.test(l) && !/^Exiting normally/.test(l));
  return lines.at(-1);
}
