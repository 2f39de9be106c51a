// The thread of a Prefetcher (prefetch.ts): reads each file to its end and forgets the bytes.
import { closeSync, openSync, readSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import type { PrefetchData } from './prefetch.js';
import { readBuffer } from './read-buffer.js';

const { shared, files, aheadBytes } = workerData as PrefetchData;
const counts = new BigInt64Array(shared);
const wake = new Int32Array(shared);
const buffer = readBuffer(256 * 1024);
const stopped = () => Atomics.load(counts, 1) !== 0n;

let read = 0;
for (const file of files) {
  // Wait while far enough ahead; the copy's progress (or the stop) wakes this thread.
  while (!stopped() && read - Number(Atomics.load(counts, 0)) > aheadBytes) Atomics.wait(wake, 0, Atomics.load(wake, 0), 100);
  if (stopped()) break;
  try {
    const fd = openSync(file.path, 'r');
    try {
      // Front to back from the descriptor's own position (no offsets: any file that reads, reads).
      for (let n = 1; n > 0 && !stopped(); ) n = readSync(fd, buffer, 0, buffer.length, null);
    } finally {
      closeSync(fd);
    }
  } catch {
    // The copy reports what cannot be read.
  }
  read += file.size;
}
