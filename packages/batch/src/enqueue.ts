import type { ConnectionOptions } from 'bullmq';
import { EnvironmentError } from '@avpres/core';
import type { ToolSpec } from './batch-tools.js';
import type { PlannedJob } from './job.js';
import { QUEUE_NAME, type QueuedJobData } from './queue-data.js';

export interface EnqueueOptions {
  connection: ConnectionOptions;
  spec: ToolSpec;
  outputRoot: string;
  /** Tries per job before it is failed for good. */
  attempts: number;
  /** First retry delay; each next one doubles. */
  backoffMs: number;
  /** Put failed jobs back in the queue. */
  retryFailed: boolean;
}

export interface EnqueuedJob {
  id: string;
  input: string;
  /** queued: new; retried: a failed job put back; else the state the existing job is in. */
  outcome: 'queued' | 'retried' | string;
}

/**
 * Add one BullMQ job per planned job, with the job identity as BullMQ job id: the same
 * job added twice (by a re-run, or from another machine) stays one job.
 */
export async function enqueueJobs(jobs: readonly PlannedJob[], options: EnqueueOptions): Promise<EnqueuedJob[]> {
  // bullmq (and ioredis) load only when the queue is used: they cost every other command start-up time.
  const { Queue } = await import('bullmq');
  const queue = new Queue<QueuedJobData>(QUEUE_NAME, { connection: options.connection });
  queue.on('error', () => undefined); // reported through the rejected calls below
  try {
    await queue.waitUntilReady().catch((error: Error) => {
      throw new EnvironmentError(`cannot reach Redis: ${error.message}`, { cause: error });
    });
    const out: EnqueuedJob[] = [];
    for (const job of jobs) {
      const existing = await queue.getJob(job.id);
      if (existing) {
        const state = await existing.getState();
        if (state === 'failed' && options.retryFailed) {
          await existing.retry('failed');
          out.push({ id: job.id, input: job.input.path, outcome: 'retried' });
        } else out.push({ id: job.id, input: job.input.path, outcome: state });
        continue;
      }
      const data: QueuedJobData = { id: job.id, spec: options.spec, input: job.input, rel: job.rel, outputDir: job.outputDir, outputRoot: options.outputRoot };
      await queue.add(options.spec.tool, data, {
        jobId: job.id,
        attempts: options.attempts,
        backoff: { type: 'exponential', delay: options.backoffMs },
        removeOnComplete: false,
        removeOnFail: false,
      });
      out.push({ id: job.id, input: job.input.path, outcome: 'queued' });
    }
    return out;
  } finally {
    await queue.close();
  }
}
