import { AvpresError, ExitCode } from './errors.js';

/**
 * The exit code for anything thrown: our errors carry one; a system error that is the
 * machine's state (permission, space, read-only, I/O) is the environment (3) even where no
 * code of ours wrapped it; anything else is a bug (70).
 */
export function exitCodeFor(error: unknown): number {
  if (error instanceof AvpresError) return error.exitCode;
  if (isAbortError(error)) return ExitCode.interrupted;
  if (isEnvironmentErrno(error)) return ExitCode.environment;
  return ExitCode.bug;
}

/** errno codes that say the machine refused, not that our code went wrong. */
export const ENVIRONMENT_ERRNO: ReadonlySet<string> = new Set(['EACCES', 'EPERM', 'ENOSPC', 'EDQUOT', 'EROFS', 'EMFILE', 'ENFILE', 'EIO']);

/** A Node system error (fs, spawn) whose code is in ENVIRONMENT_ERRNO. */
export function isEnvironmentErrno(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return error instanceof Error && typeof code === 'string' && ENVIRONMENT_ERRNO.has(code);
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

// Most serious first: interrupted, a bug, a failed proof, the environment, bad input.
const SEVERITY: readonly number[] = [
  ExitCode.interrupted,
  ExitCode.bug,
  ExitCode.verification,
  ExitCode.environment,
  ExitCode.usage,
];

/** The exit code of a run with several inputs: the most serious among them. */
export function mostSerious(codes: Iterable<number>): number {
  let best: number = ExitCode.ok;
  for (const code of codes) {
    if (code === ExitCode.ok) continue;
    const rank = SEVERITY.indexOf(code);
    const bestRank = SEVERITY.indexOf(best);
    if (best === ExitCode.ok || (rank !== -1 && (bestRank === -1 || rank < bestRank))) best = code;
  }
  return best;
}
