import { Command, Option } from 'commander';
import { join, resolve } from 'node:path';
import { UsageError } from '@avpres/core';
import { checkOeNumber, checkOutputOutsideSources, packageUuid, sipTool, type SipOptions } from '@avpres/sip';
import type { CommandEnv } from '../command-env.js';
import { addSharedOptions, sharedOptionsFrom } from '../shared-options.js';
import { runToolCommand } from '../tool-runner.js';

export function makeSipCommand({ io, setExitCode }: CommandEnv): Command {
  const command = new Command('sip')
    .description('package files and folders as a SIP (IFI layout or BagIt), with MediaInfo sidecars, PREMIS XML and a verified md5 manifest')
    .requiredOption('-i, --input <file|folder>', 'an object to package (repeatable); folders keep their tree', collect, [])
    .requiredOption('-o, --output <dir>', 'folder that holds the oe folders: the package is <dir>/<oe>/<uuid>')
    .requiredOption('--oe <number>', 'object entry number, e.g. oe1234')
    .option('--uuid <uuid>', 'package UUID (a version 4 UUID; default: a new one)')
    .addOption(new Option('--layout <layout>', 'package layout').choices(['ifi', 'bagit']).default('ifi'))
    .option('--supplemental <file>', 'an extra file for metadata/supplemental/ (repeatable)', collect, [])
    .option('--link', 'hard-link objects into the package instead of copying (same file system only)')
    .addHelpText(
      'after',
      `
IFI layout: <dir>/<oe>/<uuid>/{objects,logs,metadata,metadata/supplemental} and
<dir>/<oe>/<uuid>_manifest.md5 beside it (md5sum lines, paths like <uuid>/objects/tape.mov).
BagIt (RFC 8493): <dir>/<oe>/<uuid>/ is a bag whose data/ holds the same tree.
The package is built in <dir>/<oe>/.<uuid>.partial, every file re-read against the
manifest, and only then renamed into place. Sources are never moved or changed.
--force replaces an existing package with the same --uuid.

Examples:
  $ avpres sip -i tape_0042.mkv -o /archive/sips --oe oe1234
  $ avpres sip -i tape.mkv -i tape_output.framemd5 -o sips --oe oe1234 --supplemental condition_report.pdf
  $ avpres sip -i /scans/reel1 -o /scans/sips --oe oe5678 --layout bagit --link
  $ avpres sip -i tape.mkv -o sips --oe oe1234 --uuid 0e8f5c2a-3b1d-4c6e-9f7a-1b2c3d4e5f60 --json
  $ avpres sip -i ./-tape_07.mkv -o sips --oe oe1234   # a name that starts with '-'`,
    );
  addSharedOptions(command, { media: false });
  command.action(async (opts: Record<string, unknown>) => {
    const shared = sharedOptionsFrom(opts, io.cwd);
    const options = sipOptionsFrom(opts, io.cwd, shared.force);
    setExitCode(await runToolCommand({ tool: 'sip', shared, outputDir: options.outputDir, needsMedia: false, execute: (ctx) => sipTool(options, ctx) }, io));
  });
  return command;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** commander's options -> SipOptions, or a UsageError saying what was expected. */
export function sipOptionsFrom(opts: Record<string, unknown>, cwd: string, force: boolean): SipOptions {
  const inputs = (opts['input'] as string[]).map((i) => resolve(cwd, i));
  if (inputs.length === 0) throw new UsageError('expected at least one -i <file|folder>');
  const layout = opts['layout'];
  if (layout !== 'ifi' && layout !== 'bagit') throw new UsageError(`--layout: expected ifi or bagit, got ${String(layout)}`);
  const outputDir = resolve(cwd, String(opts['output']));
  const oe = checkOeNumber(String(opts['oe']));
  // Here, before the run log is opened in <output>/avpres-logs: not even it may land in a source.
  checkOutputOutsideSources(inputs, join(outputDir, oe));
  return {
    inputs,
    outputDir,
    oe,
    uuid: opts['uuid'] === undefined ? undefined : packageUuid(String(opts['uuid'])),
    layout,
    supplemental: (opts['supplemental'] as string[]).map((s) => resolve(cwd, s)),
    link: opts['link'] === true,
    replace: force,
  };
}
