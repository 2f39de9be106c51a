import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { ConnectionOptions, Job } from 'bullmq';
import { InterruptedError, type InputResult } from '@avpres/core';
import type { ToolContext } from '@avpres/media';
import { batchPaths } from './batch-paths.js';
import { batchToolFor } from './batch-tools.js';
import { executeJob } from './execute-job.js';
import type { PlannedJob } from './job.js';
import { Ledger } from './ledger.js';
import { mapPath, type PathMapping } from './path-map.js';
import { QUEUE_NAME, type QueuedJobData, type QueuedJobResult } from './queue-data.js';

export interface WorkerOptions {
  connection: ConnectionOptions;
  concurrency: number;
  pathMap: PathMapping[];
  /** How long a job's lock lasts without renewal: a dead worker's job is taken over after about this long. */
  lockMs: number;
  thumbnails: boolean;
}

/**
 * Take jobs from the queue until the signal aborts (SIGINT/SIGTERM). Each job runs the
 * tool's library function like a batch job; jobs are idempotent (the tools skip outputs
 * already verified), so at-least-once delivery never does the work twice. A job cut short
 * here goes back to the queue; one whose worker died is taken over once its lock expires.
 */
export async function runWorker(options: WorkerOptions, ctx: ToolContext, version: string): Promise<InputResult[]> {
  // bullmq (and ioredis) load only when the queue is used: they cost every other command start-up time.
  const { UnrecoverableError, WaitingError, Worker } = await import('bullmq');
  const { logger } = ctx;
  const results: InputResult[] = [];
  const ledgers = new Map<string, Promise<Ledger>>();
  const me = `${hostname()}:${process.pid}`;
  const ledgerFor = (outputRoot: string, tool: string) => {
    const path = join(batchPaths(outputRoot, tool).dir, 'workers', `${tool}-${hostname()}-${process.pid}.ledger.jsonl`);
    let ledger = ledgers.get(path);
    if (!ledger) {
      ledger = Ledger.open(path, process.pid).then((l) => l.ledger);
      ledgers.set(path, ledger);
    }
    return ledger;
  };

  const processJob = async (bull: Job<QueuedJobData, QueuedJobResult>, token?: string): Promise<QueuedJobResult> => {
    const data = bull.data;
    const map = (p: string) => mapPath(p, options.pathMap);
    const job: PlannedJob = { id: data.id, tool: data.spec.tool, input: { ...data.input, path: map(data.input.path) }, rel: data.rel, outputDir: map(data.outputDir) };
    const outputRoot = map(data.outputRoot);
    const info = await stat(job.input.path).catch(() => undefined);
    if (!info?.isFile()) throw new UnrecoverableError(`${job.input.path}: no such file on this worker${job.input.path !== data.input.path ? ` (queued as ${data.input.path}; check --path-map)` : ''}`);
    if (info.size !== data.input.size || Math.trunc(info.mtimeMs) !== Math.trunc(data.input.mtimeMs)) {
      throw new UnrecoverableError(`${job.input.path}: changed since it was queued (size ${info.size}, was ${data.input.size}); queue it again`);
    }
    const tool = batchToolFor(data.spec, version);
    const ledger = await ledgerFor(outputRoot, tool.name);
    if (!ledger.fold().has(job.id)) {
      await ledger.append({ job: job.id, state: 'planned', tool: job.tool, input: job.input, rel: job.rel, outputDir: job.outputDir, options: tool.identityOptions });
    }
    let result: InputResult;
    try {
      result = await executeJob(job, bull.attemptsMade + 1, { tool, ctx, ledger, paths: batchPaths(outputRoot, tool.name), version, thumbnails: options.thumbnails });
    } catch (error) {
      if (error instanceof InterruptedError) {
        // Stopped on purpose: back to the queue for any worker, without using up an attempt.
        await bull.moveToWait(token);
        throw new WaitingError();
      }
      throw error;
    }
    results.push(result);
    if (result.status === 'failed') {
      const reason = result.reason ?? 'failed';
      // A bad input stays bad: no retry. Anything else (a verification, the environment) may pass next time.
      throw result.exitCode === 2 ? new UnrecoverableError(reason) : new Error(reason);
    }
    return {
      status: result.status,
      ...(result.reason !== undefined ? { reason: result.reason } : {}),
      outputs: result.outputs,
      ...(result.verification ? { verification: result.verification } : {}),
      worker: me,
    };
  };

  const worker = new Worker<QueuedJobData, QueuedJobResult>(QUEUE_NAME, processJob, {
    connection: options.connection,
    concurrency: options.concurrency,
    lockDuration: options.lockMs,
    stalledInterval: options.lockMs,
    maxStalledCount: 2,
    autorun: false,
  });
  worker.on('error', (error) => logger.warn(`worker: ${error.message}`));
  worker.on('failed', (job, error) => {
    // The job's own error is already logged; say only what the queue does next.
    if (job && !(error instanceof WaitingError) && !(error instanceof UnrecoverableError) && job.attemptsMade < (job.opts.attempts ?? 1)) {
      logger.warn(`job ${job.id} (${job.data.input.path}): attempt ${job.attemptsMade} of ${job.opts.attempts} failed; it will be retried`);
    }
  });
  logger.info(`worker ${me}: queue ${QUEUE_NAME}, ${options.concurrency} job${options.concurrency === 1 ? '' : 's'} at a time; stop with Ctrl-C or SIGTERM`);
  const stopped = new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  const running = worker.run();
  await Promise.race([stopped, running]);
  await worker.close();
  await running.catch(() => undefined);
  for (const ledger of ledgers.values()) await (await ledger).close();
  logger.info(`worker ${me}: stopped after ${results.length} job${results.length === 1 ? '' : 's'}`);
  return results;
}
