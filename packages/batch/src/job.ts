import { createHash } from 'node:crypto';

/** A source file as the job identity sees it. */
export interface JobInput {
  /** Absolute path. */
  path: string;
  size: number;
  mtimeMs: number;
}

/** One unit of work: one input through one tool, into one output folder. */
export interface PlannedJob {
  /** Job identity (hex): tool, input (path, size, mtime), output folder and the options that change the output. */
  id: string;
  tool: string;
  input: JobInput;
  /** The input's path below its root, with forward slashes (what the report shows). */
  rel: string;
  /** Absolute folder the tool writes this job's outputs into (keeps the source structure). */
  outputDir: string;
}

/**
 * The identity of a job. A changed source (size or mtime), another output folder or an
 * option that changes the output makes a new job; anything else is the same job again.
 */
export function jobId(tool: string, input: JobInput, outputDir: string, identityOptions: unknown): string {
  const key = JSON.stringify([tool, input.path, input.size, Math.trunc(input.mtimeMs), outputDir, identityOptions ?? null]);
  return createHash('sha256').update(key).digest('hex').slice(0, 24);
}
