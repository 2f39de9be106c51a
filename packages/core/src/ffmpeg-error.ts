import { AvpresError, ExitCode, type AvpresErrorOptions } from './errors.js';

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
 * about the input it was given (truncated, not media), hence exit 2; a tool that knows
 * better wraps it in another error with this one as `cause`.
 */
export class FfmpegError extends AvpresError {
  readonly code = 'E_FFMPEG';
  readonly exitCode = ExitCode.usage;
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
  }
}
