import { AvpresError, ExitCode, type AvpresErrorOptions, type ExitCodeValue } from './errors.js';

export interface FfmpegErrorDetails extends AvpresErrorOptions {
  program: string;
  args: readonly string[];
  exitCode: number | undefined;
  signal: string | undefined;
  /** The last lines ffmpeg wrote to stderr: usually the reason. */
  stderrTail: string;
}

/**
 * An external program (ffmpeg, ffprobe, rawcooked) failed. Its failure is nearly always
 * about the input it was given (truncated, not media), hence exit 2; when its last words
 * are the machine refusing to write (no space, read-only, permission denied on a file
 * other than the input), the environment (3). A tool that knows better wraps it in
 * another error with this one as `cause`.
 */
export class FfmpegError extends AvpresError {
  readonly code = 'E_FFMPEG';
  readonly exitCode: ExitCodeValue;
  readonly program: string;
  readonly args: readonly string[];
  readonly processExitCode: number | undefined;
  readonly signal: string | undefined;
  readonly stderrTail: string;

  constructor(message: string, details: FfmpegErrorDetails) {
    super(message, details);
    this.program = details.program;
    this.args = details.args;
    this.processExitCode = details.exitCode;
    this.signal = details.signal;
    this.stderrTail = details.stderrTail;
    this.exitCode = refusedByMachine(details.stderrTail, details.file) ? ExitCode.environment : ExitCode.usage;
  }
}

/** ffmpeg names the file with the system's message: `<path>: Permission denied`. */
function refusedByMachine(stderr: string, input: string | undefined): boolean {
  if (/No space left on device|Disk quota exceeded|Read-only file system/i.test(stderr)) return true;
  return stderr.split('\n').some((line) => line.endsWith(': Permission denied') && (input === undefined || !line.includes(input)));
}
