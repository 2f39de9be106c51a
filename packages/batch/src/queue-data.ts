import type { ToolSpec } from './batch-tools.js';
import type { JobInput } from './job.js';

/** The BullMQ queue every avpres job goes through (the job name is the tool). */
export const QUEUE_NAME = 'avpres';

/** What a queued job carries: plain data, paths as the enqueuing machine saw them. */
export interface QueuedJobData {
  /** Job identity, also the BullMQ job id (so adding the same job twice is one job). */
  id: string;
  spec: ToolSpec;
  input: JobInput;
  rel: string;
  outputDir: string;
  /** The -o given to `queue add`: where the workers keep their ledgers and job logs. */
  outputRoot: string;
}

/** What a finished queued job returns (BullMQ keeps it as the job's return value). */
export interface QueuedJobResult {
  status: 'done' | 'skipped';
  reason?: string;
  outputs: { path: string; role: string; size: number; md5?: string }[];
  verification?: { method: string; outcome: string; detail: string };
  worker: string;
}
