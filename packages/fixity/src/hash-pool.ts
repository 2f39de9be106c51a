import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { InterruptedError } from '@avpres/core';
import type { FileFollower, FollowOptions } from './follow-file.js';
import { fsError } from './fs-error.js';
import type { HashAlgorithm } from './hash.js';
import { workerFile } from './worker-file.js';

export type PoolRequest =
  | { type: 'start'; id: number; path: string; algorithm: HashAlgorithm; final: boolean; chunkSize?: number; sizeHint?: number }
  | { type: 'extend'; id: number; written: number }
  | { type: 'finish'; id: number }
  | { type: 'abort'; id: number };

export type PoolReply =
  | { type: 'bytes'; id: number; bytes: number }
  | { type: 'done'; id: number; digest: string; size: number }
  | { type: 'error'; id: number; name: string; message: string; code?: string };

interface Job {
  worker: Slot;
  path: string;
  onBytes?: (n: number) => void;
  resolve: (value: { digest: string; size: number }) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  worker: Worker;
  active: number;
}

/**
 * Worker threads that hash files, so that hashing runs on the other cores while this
 * thread copies (md5 is ~580 MiB/s on one core: the bottleneck of a verified copy).
 * Workers start on first use; `close()` ends them.
 */
export class HashPool {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly jobs = new Map<number, Job>();
  private nextId = 1;

  /** Default size: one worker per core but one, at least one. */
  constructor(options: { size?: number } = {}) {
    this.size = Math.max(1, options.size ?? availableParallelism() - 1);
  }

  /** Hash a whole file on a worker thread. */
  hashFile(path: string, options: FollowOptions = {}): Promise<{ digest: string; size: number }> {
    return this.start(path, options, true).finish();
  }

  /** Follow a file being written (see followFile), hashing on a worker thread. */
  follow(path: string, options: FollowOptions = {}): FileFollower {
    return this.start(path, options, false);
  }

  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private start(path: string, options: FollowOptions, final: boolean): FileFollower {
    const id = this.nextId++;
    const slot = this.pick();
    let settled = false;
    const result = new Promise<{ digest: string; size: number }>((resolve, reject) => {
      this.jobs.set(id, { worker: slot, path, ...(options.onBytes ? { onBytes: options.onBytes } : {}), resolve, reject });
    });
    result.catch(() => undefined);
    const post = (message: PoolRequest) => slot.worker.postMessage(message);
    const onAbort = () => post({ type: 'abort', id });
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => {
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
    };
    result.then(settle, settle);
    slot.active++;
    slot.worker.ref();
    post({
      type: 'start',
      id,
      path,
      algorithm: options.algorithm ?? 'md5',
      final,
      ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}),
      ...(options.sizeHint !== undefined ? { sizeHint: options.sizeHint } : {}),
    });
    return {
      extend: (written) => {
        if (!settled) post({ type: 'extend', id, written });
      },
      finish: () => {
        if (!final && !settled) post({ type: 'finish', id });
        return result;
      },
      abort: onAbort,
    };
  }

  private pick(): Slot {
    if (this.slots.length < this.size) {
      const worker = new Worker(workerFile('hash-worker.js'));
      const slot: Slot = { worker, active: 0 };
      worker.on('message', (reply: PoolReply) => this.receive(reply));
      worker.on('error', (error) => this.failAll(slot, error));
      worker.unref();
      this.slots.push(slot);
      return slot;
    }
    return this.slots.reduce((a, b) => (b.active < a.active ? b : a));
  }

  private receive(reply: PoolReply): void {
    const job = this.jobs.get(reply.id);
    if (!job) return;
    if (reply.type === 'bytes') {
      job.onBytes?.(reply.bytes);
      return;
    }
    this.jobs.delete(reply.id);
    if (--job.worker.active === 0) job.worker.worker.unref();
    if (reply.type === 'done') job.resolve({ digest: reply.digest, size: reply.size });
    else job.reject(rebuildError(job.path, reply));
  }

  private failAll(slot: Slot, error: unknown): void {
    for (const [id, job] of this.jobs) {
      if (job.worker !== slot) continue;
      this.jobs.delete(id);
      job.reject(error);
    }
    const index = this.slots.indexOf(slot);
    if (index !== -1) this.slots.splice(index, 1);
  }
}

let shared: HashPool | undefined;

/**
 * One pool for the whole process (one worker per core), for callers that run many copies
 * or checks, possibly at once: workers start once and idle ones never keep the process
 * alive, so it need not be closed.
 */
export function sharedHashPool(): HashPool {
  return (shared ??= new HashPool({ size: availableParallelism() }));
}

function rebuildError(path: string, reply: Extract<PoolReply, { type: 'error' }>): Error {
  if (reply.name === 'InterruptedError') return new InterruptedError(reply.message, { file: path });
  if (reply.code) return fsError(path, Object.assign(new Error(reply.message), { code: reply.code }), 'read');
  return new Error(`${path}: ${reply.message}`);
}
