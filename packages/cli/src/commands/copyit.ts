import { Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { UsageError } from '@avpres/core';
import { copyit, type CopyitOptions } from '@avpres/copyit';
import { CHECK_METHODS, HASH_ALGORITHMS, isCheckMethod, isHashAlgorithm } from '@avpres/fixity';
import type { CommandEnv } from '../command-env.js';
import { addSharedOptions, sharedOptionsFrom, type SharedOptions } from '../shared-options.js';
import { runToolCommand } from '../tool-runner.js';

export function makeCopyitCommand({ io, setExitCode }: CommandEnv): Command {
  const command = new Command('copyit')
    .description('copy files or folders with proof: hash while copying, re-read every copy, write manifests')
    .usage('[options] <source...> <destination-dir>')
    .argument('<paths...>', 'files or folders to copy, then an existing destination folder (each source lands in it under its own name)')
    .option('--algorithm <name>', `hash: ${HASH_ALGORITHMS.join(', ')} (xxh128 is fast but not for archive manifests)`, 'md5')
    .option(
      '--verify <how>',
      `how each copy, re-read, is checked against the source: ${CHECK_METHODS.join(', ')} (default: bytes, compared byte for byte; a hash name re-hashes the copy and compares digests)`,
    )
    // The name this option had before 'bytes' existed.
    .addOption(new Option('--verify-hash <name>').hideHelp())
    .option('--overwrite', 'replace destination files that differ from their source (never done without it)')
    .option('--manifest-dir <dir>', 'write the manifests to this folder instead of beside each copy')
    .option('--jobs <n>', 'files under way at once (default 256 for many small files, 2 for large ones; the copying itself runs on one lane per core)')
    .addHelpText(
      'after',
      `
The source is read once: each file is hashed as it is written to <name>.partial, the
copy is re-read right behind the writer and compared byte for byte with the source's
bytes, and only once every byte matches and it is on disk is it renamed. --verify md5
re-hashes the copy instead and compares digests (a second md5: more CPU, no more
certainty). Modification times are kept. Junk
(.DS_Store, Thumbs.db, desktop.ini, ._*) is skipped and logged; the source is never
changed. Beside the copy: <name>_source_manifest.md5 (hashes read from the source) and
<name>_manifest.md5 (of the copy, proven the same bytes; audit it later with avpres verify). A re-run
skips files already copied and verified (their copy is re-hashed), redoes partial ones,
and refuses to replace a different existing file unless --overwrite. --force redoes all.
Exit codes: 0 all verified, 1 a copy failed verification (each listed), 2 bad arguments
or a different file in the way, 3 no space or no permission, 130 interrupted.

Examples:
  $ avpres copyit /capture/tape_0001.mov /mnt/lto_staging
  $ avpres copyit /scans/reel_12 /mnt/archive            # -> /mnt/archive/reel_12 + manifests
  $ avpres copyit a.mkv b.mkv /mnt/archive --json > copy.json
  $ avpres copyit -- -odd-name.mov /mnt/archive          # a name that starts with '-'`,
    );
  addSharedOptions(command, { media: false });
  command.action(async (paths: string[], opts: Record<string, unknown>) => {
    const shared = sharedOptionsFrom(opts, io.cwd);
    const options = copyitOptionsFrom(paths, opts, shared, io.cwd);
    setExitCode(
      await runToolCommand(
        {
          tool: 'copyit',
          shared,
          // Logs go to <destination>/avpres-logs, but must not create a mistyped destination.
          outputDir: existsSync(options.destination) ? options.destination : undefined,
          needsMedia: false,
          execute: (ctx) => copyit(options, ctx),
        },
        io,
      ),
    );
  });
  return command;
}

/** commander's untyped values -> CopyitOptions, or a UsageError saying what was expected. */
export function copyitOptionsFrom(
  paths: string[],
  opts: Record<string, unknown>,
  shared: SharedOptions,
  cwd: string,
): CopyitOptions {
  const algorithm = opts['algorithm'] ?? 'md5';
  if (!isHashAlgorithm(algorithm)) throw new UsageError(`--algorithm: expected one of ${HASH_ALGORITHMS.join(', ')}, got ${String(algorithm)}`);
  // --verify-hash is the old name: either may be given, both only if they agree.
  const [verifyFlag, verify] = opts['verify'] !== undefined ? ['--verify', opts['verify']] : ['--verify-hash', opts['verifyHash']];
  if (verify !== undefined && !isCheckMethod(verify)) {
    throw new UsageError(`${verifyFlag}: expected one of ${CHECK_METHODS.join(', ')}, got ${String(verify)}`);
  }
  if (opts['verifyHash'] !== undefined && opts['verifyHash'] !== verify) {
    throw new UsageError(`--verify ${String(verify)} and --verify-hash ${String(opts['verifyHash'])} disagree: give one (--verify-hash is the old name of --verify)`);
  }
  let jobs: number | undefined;
  if (opts['jobs'] !== undefined) {
    jobs = Number(opts['jobs']);
    if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256) throw new UsageError(`--jobs: expected a whole number from 1 to 256, got ${String(opts['jobs'])}`);
  }
  if (paths.length < 2) throw new UsageError(`expected one or more sources and a destination folder, got ${paths.length} path${paths.length === 1 ? '' : 's'}`);
  const sources = paths.slice(0, -1);
  const destination = paths[paths.length - 1]!;
  const dest = resolve(cwd, destination);
  for (const source of sources.map((s) => resolve(cwd, s))) {
    // Checked here too (on the paths as given) so that not even the run log lands in the source.
    if (dest === source || dest.startsWith(source + sep)) throw new UsageError(`refusing to copy ${source} into itself (destination ${dest} is inside it)`);
  }
  const manifestDir = typeof opts['manifestDir'] === 'string' ? resolve(cwd, opts['manifestDir']) : undefined;
  return {
    sources: sources.map((s) => resolve(cwd, s)),
    destination: resolve(cwd, destination),
    algorithm,
    ...(verify !== undefined ? { verifyAlgorithm: verify } : {}),
    force: shared.force,
    overwrite: opts['overwrite'] === true,
    ...(manifestDir ? { manifestDir } : {}),
    ...(jobs ? { jobs } : {}),
  };
}
