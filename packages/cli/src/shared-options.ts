import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';

/** The flags every tool understands, with one meaning everywhere (DESIGN.md). */
export interface SharedOptions {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  dryRun: boolean;
  force: boolean;
  /** Operator recorded in every event. */
  user: string;
  ffmpeg: string | undefined;
  ffprobe: string | undefined;
  /** Absolute; undefined means the tool's default (beside its outputs). */
  logDir: string | undefined;
}

/**
 * The options every tool command takes. `media`: it runs ffmpeg (--ffmpeg, --ffprobe).
 * `outputs`: it makes outputs, so --force can redo them and its run log goes beside them;
 * a command that only reads (validate, verify, doctor) writes a log only where told.
 */
export function addSharedOptions(command: Command, { media = true, outputs = true }: { media?: boolean; outputs?: boolean } = {}): Command {
  command
    .option('--json', 'print one JSON object describing the run on stdout (human output stays on stderr)')
    .option('-q, --quiet', 'only warnings and errors on stderr')
    .option('-v, --verbose', 'also debug lines and every event on stderr')
    .option('-n, --dry-run', 'print the exact commands that would run; run and write nothing');
  if (outputs) command.option('-f, --force', 'redo work even where verified outputs already exist');
  command
    .option('--user <name>', 'operator recorded in every event (default: the OS user)')
    .option(
      '--log-dir <dir>',
      outputs ? 'where the run log and event file go (default: <output>/avpres-logs)' : 'write the run log and event file here (default: none, nothing is written)',
    );
  if (media) {
    command
      .option('--ffmpeg <path>', 'ffmpeg to use (else $AVPRES_FFMPEG, PATH, then the embedded build)')
      .option('--ffprobe <path>', 'ffprobe to use (else $AVPRES_FFPROBE, PATH, then the embedded build)');
  }
  return command;
}

/** commander's untyped options -> SharedOptions, defaults filled in. */
export function sharedOptionsFrom(opts: Record<string, unknown>, cwd: string): SharedOptions {
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  return {
    json: opts['json'] === true,
    quiet: opts['quiet'] === true,
    verbose: opts['verbose'] === true,
    dryRun: opts['dryRun'] === true,
    force: opts['force'] === true,
    user: str(opts['user']) ?? osUser(),
    ffmpeg: str(opts['ffmpeg']),
    ffprobe: str(opts['ffprobe']),
    logDir: str(opts['logDir']) === undefined ? undefined : resolve(cwd, str(opts['logDir'])!),
  };
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
