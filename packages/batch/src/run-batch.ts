import { InputError, InterruptedError, type InputResult } from '@avpres/core';
import { forEachConcurrently } from '@avpres/fixity';
import type { ToolContext } from '@avpres/media';
import { batchPaths, type BatchPaths } from './batch-paths.js';
import { BatchProgress } from './batch-progress.js';
import type { BatchTool } from './batch-tools.js';
import { executeJob } from './execute-job.js';
import type { PlannedJob } from './job.js';
import { foldLedger, Ledger, readLedger, type JobSummary } from './ledger.js';
import { planJobs, type PlanFilters, type PlanProblem } from './plan.js';
import { writeReport } from './report.js';
import { decideResume, type ResumeDecision } from './resume.js';

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
  /** On resume, take outputs with their recorded size and mtime as unchanged instead of re-hashing them. */
  quickResume?: boolean;
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
    await ledger.appendMany(
      plan.jobs
        .filter((job) => !known.has(job.id))
        .map((job) => ({ job: job.id, state: 'planned' as const, tool: job.tool, input: job.input, rel: job.rel, outputDir: job.outputDir, options: tool.identityOptions })),
    );
    const toRun: { job: PlannedJob; decision: ResumeDecision; previous: JobSummary | undefined }[] = [];
    for (const job of plan.jobs) {
      const previous = known.get(job.id);
      const decision = await decideResume(previous, { force: options.force, retryFailed: options.retryFailed, keepDoneWithoutOutputs: options.tool.keepDoneWithoutOutputs === true, quick: options.quickResume === true, signal: ctx.signal });
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
        results.set(job.id, await executeJob(job, (previous?.attempts ?? 0) + 1, { tool, ctx, ledger, paths, version, thumbnails: options.thumbnails }));
        progress.jobDone(job.input.size);
      });
    } finally {
      if (toRun.length > 0) progress.end();
    }
  } catch (error) {
    interrupted = error instanceof InterruptedError;
    // The jobs that finished stand: the run's summary lists them (not what the interrupted
    // job's own tool had finished: the batch is the run).
    if (error instanceof InterruptedError) error.completed = [...results.values(), ...problemResults];
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

async function dryRun(jobs: PlannedJob[], paths: BatchPaths, options: BatchOptions, ctx: ToolContext): Promise<InputResult[]> {
  const known = foldLedger((await readLedger(paths.ledger)).records);
  const out: InputResult[] = [];
  ctx.print(`# ledger ${paths.ledger}; ${options.jobs ?? options.tool.defaultJobs} job(s) at a time`);
  for (const job of jobs) {
    const decision = await decideResume(known.get(job.id), { force: options.force, retryFailed: options.retryFailed, keepDoneWithoutOutputs: options.tool.keepDoneWithoutOutputs === true, quick: options.quickResume === true, signal: ctx.signal });
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
