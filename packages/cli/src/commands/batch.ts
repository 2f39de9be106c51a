import { Argument, Command, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InputError, UsageError } from '@avpres/core';
import { BATCH_TOOL_NAMES, batchToolFor, parseList, runBatch, type BatchOptions, type ToolSpec } from '@avpres/batch';
import { HASH_ALGORITHMS, isHashAlgorithm } from '@avpres/fixity';
import type { CommandEnv } from '../command-env.js';
import { accessOptionsFrom, makeAccessCommand } from './access.js';
import { addSharedOptions, sharedOptionsFrom, type SharedOptions } from '../shared-options.js';
import { runToolCommand } from '../tool-runner.js';
import { VERSION } from '../version.js';

export function makeBatchCommand({ io, setExitCode }: CommandEnv): Command {
  const command = new Command('batch').description('run a tool over a whole collection, one job per file, sequence folder or package, resumable from a ledger, with an HTML report');
  addPlanningOptions(command)
    .option('--ledger <file>', 'the ledger (default <output>/avpres-batch/<tool>.ledger.jsonl)')
    .option('--jobs <n>', 'jobs at once (default: 1 for normalise, seq2ffv1 and access, whose encodes use both cores; 4 for copyit; 2 for validate)')
    .option('--retry-failed', 'run again the jobs that failed in an earlier run (otherwise they are listed, not retried)')
    .option('--quick-resume', 'on resume, take done outputs whose size and mtime are as recorded as unchanged (default: re-hash them against the recorded md5)')
    .option('--no-thumbnails', 'no thumbnails in the report')
    .addHelpText(
      'after',
      `
One job per input unit: a media file (normalise, access), a file (copyit), a DPX/TIFF sequence
folder (seq2ffv1), a package (validate). Outputs go to <output>/<its folder below the
input root>/, with the names the tool gives them. Every state change is appended to the ledger
(planned, running, done, failed, skipped, interrupted), fsynced. Running the same command
again resumes: done jobs whose outputs still have their recorded md5 are skipped, jobs
left running by a kill or interrupted by Ctrl-C are redone from scratch, failed ones are
retried only with --retry-failed. A changed source (size or mtime) is a new job.
At the end: <output>/avpres-batch/<tool>-report.html (one file, one row per job, with
thumbnails, durations, sizes, ratio, verification and a link to each job's log).
Exit codes: the most serious among the jobs (0 all done or skipped, 1 a verification
failed, 2 a bad input, 3 environment, 130 interrupted).

Examples:
  $ avpres batch normalise -i /captures -o /archive/ffv1
  $ avpres batch normalise -i /captures -o /archive/ffv1 --retry-failed --json > batch.json
  $ avpres batch copyit -i /mnt/old_store -o /mnt/new_store --jobs 4 --exclude '*.tmp'
  $ avpres batch copyit -i /mnt/old_store -o /mnt/new_store --list migrate.txt
  $ avpres batch normalise -i /captures -o /archive/ffv1 --ext mov --since 2026-11-01 --dry-run
  $ avpres batch seq2ffv1 -i /scans -o /archive/film --engine builtin
  $ avpres batch access -i /archive/ffv1 -o /web --copyright "© 2026 Example Film Archive"
  $ avpres batch validate -i /archive/sips -o /reports/validate-2026-11`,
    );
  addSharedOptions(command);
  command.action(async (toolName: string, opts: Record<string, unknown>) => {
    const shared = sharedOptionsFrom(opts, io.cwd);
    const { options, listFile } = batchOptionsFrom(toolName, opts, shared, io.cwd);
    setExitCode(
      await runToolCommand(
        {
          tool: 'batch',
          shared,
          outputDir: options.outputDir,
          // ffmpeg for every tool: normalise encodes with it, and the report's thumbnails come from it.
          needsMedia: true,
          execute: async (ctx) => runBatch({ ...options, filters: { ...options.filters, ...(listFile ? { list: await readList(listFile) } : {}) } }, ctx, VERSION),
        },
        io,
      ),
    );
  });
  return command;
}

/** The arguments and flags that choose the jobs: shared by `batch` and `queue add`. */
export function addPlanningOptions(command: Command): Command {
  return command
    .addArgument(new Argument('<tool>', 'the tool each job runs').choices(BATCH_TOOL_NAMES))
    .requiredOption('-i, --input <file|folder>', 'a collection folder or a file (repeatable)', collect, [])
    .requiredOption('-o, --output <dir>', 'output folder; each job writes below it, keeping its folder structure')
    .option('--include <glob>', 'only files matching this glob (repeatable); a glob without / matches file names', collect, [])
    .option('--exclude <glob>', 'leave out files matching this glob (repeatable)', collect, [])
    .option('--ext <list>', 'only these extensions, e.g. mov,avi (default: media files for normalise and access, every file for copyit)', collect, [])
    .option('--min-size <size>', 'only files at least this big: bytes, or with k, M, G (e.g. 100M)')
    .option('--since <date>', 'only files modified at or after this date (e.g. 2026-11-01 or 2026-11-01T18:00Z)')
    .option('--list <file>', 'only these files: one identifier (file name or stem) or path per line; # comments')
    .option('--slices <n>', 'normalise: FFV1 slices per frame (default from the frame size)')
    .option('--allow-lossy', 'normalise: also normalise video that is already lossy')
    .option('--strict', 'normalise: a failed MediaConch policy check fails the job')
    .addOption(new Option('--algorithm <name>', `copyit: hash, one of ${HASH_ALGORITHMS.join(', ')}`).default('md5'))
    .option('--engine <name>', 'seq2ffv1: auto, rawcooked or builtin (default auto)')
    .option('--allow-gaps', 'seq2ffv1: accept sequences with missing frame numbers')
    .option('--start <time>', 'access: start each copy at this time')
    .option('--end <time>', 'access: stop each copy at this time of its source')
    .option('--duration <time>', 'access: length of each copy (instead of --end)')
    .option('--deinterlace <mode>', 'access: auto, on or off (default auto)')
    .option('--watermark <png|none>', 'access: watermark image, or none (default: the © mark)')
    .option('--watermark-opacity <0-1>', 'access: watermark opacity (default 0.2)')
    .option('--copyright <text>', 'access: copyright statement for the MP4')
    .option('--crf <n>', 'access: x264 constant rate factor (default 18)')
    .option('--preset <name>', 'access: x264 preset (default slow)')
    .option('--audio-bitrate <rate>', 'access: AAC bitrate (default 192k)');
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export async function readList(file: string): Promise<{ entries: string[]; base: string }> {
  const text = await readFile(file, 'utf8').catch((error: Error) => {
    throw new InputError(`--list ${file}: ${error.message}`, { file, cause: error });
  });
  return { entries: parseList(text), base: dirname(file) };
}

/** commander's untyped values -> BatchOptions, or a UsageError saying what was expected. */
export function batchOptionsFrom(
  toolName: string,
  opts: Record<string, unknown>,
  shared: SharedOptions,
  cwd: string,
): { options: BatchOptions; spec: ToolSpec; listFile: string | undefined } {
  const roots = (opts['input'] as string[]).map((i) => resolve(cwd, i));
  if (roots.length === 0) throw new UsageError('expected at least one -i <file|folder>');
  const outputDir = resolve(cwd, String(opts['output']));
  const jobs = opts['jobs'] === undefined ? undefined : wholeNumber('--jobs', opts['jobs'], 1, 64);
  const minSize = opts['minSize'] === undefined ? undefined : parseSize(String(opts['minSize']));
  let since: Date | undefined;
  if (opts['since'] !== undefined) {
    since = new Date(String(opts['since']));
    if (Number.isNaN(since.getTime())) throw new UsageError(`--since: expected a date such as 2026-11-01, got ${String(opts['since'])}`);
  }
  const extList = (opts['ext'] as string[]).flatMap((e) => e.split(',')).map((e) => e.trim().toLowerCase()).filter((e) => e !== '');
  const extensions = extList.length ? new Set(extList.map((e) => (e.startsWith('.') ? e : `.${e}`))) : undefined;
  const forNormalise = ['slices', 'allowLossy', 'strict'].filter((k) => opts[k] !== undefined);
  if (toolName !== 'normalise' && forNormalise.length) throw new UsageError(`--${kebab(forNormalise[0]!)} goes with batch normalise, not ${toolName}`);
  const forAccess = ACCESS_FLAGS.filter((k) => opts[k] !== undefined);
  if (toolName !== 'access' && forAccess.length) throw new UsageError(`--${kebab(forAccess[0]!)} goes with batch access, not ${toolName}`);
  const forSeq2ffv1 = ['engine', 'allowGaps'].filter((k) => opts[k] !== undefined);
  if (toolName !== 'seq2ffv1' && forSeq2ffv1.length) throw new UsageError(`--${kebab(forSeq2ffv1[0]!)} goes with batch seq2ffv1, not ${toolName}`);
  if ((toolName === 'seq2ffv1' || toolName === 'validate') && extensions) {
    throw new UsageError(`--ext picks files; batch ${toolName} takes ${toolName === 'seq2ffv1' ? 'sequence folders' : 'packages'} (use --include/--exclude)`);
  }
  if (toolName !== 'copyit' && opts['algorithm'] !== 'md5') throw new UsageError(`--algorithm goes with batch copyit, not ${toolName}`);
  let spec: ToolSpec;
  if (toolName === 'normalise') {
    const slices = opts['slices'] === undefined ? undefined : Number(opts['slices']);
    if (slices !== undefined && ![4, 6, 9, 12, 16, 24, 30, 36, 42, 48, 56, 64].includes(slices)) {
      throw new UsageError(`--slices: expected one of 4, 6, 9, 12, 16, 24, 30…, got ${String(opts['slices'])}`);
    }
    spec = { tool: 'normalise', options: { slices, allowLossy: opts['allowLossy'] === true, strict: opts['strict'] === true, force: shared.force } };
  } else if (toolName === 'copyit') {
    const algorithm = opts['algorithm'];
    if (!isHashAlgorithm(algorithm)) throw new UsageError(`--algorithm: expected one of ${HASH_ALGORITHMS.join(', ')}, got ${String(algorithm)}`);
    spec = { tool: 'copyit', options: { algorithm, force: shared.force } };
  } else if (toolName === 'seq2ffv1') {
    const engine = String(opts['engine'] ?? 'auto');
    if (engine !== 'auto' && engine !== 'rawcooked' && engine !== 'builtin') throw new UsageError(`--engine: expected auto, rawcooked or builtin, got ${engine}`);
    spec = { tool: 'seq2ffv1', options: { engine, allowGaps: opts['allowGaps'] === true, force: shared.force } };
  } else if (toolName === 'access') {
    // access's own conversion and defaults, so a batch copy is made exactly as `avpres access` makes it.
    const picked = Object.fromEntries(ACCESS_FLAGS.filter((k) => opts[k] !== undefined).map((k) => [k, opts[k]]));
    const { inputs: _inputs, outputDir: _outputDir, ...accessOptions } = accessOptionsFrom({ ...accessDefaults(), ...picked, input: roots, output: outputDir }, cwd, shared.force);
    spec = { tool: 'access', options: accessOptions };
  } else if (toolName === 'validate') {
    spec = { tool: 'validate', options: {} };
  } else {
    throw new UsageError(`expected a tool (${BATCH_TOOL_NAMES.join(', ')}), got ${toolName}`);
  }
  return {
    spec,
    options: {
      tool: batchToolFor(spec, VERSION),
      roots,
      outputDir,
      ledgerPath: opts['ledger'] === undefined ? undefined : resolve(cwd, String(opts['ledger'])),
      filters: { include: opts['include'] as string[], exclude: opts['exclude'] as string[], extensions, minSize, since },
      jobs,
      retryFailed: opts['retryFailed'] === true,
      force: shared.force,
      thumbnails: opts['thumbnails'] !== false,
      quickResume: opts['quickResume'] === true,
    },
    listFile: opts['list'] === undefined ? undefined : resolve(cwd, String(opts['list'])),
  };
}

const ACCESS_FLAGS = ['start', 'end', 'duration', 'deinterlace', 'watermark', 'watermarkOpacity', 'copyright', 'crf', 'preset', 'audioBitrate'];

/** The defaults `avpres access` declares, read from its command (one place for them). */
function accessDefaults(): Record<string, unknown> {
  const command = makeAccessCommand({ io: undefined as never, setExitCode: () => undefined });
  return Object.fromEntries(command.options.filter((o) => o.defaultValue !== undefined).map((o) => [o.attributeName(), o.defaultValue]));
}

function wholeNumber(flag: string, value: unknown, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag}: expected a whole number from ${min} to ${max}, got ${String(value)}`);
  return n;
}

/** "1500", "100k", "2.5M", "1G" (powers of 1000, as file managers show sizes). */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)[bB]?$/.exec(text.trim());
  if (!m) throw new UsageError(`--min-size: expected a size such as 1500, 100k, 2.5M or 1G, got ${text}`);
  const scale = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.round(Number(m[1]) * scale);
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
