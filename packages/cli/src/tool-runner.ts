import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { AvpresError, exitCodeFor, ExitCode, InterruptedError, isEnvironmentErrno, mostSerious, type InputResult } from '@avpres/core';
import { ConsoleSink, HumanLogSink, JsonlSink, Logger, PremisSink } from '@avpres/log';
import type { ToolContext, Toolset } from '@avpres/media';
import type { CliIo } from './io.js';
import type { SharedOptions } from './shared-options.js';
import { testHookFrom } from './test-hooks.js';
import { VERSION } from './version.js';
import { renderSummary, type RunSummary } from './summary.js';

export interface ToolRun {
  tool: string;
  shared: SharedOptions;
  /** The output folder: run logs go to <output>/avpres-logs unless --log-dir. */
  outputDir: string | undefined;
  /** Resolve ffmpeg/ffprobe before running (media tools). */
  needsMedia: boolean;
  execute(context: ToolContext): Promise<InputResult[]>;
}

/**
 * Everything a tool command shares: logger and its sinks, ffmpeg resolution, the run's
 * exit code, the summary on stderr and the JSON object on stdout.
 */
export async function runToolCommand(run: ToolRun, io: CliIo): Promise<number> {
  const { shared } = run;
  const logger = new Logger({ tool: `avpres ${run.tool}`, version: VERSION, user: shared.user, commandLine: io.commandLine });
  const consoleSink = new ConsoleSink({ stream: io.stderr, quiet: shared.quiet, verbose: shared.verbose, signal: io.signal });
  logger.attach(consoleSink);
  const logFiles = shared.dryRun ? undefined : openRunLogs(logger, run, io);

  let results: InputResult[] = [];
  let runError: unknown;
  try {
    // Loaded only when needed: @avpres/media brings mediainfo.js, which copyit, verify and
    // sip never use, and reading it from a cold disk delayed their start.
    const tools: Toolset = run.needsMedia
      ? await (await import('@avpres/media')).resolveToolset({ ffmpeg: shared.ffmpeg, ffprobe: shared.ffprobe, env: io.env, cwd: io.cwd })
      : noMediaTools(run.tool);
    if (run.needsMedia) {
      logger.info(`ffmpeg ${tools.ffmpeg.version} (${tools.ffmpeg.source}: ${tools.ffmpeg.path})`);
      logger.debug(`ffprobe ${tools.ffprobe.version} (${tools.ffprobe.source}: ${tools.ffprobe.path})`);
    }
    const print = (line: string) => (shared.json ? io.stderr : io.stdout).write(line + '\n');
    results = await run.execute({
      logger,
      tools,
      signal: io.signal,
      cwd: io.cwd,
      env: io.env,
      dryRun: shared.dryRun,
      print,
      testHook: testHookFrom(io.env),
    });
  } catch (error) {
    runError = error;
    if (error instanceof InterruptedError && error.completed) results = error.completed;
  }

  const exitCode = runError !== undefined ? exitCodeFor(runError) : mostSerious(results.map((r) => r.exitCode));
  const log = logFiles ? limitPremis(logger, logFiles) : undefined;
  const summary: RunSummary = {
    tool: run.tool,
    version: VERSION,
    ok: exitCode === ExitCode.ok,
    exitCode,
    ...(runError !== undefined ? { error: errorMessage(runError) } : {}),
    inputs: results,
    ...(log ? { log } : {}),
  };
  if (runError !== undefined) reportRunError(runError, io, run.tool, logger);
  if (!shared.quiet || exitCode !== 0) io.stderr.write(renderSummary(summary));
  const unfinished = await logger.finish(exitCode === 0 ? 'success' : 'failure', exitCode, oneLine(summary));
  // The outputs stand, but the record of the run is incomplete: say so, and exit 3 at least.
  for (const error of unfinished) io.stderr.write(`error: the run's log is incomplete: ${errorMessage(error)}\n`);
  const finalCode = unfinished.length > 0 ? mostSerious([exitCode, ExitCode.environment]) : exitCode;
  if (shared.json) io.stdout.write(JSON.stringify({ ...summary, ok: finalCode === ExitCode.ok, exitCode: finalCode }, null, 2) + '\n');
  return finalCode;
}

function openRunLogs(
  logger: Logger,
  run: ToolRun,
  io: CliIo,
): { human: string; events: string; premis: string; premisSink: PremisSink } | undefined {
  const dir = run.shared.logDir ?? (run.outputDir ? join(run.outputDir, 'avpres-logs') : undefined);
  if (!dir) return undefined;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    io.stderr.write(`warning: cannot write logs to ${dir}: ${(error as Error).message}\n`);
    return undefined;
  }
  const stamp = logger.run.start.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const base = join(dir, `${run.tool}_${stamp}_${process.pid}`);
  const files = { human: `${base}.log`, events: `${base}.events.jsonl`, premis: `${base}_premis.xml` };
  logger.attach(new HumanLogSink(files.human));
  logger.attach(new JsonlSink(files.events));
  const premis = new PremisSink(files.premis); // written when the run finishes
  logger.attach(premis);
  return { ...files, premisSink: premis };
}

function reportRunError(error: unknown, io: CliIo, tool: string, logger: Logger): void {
  if (error instanceof InterruptedError) {
    logger.error('interrupted: child processes stopped, partial files removed');
    return;
  }
  // Ours, or the machine refusing (permission, space: Node's message names the file).
  if (error instanceof AvpresError || isEnvironmentErrno(error)) {
    logger.error(error.message);
    return;
  }
  // Not one of ours: a bug. Say so, with the stack.
  logger.error(`unexpected error in avpres ${tool} (a bug, please report it): ${errorMessage(error)}`);
  io.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function oneLine(s: RunSummary): string {
  const count = (status: string) => s.inputs.filter((i) => i.status === status).length;
  return `${count('done')} done, ${count('skipped')} skipped, ${count('failed')} failed${s.error ? `; ${s.error}` : ''}`;
}

/** For tools that run no ffmpeg: touching ctx.tools is a bug in that tool, said plainly. */
function noMediaTools(tool: string): Toolset {
  const fail = (): never => {
    throw new Error(`avpres ${tool} declared needsMedia: false but asked for ffmpeg/ffprobe`);
  };
  return {
    get ffmpeg() {
      return fail();
    },
    get ffprobe() {
      return fail();
    },
  };
}

/**
 * The PREMIS XML is streamed to its file (20,000 events: 1.0-1.2 s), but the run keeps every
 * event in memory until the end (~2 kB each): runs with more events than this keep them in
 * the JSONL event file only, and say so.
 */
export const PREMIS_EVENT_LIMIT = 100_000;

function limitPremis(
  logger: Logger,
  files: { human: string; events: string; premis: string; premisSink: PremisSink },
): { human: string; events: string; premis?: string } {
  const { premisSink, premis, ...rest } = files;
  if (premisSink.events.length <= PREMIS_EVENT_LIMIT) return { ...rest, premis };
  logger.detach(premisSink);
  logger.warn(`run PREMIS XML not written: ${premisSink.events.length} events is more than ${PREMIS_EVENT_LIMIT}; every event is in ${files.events}`);
  return rest;
}
