import type { ConnectionOptions } from 'bullmq';
import { EnvironmentError } from '@avpres/core';
import { QUEUE_NAME, type QueuedJobData, type QueuedJobResult } from './queue-data.js';

export interface QueueStatus {
  queue: string;
  counts: Record<string, number>;
  /** Completed jobs by outcome: done (work was done) or skipped (verified outputs were already there). */
  completed: { done: number; skipped: number };
  failed: { id: string; input: string; attempts: number; reason: string }[];
}

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'paused', 'completed', 'failed'] as const;

/** Counts per state, and every failed job with its error. */
export async function queueStatus(connection: ConnectionOptions): Promise<QueueStatus> {
  // bullmq (and ioredis) load only when the queue is used: they cost every other command start-up time.
  const { Queue } = await import('bullmq');
  const queue = new Queue<QueuedJobData, QueuedJobResult>(QUEUE_NAME, { connection });
  queue.on('error', () => undefined);
  try {
    await queue.waitUntilReady().catch((error: Error) => {
      throw new EnvironmentError(`cannot reach Redis: ${error.message}`, { cause: error });
    });
    const counts = await queue.getJobCounts(...STATES);
    const completedJobs = await queue.getCompleted(0, -1);
    const failed = await queue.getFailed(0, -1);
    return {
      queue: QUEUE_NAME,
      counts,
      completed: {
        done: completedJobs.filter((j) => j.returnvalue?.status === 'done').length,
        skipped: completedJobs.filter((j) => j.returnvalue?.status === 'skipped').length,
      },
      failed: failed.map((j) => ({ id: String(j.id), input: j.data.input.path, attempts: j.attemptsMade, reason: j.failedReason })),
    };
  } finally {
    await queue.close();
  }
}
