// The thread of a Prefetcher (prefetch.ts): reads each file to its end and forgets the bytes.
import { closeSync, openSync, readSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import { CHANGES, READING, STOP, type PrefetchData } from './prefetch-layout.js';
import { readBuffer } from './read-buffer.js';

const { shared, files, aheadBytes, skipFrom, reader, readers } = workerData as PrefetchData;
const flags = new Int32Array(shared, 0, 4);
const consumed = new BigInt64Array(shared, 16, 1);
const buffer = readBuffer(256 * 1024);
const stopped = () => Atomics.load(flags, STOP) !== 0;

const reading = READING + reader;

/** Wait while `ahead` bytes past the copy is too far; false once stopped. */
function mayRead(ahead: number): boolean {
  while (!stopped() && ahead - Number(Atomics.load(consumed, 0)) > aheadBytes) {
    Atomics.store(flags, reading, 0);
    // The copy's progress (or the stop) wakes this thread; the timeout covers a missed wake.
    Atomics.wait(flags, CHANGES, Atomics.load(flags, CHANGES), 100);
  }
  Atomics.store(flags, reading, stopped() ? 0 : 1);
  return !stopped();
}

/** Bytes of the list before the file in hand (the window counts the other readers' files too). */
let done = 0;
for (const [i, file] of files.entries()) {
  if (i % readers !== reader || file.size >= skipFrom) {
    done += file.size;
    continue;
  }
  if (!mayRead(done)) break;
  try {
    const fd = openSync(file.path, 'r');
    try {
      // Front to back from the descriptor's own position (no offsets: any file that reads,
      // reads), and within the window inside a large file too.
      let position = 0;
      for (let n = 1; n > 0 && mayRead(done + position); position += n) n = readSync(fd, buffer, 0, buffer.length, null);
    } finally {
      closeSync(fd);
    }
  } catch {
    // The copy reports what cannot be read.
  }
  done += file.size;
}
Atomics.store(flags, reading, 0);
