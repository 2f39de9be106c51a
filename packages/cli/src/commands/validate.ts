import { Command } from 'commander';
import { resolve } from 'node:path';
import { validateTool } from '@avpres/sip';
import type { CommandEnv } from '../command-env.js';
import { addSharedOptions, sharedOptionsFrom } from '../shared-options.js';
import { runToolCommand } from '../tool-runner.js';

export function makeValidateCommand({ io, setExitCode }: CommandEnv): Command {
  const command = new Command('validate')
    .description('check SIPs (IFI layout or BagIt): structure, every file listed and every listed file present, every hash')
    .argument('<package...>', 'a uuid folder, its <uuid>_manifest.md5, a bag, or an oe folder (every package in it)')
    .addHelpText(
      'after',
      `
Each file is read once, two at a time; progress and MB/s go to stderr. Problems are
listed one per line, naming the file: changed (checksum mismatch), missing (in the
manifest, not on disk), unlisted (on disk, not in the manifest), malformed manifests.
A run log in logs/ without its END line is reported as a warning (run did not finish).
Exit codes: 0 valid, 1 invalid, 2 not a package.

Examples:
  $ avpres validate /archive/sips/oe1234/0e8f5c2a-3b1d-4c6e-9f7a-1b2c3d4e5f60
  $ avpres validate /archive/sips/oe1234          # every package in the oe folder
  $ avpres validate bag1 bag2 --json > report.json
  $ avpres validate -- -odd-name                  # a path that starts with '-'`,
    );
  addSharedOptions(command, { media: false, outputs: false });
  command.action(async (packages: string[], opts: Record<string, unknown>) => {
    const shared = sharedOptionsFrom(opts, io.cwd);
    const options = { packages: packages.map((p) => resolve(io.cwd, p)) };
    setExitCode(await runToolCommand({ tool: 'validate', shared, outputDir: undefined, needsMedia: false, execute: (ctx) => validateTool(options, ctx) }, io));
  });
  return command;
}
