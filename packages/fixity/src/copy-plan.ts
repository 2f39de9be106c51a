/**
 * How many copies to keep under way and how to make them durable, from the files' sizes.
 * Many small files (a scan, a card): many at once, so the copy threads never wait for a
 * flush, and durable by group flushes of half of those under way, so that a group always
 * fills (a group larger than the copies under way waits out its window: 250 ms a file).
 * Large files: two at a time, each its own fsync.
 */
export function planCopies(sizes: readonly number[], options: { manyAtOnce: number; jobs?: number | undefined }): CopyPlan {
  const bytes = sizes.reduce((n, s) => n + s, 0);
  const manySmall = sizes.length > 1 && bytes / sizes.length < SMALL_AVERAGE;
  const jobs = options.jobs ?? (manySmall ? options.manyAtOnce : 2);
  return { jobs, ...(manySmall ? { flushBatch: Math.max(1, Math.floor(Math.min(jobs, sizes.length) / 2)) } : {}) };
}

export interface CopyPlan {
  /** Copies under way at once. */
  jobs: number;
  /** Set for many small files: make them durable through a SyncGroup with this batch. */
  flushBatch?: number;
}

/** Files smaller than this on average count as small. */
const SMALL_AVERAGE = 256e6;
