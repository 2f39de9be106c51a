import { Command } from 'commander';
import { resolve } from 'node:path';
import { UsageError } from '@avpres/core';
import { verifyManifest, type VerifyOptions } from '@avpres/copyit';
import { HASH_ALGORITHMS, isHashAlgorithm } from '@avpres/fixity';
import type { CommandEnv } from '../command-env.js';
import { addSharedOptions, sharedOptionsFrom } from '../shared-options.js';
import { runToolCommand } from '../tool-runner.js';

export function makeVerifyCommand({ io, setExitCode }: CommandEnv): Command {
  const command = new Command('verify')
    .description('re-check a folder against an md5sum-format manifest: changed, missing and extra files')
    .argument('<manifest>', 'a manifest (<hash>  <path> lines), e.g. reel_12_manifest.md5 from copyit')
    .argument('[folder]', 'the folder its paths are relative to (default: the manifest\'s folder)')
    .option('--algorithm <name>', `hash (default: from the manifest's extension, else its hash length): ${HASH_ALGORITHMS.join(', ')}`)
    .option('--whole-folder', 'count every unlisted file in the folder as extra, not only those inside the folders the manifest names')
    .addHelpText(
      'after',
      `
Every listed file is re-hashed (on all cores). Unlisted files inside the folders the
manifest names are reported as extra; avpres-logs/ and junk files (.DS_Store...) are not.
Nothing is written unless --log-dir is given (the audited storage stays untouched).
Exit codes: 0 every file matches, 1 changed, missing or extra files (each listed),
2 the manifest is unreadable, malformed or lists no files.

Examples:
  $ avpres verify /mnt/archive/reel_12_manifest.md5
  $ avpres verify /mnt/manifests/reel_12_manifest.md5 /mnt/archive --log-dir /var/log/avpres
  $ avpres verify tape.md5 --json > audit.json`,
    );
  addSharedOptions(command, { media: false, outputs: false });
  command.action(async (manifest: string, folder: string | undefined, opts: Record<string, unknown>) => {
    const shared = sharedOptionsFrom(opts, io.cwd);
    const options = verifyOptionsFrom(manifest, folder, opts, io.cwd);
    setExitCode(
      await runToolCommand({ tool: 'verify', shared, outputDir: undefined, needsMedia: false, execute: (ctx) => verifyManifest(options, ctx) }, io),
    );
  });
  return command;
}

export function verifyOptionsFrom(manifest: string, folder: string | undefined, opts: Record<string, unknown>, cwd: string): VerifyOptions {
  const algorithm = opts['algorithm'];
  if (algorithm !== undefined && !isHashAlgorithm(algorithm)) {
    throw new UsageError(`--algorithm: expected one of ${HASH_ALGORITHMS.join(', ')}, got ${String(algorithm)}`);
  }
  return {
    manifest: resolve(cwd, manifest),
    ...(folder !== undefined ? { folder: resolve(cwd, folder) } : {}),
    ...(algorithm !== undefined ? { algorithm } : {}),
    wholeFolder: opts['wholeFolder'] === true,
  };
}
