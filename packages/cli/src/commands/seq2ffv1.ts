import { Command } from 'commander';
import { resolve } from 'node:path';
import { UsageError } from '@avpres/core';
import { decodeSequences, seq2ffv1, type DecodeOptions, type Engine, type Seq2ffv1Options } from '@avpres/seq2ffv1';
import type { CommandEnv } from '../command-env.js';
import { addSharedOptions, sharedOptionsFrom } from '../shared-options.js';
import { runToolCommand } from '../tool-runner.js';
import { sipOptionsFrom } from '../sip-options.js';

export function makeSeq2ffv1Command({ io, setExitCode }: CommandEnv): Command {
  const command = new Command('seq2ffv1')
    .description('DPX/TIFF image sequences to FFV1/MKV, each proven reversible file by file (md5); --decode gives the sequence back')
    .requiredOption('-i, --input <folder|file.mkv>', 'a sequence folder (or, with --decode, an MKV); repeatable', collect, [])
    .requiredOption('-o, --output <dir>', 'output folder (made if missing)')
    .option('--engine <engine>', 'auto (rawcooked when on PATH, else builtin), rawcooked or builtin', 'auto')
    .option('--allow-gaps', 'accept gaps in the frame numbering (recorded in the MKV and the log)')
    .option('--context', 'FFV1 -context 1 (builtin engine; smaller, slower)')
    .option('--decode', 'give back the sequence from an MKV made by the builtin engine, bit-identical')
    .option('--sip', 'package each result as an IFI SIP (<output>/<oe>/<uuid>/…); needs --oe')
    .option('--oe <number>', 'object entry number for --sip, e.g. oe1234')
    .option('--uuid <uuid>', 'package UUID for --sip (default: a new v4; one input only)')
    .option('--part-bytes <n>', 'cut the reversibility data into attachments of at most n bytes (default 64 MiB)')
    .addHelpText(
      'after',
      `
A sequence is numbered .dpx/.tif files in a folder (or its single subfolder). Each becomes
<name>.mkv with <name>_source_manifest.md5 (md5 of every source file, paths relative to the
sequence folder), <name>_output.framemd5, <name>_mediainfo.xml, <name>_ffmpeg.log and
<name>_seq2ffv1.json (the job record). The outputs get their names only after every file
has been rebuilt from the MKV as stored and found identical to the source (exit 1
otherwise, naming the files). A re-run skips a sequence only when its record matches this
folder's files (names, sizes, times) and options and every output still has its md5; an
existing <name>.mkv that does not (another scan of that name, a changed scan, a damaged
MKV) fails that sequence with exit 2 and is kept: --force replaces it.

Examples:
  $ avpres seq2ffv1 -i /scans/reel_01 -o /archive/ffv1
  $ avpres seq2ffv1 -i reel_01 -i reel_02 -o out --engine builtin --json > run.json
  $ avpres seq2ffv1 -i "scans/reel 3" -o out --allow-gaps
  $ avpres seq2ffv1 -i reel_01 -o /archive/sips --sip --oe oe1234
  $ avpres seq2ffv1 --decode -i out/reel_01.mkv -o restored
  $ avpres seq2ffv1 -i reel_01 -o out --dry-run       # show the commands only
  $ avpres seq2ffv1 -i ./-reel_07 -o out              # a name that starts with '-'`,
    );
  addSharedOptions(command);
  command.action(async (opts: Record<string, unknown>) => {
    const shared = sharedOptionsFrom(opts, io.cwd);
    const options = seq2ffv1OptionsFrom(opts, io.cwd, shared.force);
    setExitCode(
      await runToolCommand(
        {
          tool: 'seq2ffv1',
          shared,
          outputDir: options.outputDir,
          needsMedia: true,
          execute: (ctx) => (options.decode ? decodeSequences(options.decode, ctx) : seq2ffv1(options.encode!, ctx)),
        },
        io,
      ),
    );
  });
  return command;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const ENGINES: readonly Engine[] = ['auto', 'rawcooked', 'builtin'];

/** commander's options -> the typed options of one of the two modes, or a UsageError. */
export function seq2ffv1OptionsFrom(
  opts: Record<string, unknown>,
  cwd: string,
  force: boolean,
): { outputDir: string; encode?: Seq2ffv1Options; decode?: DecodeOptions } {
  const inputs = (opts['input'] as string[]).map((i) => resolve(cwd, i));
  if (inputs.length === 0) throw new UsageError('expected at least one -i <folder>');
  const outputDir = resolve(cwd, String(opts['output']));
  const engine = String(opts['engine'] ?? 'auto') as Engine;
  if (!ENGINES.includes(engine)) throw new UsageError(`--engine: expected auto, rawcooked or builtin, got ${String(opts['engine'])}`);
  let partBytes: number | undefined;
  if (opts['partBytes'] !== undefined) {
    partBytes = Number(opts['partBytes']);
    if (!Number.isInteger(partBytes) || partBytes < 1024) throw new UsageError(`--part-bytes: expected a whole number of bytes >= 1024, got ${String(opts['partBytes'])}`);
  }
  const sip = sipOptionsFrom(opts, inputs.length);
  if (opts['decode']) {
    if (opts['allowGaps'] || opts['context'] || engine !== 'auto' || partBytes !== undefined || sip) {
      throw new UsageError('--decode takes only -i <file.mkv>, -o <dir> and the shared flags');
    }
    return { outputDir, decode: { inputs, outputDir, force } };
  }
  return {
    outputDir,
    encode: { inputs, outputDir, engine, allowGaps: opts['allowGaps'] === true, force, context: opts['context'] === true, partBytes, sip },
  };
}
