import type { Reread } from './compare-copy.js';
import type { HashAlgorithm } from './hash.js';
import type { SmallBatch, SmallResult } from './small-copy.js';

// The shared memory of one copy job, read and written by the four threads of a lane and
// by the main thread (which only aborts). Layout: Int32 [0] change counter (every change
// bumps it and wakes the waiters), [1] state, [2] abort flag, [3] reading finished;
// BigInt64 from byte 16: bytes read into the ring, bytes hashed from it, bytes written
// from it to the copy.
const STATES = ['running', 'copied', 'failed'] as const;
export type LaneState = (typeof STATES)[number];
const COUNTS = ['read', 'hashed', 'written'] as const;
export type LaneCount = (typeof COUNTS)[number];

/** Waits are also bounded, so a lost wake-up costs at most this long. */
const WAIT_MS = 50;

export interface LaneControl {
  get(count: LaneCount): number;
  set(count: LaneCount, n: number): void;
  /** `copied` once every byte read is written; `failed` when any thread failed. */
  state(): LaneState;
  setState(state: LaneState): void;
  readDone(): boolean;
  setReadDone(): void;
  aborted(): boolean;
  abort(): void;
  /** Back to a fresh job (only while no thread of the lane is working). */
  reset(): void;
  /** Block this thread until `ready()` holds (checked after every change) or the job is aborted. */
  waitUntil(ready: () => boolean): void;
}

export function newControlBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(16 + 8 * COUNTS.length);
}

export function laneControl(buffer: SharedArrayBuffer): LaneControl {
  const flags = new Int32Array(buffer, 0, 4);
  const counts = new BigInt64Array(buffer, 16, COUNTS.length);
  const changed = () => {
    Atomics.add(flags, 0, 1);
    Atomics.notify(flags, 0);
  };
  const control: LaneControl = {
    get: (count) => Number(Atomics.load(counts, COUNTS.indexOf(count))),
    set(count, n) {
      Atomics.store(counts, COUNTS.indexOf(count), BigInt(n));
      changed();
    },
    state: () => STATES[Atomics.load(flags, 1)]!,
    setState(state) {
      Atomics.store(flags, 1, STATES.indexOf(state));
      changed();
    },
    readDone: () => Atomics.load(flags, 3) === 1,
    setReadDone() {
      Atomics.store(flags, 3, 1);
      changed();
    },
    aborted: () => Atomics.load(flags, 2) === 1,
    abort() {
      Atomics.store(flags, 2, 1);
      changed();
    },
    reset() {
      for (let i = 1; i < flags.length; i++) Atomics.store(flags, i, 0);
      for (let i = 0; i < counts.length; i++) Atomics.store(counts, i, 0n);
      changed();
    },
    waitUntil(ready) {
      for (;;) {
        const seen = Atomics.load(flags, 0);
        if (ready() || control.aborted()) return;
        Atomics.wait(flags, 0, seen, WAIT_MS);
      }
    },
  };
  return control;
}

/** What a lane's threads share for their whole life, given once when each starts. */
export interface LaneShared {
  control: SharedArrayBuffer;
  ring: SharedArrayBuffer;
}

// Tasks carry no shared buffers: posting those costs far more than the small copies take.
interface RingTask {
  /** Bytes taken from the ring at a time. */
  piece: number;
}

export type LaneTask =
  | (RingTask & {
      role: 'read';
      sourceFd: number;
      /** The source's path, to open it again for direct reads (see `direct`). */
      sourcePath: string;
      /** Read the source with O_DIRECT where the file system allows it. */
      direct: boolean;
      size: number;
      /** Also hash the source's bytes with this (the re-read's algorithm, when it is not the hasher's). */
      checkAlgorithm?: HashAlgorithm;
    })
  | (RingTask & { role: 'write'; targetFd: number })
  | (RingTask & { role: 'hash'; algorithm: HashAlgorithm })
  | { role: 'follow'; path: string; chunkSize: number; algorithm: HashAlgorithm }
  // md5 of the source's bytes and of the copy re-read right behind the writer, together
  // on two lanes of one SIMD md5 (instead of a 'hash' and a 'follow' task).
  | (RingTask & { role: 'check'; path: string })
  // The source's bytes hashed, and the copy re-read right behind the writer and compared
  // with them byte for byte (instead of a 'hash' and a 'follow' task).
  | (RingTask & { role: 'compare'; path: string; algorithm: HashAlgorithm })
  // Small files, each all on one thread, by name (see small-copy.ts).
  | ({ role: 'small' } & SmallBatch)
  // A copy re-read by name: hashed, or with `compareWith` (its source) compared byte for byte.
  | { role: 'reread'; path: string; piece: number; algorithm: HashAlgorithm; compareWith?: string };

export type LaneRole = LaneTask['role'];

export type LaneReply =
  | { type: 'progress'; role: 'write' | 'follow'; bytes: number; position: number }
  | { type: 'read'; size: number; direct: boolean; checkDigest?: string }
  | { type: 'written'; size: number; bytes: number }
  | { type: 'hashed'; digest: string; size: number }
  | { type: 'followed'; digest: string; size: number; bytes: number }
  | { type: 'checked'; digest: string; size: number; reread: Reread; bytes: number }
  | { type: 'small'; results: SmallResult[] }
  | ({ type: 'reread' } & Reread)
  | { type: 'error'; role: LaneRole; side?: 'source' | 'target'; name: string; message: string; code?: string };
