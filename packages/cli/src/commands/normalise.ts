import { Command, Option } from 'commander';
import { resolve } from 'node:path';
import { UsageError } from '@avpres/core';
import { normalise, type NormaliseOptions } from '@avpres/normalise';
import type { CommandEnv } from '../command-env.js';
import { addSharedOptions, sharedOptionsFrom } from '../shared-options.js';
import { runToolCommand } from '../tool-runner.js';
import { sipOptionsFrom } from '../sip-options.js';
import { VERSION } from '../version.js';

export function makeNormaliseCommand({ io, setExitCode }: CommandEnv): Command {
  const command = new Command('normalise')
    .alias('normalize')
    .description('uncompressed captures (v210/uyvy MOV, AVI, MXF) to FFV1 version 3 in Matroska with FLAC, proven lossless by framemd5')
    .requiredOption('-i, --input <file|folder>', 'a capture, or a folder of them (repeatable)', collect, [])
    .requiredOption('-o, --output <dir>', 'output folder (made if missing); folder inputs keep their structure below it')
    .option('--slices <n>', 'FFV1 slices per frame (default: 16 for SD, 24 for HD and larger)')
    .option('--allow-lossy', 'also normalise video that is already lossy (ProRes, DV…), which is skipped otherwise')
    .option('--strict', 'a failed MediaConch policy check fails the file (default: a warning)')
    .option('--sip', 'package each result as an IFI SIP (<output>/<oe>/<uuid>/…); needs --oe')
    .option('--oe <number>', 'object entry number for --sip, e.g. oe1234')
    .addOption(new Option('--uuid <uuid>', 'package UUID for --sip (default: a new v4; one input only)'))
    .addHelpText(
      'after',
      `
Each capture becomes <stem>.mkv beside these sidecars: <stem>_source.framemd5 and
<stem>_output.framemd5 (decoded frames, video and audio), <stem>_source_mediainfo.xml,
<stem>_mediainfo.xml, <stem>_ffmpeg.log, <stem>_normalise.json (the verification record),
<stem>.log, <stem>_events.jsonl and <stem>_manifest.md5. The MKV and its sidecars appear
under these names only once the MKV is proven to decode to the source's frames and
samples; the job's log (<stem>.log, <stem>_events.jsonl) is written as it goes, so a failed
or interrupted job leaves its account. A capture whose decodable frames cover less time
than its container declares (cut off) fails. A re-run skips captures whose record and MKV md5 still
match; a <stem>.mkv already there that is not this capture's (another source, other
options, changed since) fails that capture and is kept: --force replaces it.

Examples:
  $ avpres normalise -i tape_0042.mov -o /archive/ffv1
  $ avpres normalise -i /captures/2026-11 -o /archive/ffv1 --json > run.json
  $ avpres normalise -i tape.mov -o out --sip --oe oe1234 --user "A. Technician"
  $ avpres normalise -i tape.mov -o out --dry-run      # show the ffmpeg commands only
  $ avpres normalise -i ./-tape_07.mov -o out          # a name that starts with '-'`,
    );
  addSharedOptions(command);
  command.action(async (opts: Record<string, unknown>) => {
    const shared = sharedOptionsFrom(opts, io.cwd);
    const options = normaliseOptionsFrom(opts, io.cwd, shared.force);
    setExitCode(
      await runToolCommand(
        { tool: 'normalise', shared, outputDir: options.outputDir, needsMedia: true, execute: (ctx) => normalise(options, ctx, VERSION) },
        io,
      ),
    );
  });
  return command;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** commander's options -> NormaliseOptions, or a UsageError saying what was expected. */
export function normaliseOptionsFrom(opts: Record<string, unknown>, cwd: string, force: boolean): NormaliseOptions {
  const inputs = (opts['input'] as string[]).map((i) => resolve(cwd, i));
  if (inputs.length === 0) throw new UsageError('expected at least one -i <file|folder>');
  const outputDir = resolve(cwd, String(opts['output']));
  let slices: number | undefined;
  if (opts['slices'] !== undefined) {
    slices = Number(opts['slices']);
    if (![4, 6, 9, 12, 16, 24, 30, 36, 42, 48, 56, 64].includes(slices)) {
      throw new UsageError(`--slices: expected one of 4, 6, 9, 12, 16, 24, 30…, got ${String(opts['slices'])}`);
    }
  }
  const sip = sipOptionsFrom(opts, inputs.length);
  return { inputs, outputDir, slices, allowLossy: opts['allowLossy'] === true, force, sip, strict: opts['strict'] === true };
}
