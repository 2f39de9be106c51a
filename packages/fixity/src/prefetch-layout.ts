// What a Prefetcher (prefetch.ts) and its threads (prefetch-worker.ts) share, on its own:
// the threads import this, not prefetch.ts, which would bring the copy lanes' modules and
// @avpres/core into each thread's start (~25 ms each).

// The shared memory: Int32 [0] changes (bumped to wake the threads), [1] stop, [2 + r]
// reader r is reading (room for two readers); BigInt64 at byte 16: bytes the copy has consumed.
export const PREFETCH_SHARED_BYTES = 24;
export const CHANGES = 0;
export const STOP = 1;
export const READING = 2;

export interface PrefetchData {
  shared: SharedArrayBuffer;
  files: readonly { path: string; size: number }[];
  aheadBytes: number;
  /** Files of this size and more are not read (their bytes count as passed). */
  skipFrom: number;
  /** This thread reads files `reader`, `reader + readers`, ... of the list. */
  reader: number;
  readers: number;
}
