/** One file a tool produced, as --json reports it. */
export interface OutputRecord {
  /** Absolute path. */
  path: string;
  /** What it is: "preservation master", "source framemd5", "access copy", "manifest", "log"... */
  role: string;
  size: number;
  md5?: string;
}

export interface Verification {
  /** How the proof was made, e.g. "framemd5", "reversal md5 manifest", "md5 re-read". */
  method: string;
  outcome: 'pass' | 'fail' | 'not run';
  detail: string;
}

export type InputStatus = 'done' | 'skipped' | 'failed';

/** What happened to one input of a run. */
export interface InputResult {
  input: string;
  status: InputStatus;
  /** Exit code this input alone would give (0 when done or skipped). */
  exitCode: number;
  reason?: string;
  outputs: OutputRecord[];
  verification?: Verification;
  /** Tool-specific facts worth reporting (durations, sizes, decisions). */
  details?: Record<string, unknown>;
}
