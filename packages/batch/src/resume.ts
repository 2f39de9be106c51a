import { stat } from 'node:fs/promises';
import { hashFile } from '@avpres/fixity';
import type { JobSummary } from './ledger.js';

export type ResumeDecision =
  | { action: 'run'; note?: string }
  | { action: 'keep'; status: 'skipped' | 'failed'; exitCode: number; reason: string };

export interface ResumeOptions {
  force: boolean;
  /** Outputs whose size and mtime are as recorded are taken as unchanged, not re-hashed. */
  quick?: boolean;
  /** A done job with no outputs (a validation) is kept as long as its input is unchanged (its identity says so). */
  keepDoneWithoutOutputs?: boolean;
  retryFailed: boolean;
  signal?: AbortSignal | undefined;
}

/**
 * What a re-run does with a job the ledger already knows. Done jobs are kept only while
 * every output the ledger recorded with an md5 still has it; failed ones wait for
 * --retry-failed; running or interrupted ones are redone from scratch (the tools remove
 * their partial files when they start).
 */
export async function decideResume(job: JobSummary | undefined, options: ResumeOptions): Promise<ResumeDecision> {
  if (!job || job.state === 'planned') return { action: 'run' };
  if (job.state === 'running') return { action: 'run', note: `left running by an earlier batch${job.pid ? ` (pid ${job.pid})` : ''} that stopped: redone from scratch` };
  if (job.state === 'interrupted') return { action: 'run', note: 'interrupted in an earlier batch: redone from scratch' };
  if (options.force) return { action: 'run', note: '--force: redone' };
  if (job.state === 'failed') {
    if (options.retryFailed) return { action: 'run', note: `failed before (${job.last?.reason ?? 'no reason recorded'}): retried` };
    return {
      action: 'keep',
      status: 'failed',
      exitCode: job.last?.exitCode ?? 2,
      reason: `failed in an earlier batch, not retried (--retry-failed retries it): ${job.last?.reason ?? 'no reason recorded'}`,
    };
  }
  const record = job.lastDone ?? (job.state === 'done' ? job.last : undefined);
  if (!record) return { action: 'run', note: `${job.state} before without outputs: run again` };
  if (options.keepDoneWithoutOutputs && job.state === 'done' && (record.outputs ?? []).length === 0) {
    return { action: 'keep', status: 'skipped', exitCode: 0, reason: `done in an earlier batch (${record.time}); the input is unchanged (same total size and newest mtime)` };
  }
  const hashed = (record.outputs ?? []).filter((o) => o.md5 !== undefined);
  if (hashed.length === 0) return { action: 'run', note: 'no output checksums recorded: run again' };
  let unchanged = 0;
  for (const output of hashed) {
    const recordedMtime = record.outputMtimes?.[output.path];
    if (options.quick && recordedMtime !== undefined) {
      const info = await stat(output.path).catch(() => undefined);
      if (info && info.size === output.size && info.mtimeMs === recordedMtime) {
        unchanged++;
        continue;
      }
    }
    const digest = await hashFile(output.path, { algorithm: 'md5', ...(options.signal ? { signal: options.signal } : {}) }).then(
      (r) => r.digest,
      (error: unknown) => {
        if (options.signal?.aborted) throw error;
        return undefined;
      },
    );
    if (digest !== output.md5) {
      return { action: 'run', note: `${output.path} ${digest === undefined ? 'is missing' : `changed (md5 ${digest}, recorded ${output.md5})`}: redone` };
    }
  }
  return {
    action: 'keep',
    status: 'skipped',
    exitCode: 0,
    reason:
      `done in an earlier batch (${record.time}); ` +
      (unchanged === hashed.length
        ? `${hashed.length === 1 ? '1 output has its' : `${hashed.length} outputs have their`} recorded size and mtime (--quick-resume: not re-hashed)`
        : `${hashed.length === 1 ? '1 output still matches its' : `${hashed.length} outputs still match their`} recorded md5${unchanged ? ` (${unchanged} by size and mtime)` : ''}`),
  };
}
