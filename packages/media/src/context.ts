import type { Logger } from '@avpres/log';
import type { Toolset } from './toolset.js';

/**
 * What every tool function is handed besides its options: the run's logger, the programs
 * it may run, the abort signal (Ctrl-C), and the process facts library code must not read
 * for itself.
 */
export interface ToolContext {
  logger: Logger;
  /** ffmpeg/ffprobe resolved for this run (flag, env, PATH, embedded). */
  tools: Toolset;
  signal: AbortSignal;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Print the commands that would run; run nothing, write nothing. */
  dryRun: boolean;
  /** Print a line for the user (stderr); used by --dry-run to show commands. */
  print: (line: string) => void;
  /** Test hooks, set only by tests through AVPRES_TEST_HOOK: e.g. corrupt a file before verification. */
  testHook?: ((point: string, file: string) => Promise<void> | void) | undefined;
}
