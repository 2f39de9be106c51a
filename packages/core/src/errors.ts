import type { InputResult } from './result.js';

/** Exit codes the CLI returns; one meaning in every tool (see DESIGN.md). */
export const ExitCode = {
  ok: 0,
  verification: 1,
  usage: 2,
  environment: 3,
  bug: 70,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface AvpresErrorOptions {
  /** The file the error is about, named in the one-line message. */
  file?: string;
  cause?: unknown;
}

/** Base class: a stable string code and the exit code the CLI maps it to. */
export abstract class AvpresError extends Error {
  abstract readonly code: string;
  abstract readonly exitCode: ExitCodeValue;
  readonly file?: string;

  constructor(message: string, options: AvpresErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options.file !== undefined) this.file = options.file;
  }
}

/** Wrong flags or arguments: exit 2, stdout stays empty. */
export class UsageError extends AvpresError {
  readonly code = 'E_USAGE';
  readonly exitCode = ExitCode.usage;
}

/** An input that cannot be used: missing, unreadable, not media, truncated, unsupported. */
export class InputError extends AvpresError {
  readonly code = 'E_INPUT';
  readonly exitCode = ExitCode.usage;
}

/** The proof failed: outputs differ from what they must equal. */
export class VerificationError extends AvpresError {
  readonly code = 'E_VERIFY';
  readonly exitCode = ExitCode.verification;
}

/** The machine cannot do the job: a tool or capability missing, no space, no permission. */
export class EnvironmentError extends AvpresError {
  readonly code = 'E_ENV';
  readonly exitCode = ExitCode.environment;
}

/** Ctrl-C or SIGTERM: children stopped, partial files removed. */
export class InterruptedError extends AvpresError {
  readonly code = 'E_INTERRUPTED';
  readonly exitCode = ExitCode.interrupted;
  /**
   * The inputs finished before the interruption, set by the loop it stopped (eachInput, a
   * batch): they stand, and the run's summary and --json must still list them.
   */
  completed?: InputResult[];
}
