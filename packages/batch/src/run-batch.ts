import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { failedResult, InputError, InterruptedError, mostSerious, type InputResult } from '@avpres/core';
import { forEachConcurrently } from '@avpres/fixity';
import { HumanLogSink, JsonlSink, Logger } from '@avpres/log';
import type { ToolContext } from '@avpres/media';
import { batchPaths, type BatchPaths } from './batch-paths.js';
import { BatchProgress } from './batch-progress.js';
import type { BatchTool } from './batch-tools.js';
import { ForwardSink } from './forward-sink.js';
import type { PlannedJob } from './job.js';
import { foldLedger, Ledger, readLedger, type JobSummary } from './ledger.js';
import { planJobs, type PlanFilters, type PlanProblem } from './plan.js';
import { writeReport } from './report.js';
import { decideResume, type ResumeDecision } from './resume.js';
import { makeThumbnail } from './thumbnail.js';

export interface BatchOptions {
  tool: BatchTool;
  /** Absolute files or folders. */
  roots: string[];
  /** Absolute output folder. */
  outputDir: string;
  /** Absolute ledger path; default <out>/avpres-batch/<tool>.ledger.jsonl. */
  ledgerPath?: string | undefined;
  filters: PlanFilters;
  /** Jobs at once; default the tool's. */
  jobs?: number | undefined;
  retryFailed: boolean;
  /** Redo done jobs too (and pass --force to the tool). */
  force: boolean;
  thumbnails: boolean;
}

/**
 * Plan the jobs, resume from the ledger, run what is left (a failing job is recorded and
 * the batch goes on), then write the report. One result per job, then one per input that
 * could not be planned. Ctrl-C records the running jobs as interrupted and throws.
 */
export async function runBatch(options: BatchOptions, ctx: ToolContext, version: string): Promise<InputResult[]> {
  const { tool } = options;
  const { logger } = ctx;
  const paths = batchPaths(options.outputDir, tool.name, options.ledgerPath);
  const plan = await planJobs(options.roots, options.outputDir, tool, options.filters);
  for (const p of plan.problems) logger.error(`${p.input}: ${p.reason}`);
  const problemResults = plan.problems.map(problemResult);
  if (plan.jobs.length === 0 && plan.problems.length === 0) {
    throw new InputError(`nothing to do: no files for ${tool.name} under ${options.roots.join(', ')} (${plan.filteredOut} left out by the filters)`);
  }
  logger.info(`${plan.jobs.length} job${plan.jobs.length === 1 ? '' : 's'} planned (${plan.filteredOut} files left out by the filters, ${plan.problems.length} not plannable)`);

  if (ctx.dryRun) return [...(await dryRun(plan.jobs, paths, options, ctx)), ...problemResults];

  const { ledger, torn } = await Ledger.open(paths.ledger, process.pid);
  const results = new Map<string, InputResult>();
  let interrupted = false;
  try {
    if (torn > 0) logger.warn(`${paths.ledger}: ${torn} torn line${torn === 1 ? '' : 's'} (a batch killed while writing) ignored`);
    const known = ledger.fold();
    for (const job of plan.jobs) {
      if (!known.has(job.id)) {
        await ledger.append({ job: job.id, state: 'planned', tool: job.tool, input: job.input, rel: job.rel, outputDir: job.outputDir, options: tool.identityOptions });
      }
    }
    const toRun: { job: PlannedJob; decision: ResumeDecision; previous: JobSummary | undefined }[] = [];
    for (const job of plan.jobs) {
      const previous = known.get(job.id);
      const decision = await decideResume(previous, { force: options.force, retryFailed: options.retryFailed, signal: ctx.signal });
      if (decision.action === 'run') toRun.push({ job, decision, previous });
      else {
        logger.info(`${decision.status === 'skipped' ? 'skipped' : 'not retried'}: ${job.rel}: ${decision.reason}`);
        results.set(job.id, {
          input: job.input.path,
          status: decision.status,
          exitCode: decision.exitCode,
          reason: decision.reason,
          outputs: decision.status === 'skipped' ? (previous?.lastDone?.outputs ?? []) : [],
          ...(previous?.lastDone?.verification ? { verification: previous.lastDone.verification } : {}),
          details: { job: job.id, ...(previous?.last?.log ? { log: previous.last.log } : {}) },
        });
      }
    }

    const jobs = options.jobs ?? tool.defaultJobs;
    logger.info(`${toRun.length} to run, ${jobs} at a time; ledger ${paths.ledger}`);
    const progress = new BatchProgress(logger, tool.name, toRun.length, toRun.reduce((n, r) => n + r.job.input.size, 0));
    if (toRun.length > 0) progress.start();
    try {
      await forEachConcurrently(toRun, jobs, async ({ job, decision, previous }) => {
        if (decision.action === 'run' && decision.note) logger.info(`${job.rel}: ${decision.note}`);
        results.set(job.id, await runJob(job, (previous?.attempts ?? 0) + 1, { options, ctx, ledger, paths, version }));
        progress.jobDone(job.input.size);
      });
    } finally {
      if (toRun.length > 0) progress.end();
    }
  } catch (error) {
    interrupted = error instanceof InterruptedError;
    throw error;
  } finally {
    await ledger.close();
    await writeReport(
      {
        tool: tool.name,
        ledgerPath: paths.ledger,
        jobs: orderedJobs(ledger.fold(), plan.jobs),
        problems: plan.problems,
        mainRole: tool.mainRole,
        generated: new Date().toISOString(),
        interrupted,
      },
      paths.report,
    ).then(
      () => logger.info(`report: ${paths.report}`),
      (error: Error) => logger.error(`cannot write the report ${paths.report}: ${error.message}`),
    );
  }
  return [...plan.jobs.map((job) => results.get(job.id)!), ...problemResults];
}

interface JobEnv {
  options: BatchOptions;
  ctx: ToolContext;
  ledger: Ledger;
  paths: BatchPaths;
  version: string;
}

/** Run one job through its tool with a logger of its own; record running, then the outcome. */
async function runJob(job: PlannedJob, attempt: number, { options, ctx, ledger, paths, version }: JobEnv): Promise<InputResult> {
  if (ctx.signal.aborted) throw new InterruptedError('interrupted before the job started', { file: job.input.path });
  const { tool } = options;
  const log = join(paths.logs, `${job.id}.log`);
  await ledger.append({ job: job.id, state: 'running', pid: process.pid, attempt });
  const jobLogger = new Logger({
    tool: `avpres ${tool.name}`,
    version,
    user: ctx.logger.run.user,
    commandLine: ctx.logger.run.commandLine,
    sinks: [new HumanLogSink(log), new JsonlSink(join(paths.logs, `${job.id}.events.jsonl`)), new ForwardSink(ctx.logger)],
  });
  jobLogger.info(`batch job ${job.id}, attempt ${attempt}: ${job.input.path} -> ${job.outputDir}`);
  const started = performance.now();
  const seconds = () => Number(((performance.now() - started) / 1000).toFixed(3));
  let result: InputResult;
  try {
    result = oneResult(job, await tool.run(job, { ...ctx, logger: jobLogger }));
  } catch (error) {
    if (error instanceof InterruptedError || ctx.signal.aborted) {
      await ledger.append({ job: job.id, state: 'interrupted', seconds: seconds(), reason: 'interrupted (Ctrl-C); redone from scratch on the next run', log });
      await jobLogger.finish('failure', 130, 'interrupted');
      throw error instanceof InterruptedError ? error : new InterruptedError('interrupted', { file: job.input.path, cause: error });
    }
    jobLogger.error(`${job.input.path}: ${error instanceof Error ? error.message : String(error)}`);
    result = failedResult(job.input.path, error);
  }
  const took = seconds();
  const thumbnail = result.status !== 'failed' && options.thumbnails && tool.isVideo(job) ? await thumbnailOf(job, result, { options, ctx, paths }, jobLogger) : undefined;
  await ledger.append({
    job: job.id,
    state: result.status,
    seconds: took,
    exitCode: result.exitCode,
    ...(result.reason !== undefined ? { reason: result.reason } : {}),
    outputs: result.outputs,
    ...(result.verification ? { verification: result.verification } : {}),
    log,
    ...(thumbnail ? { thumbnail } : {}),
  });
  await jobLogger.finish(result.status === 'failed' ? 'failure' : 'success', result.exitCode, `${result.status}${result.reason ? `: ${result.reason}` : ''}`);
  ctx.logger.info(`${result.status}: ${job.rel} (${took.toFixed(1)} s)${result.reason && result.status !== 'failed' ? ` - ${result.reason}` : ''}`);
  if (ctx.signal.aborted) throw new InterruptedError('interrupted', { file: job.input.path });
  return { ...result, details: { ...result.details, job: job.id, attempt, seconds: took, log } };
}

/** A job has one input, so its tool gives one result; anything else is folded into one, the most serious first. */
function oneResult(job: PlannedJob, results: InputResult[]): InputResult {
  if (results.length === 1) return results[0]!;
  if (results.length === 0) return { input: job.input.path, status: 'failed', exitCode: 70, reason: `avpres ${job.tool} returned no result for this input (a bug)`, outputs: [] };
  const failed = results.filter((r) => r.status === 'failed');
  if (failed.length === 0) return { ...results[0]!, outputs: results.flatMap((r) => r.outputs) };
  return { input: job.input.path, status: 'failed', exitCode: mostSerious(failed.map((r) => r.exitCode)), reason: failed.map((r) => r.reason).join('; '), outputs: results.flatMap((r) => r.outputs) };
}

/** A thumbnail of the job's main output; a picture that cannot be made is noted, never a failure of the job. */
async function thumbnailOf(job: PlannedJob, result: InputResult, env: Pick<JobEnv, 'options' | 'ctx' | 'paths'>, jobLogger: Logger): Promise<string | undefined> {
  const main = result.outputs.find((o) => o.role === env.options.tool.mainRole);
  if (!main) return undefined;
  const dest = join(env.paths.thumbnails, `${job.id}.jpg`);
  try {
    await mkdir(env.paths.thumbnails, { recursive: true });
    await makeThumbnail(env.ctx.tools.ffmpeg.path, main.path, dest, env.ctx.signal);
    return dest;
  } catch (error) {
    jobLogger.info(`no thumbnail for ${main.path}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    return undefined;
  }
}

async function dryRun(jobs: PlannedJob[], paths: BatchPaths, options: BatchOptions, ctx: ToolContext): Promise<InputResult[]> {
  const known = foldLedger((await readLedger(paths.ledger)).records);
  const out: InputResult[] = [];
  ctx.print(`# ledger ${paths.ledger}; ${options.jobs ?? options.tool.defaultJobs} job(s) at a time`);
  for (const job of jobs) {
    const decision = await decideResume(known.get(job.id), { force: options.force, retryFailed: options.retryFailed, signal: ctx.signal });
    const what = decision.action === 'run' ? `run ${options.tool.name}` : decision.status === 'skipped' ? 'skip' : 'keep failed';
    const why = decision.action === 'run' ? (decision.note ?? 'new') : decision.reason;
    ctx.print(`${what}  ${job.input.path} -> ${job.outputDir}  [job ${job.id}: ${why}]`);
    out.push({ input: job.input.path, status: 'skipped', exitCode: 0, reason: `dry run: would ${decision.action === 'run' ? 'run' : 'skip'} (${why})`, outputs: [], details: { job: job.id } });
  }
  return out;
}

function problemResult(p: PlanProblem): InputResult {
  return { input: p.input, status: 'failed', exitCode: 2, reason: p.reason, outputs: [] };
}

/** The ledger's jobs for the report: this plan's first, in plan order, then older ones the ledger still holds. */
function orderedJobs(fold: Map<string, JobSummary>, planned: PlannedJob[]): JobSummary[] {
  const first = planned.map((j) => fold.get(j.id)).filter((j): j is JobSummary => j !== undefined);
  const ids = new Set(first.map((j) => j.id));
  return [...first, ...[...fold.values()].filter((j) => !ids.has(j.id))];
}
