import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { InterruptedError } from '@avpres/core';
import { fsError } from './fs-error.js';
import { md5LanesSupported } from './md5-lanes.js';
import type { HashAlgorithm } from './hash.js';
import type { CheckMethod, Reread } from './compare-copy.js';
import { laneControl, newControlBuffer, type LaneControl, type LaneReply, type LaneRole, type LaneShared, type LaneTask } from './lane-control.js';
import { workerFile } from './worker-file.js';
import { sharedRing } from './read-buffer.js';

/**
 * The ring (per lane) lets the reader run ahead while a write is held up by writeback.
 * The writer and the hashers take it in small pieces, which stay in the CPU cache between
 * the write and the hash: measured on a 2 GB copy, 256 KiB pieces cost 2.8 s of system
 * time where 4 MiB ones cost 5.8 s. A direct reader fills it 16 MiB at a time, so it holds
 * four such reads.
 */
const RING_SIZE = 64 * 1024 * 1024;
const PIECE = 256 * 1024;
/**
 * Files up to this size go through one thread each ('whole' tasks), several at once:
 * handing pieces between four threads costs more than it saves on a file this small.
 */
export const SMALL_FILE_MAX = 8 * 1024 * 1024;
/**
 * Files from this size up are read with O_DIRECT (see copy-lane-worker.ts); smaller ones
 * through the page cache, where the read-ahead (Prefetcher) has put them. A direct read
 * is one request at a time per lane, with nothing read ahead across files: on a folder of
 * 12 MB frames it lost to the read-ahead (6.5-7.6 s against 6.0-6.8 s for 1.2 GB), where
 * on a 2 GB file it won by 2-3 s.
 */
export const DIRECT_READ_MIN = 64 * 1024 * 1024;

export interface LaneJob {
  /** For messages. */
  sourcePath: string;
  sourceFd: number;
  targetFd: number;
  /** The copy being written, re-read through its own descriptor. */
  targetPath: string;
  /** Bytes to copy: the source's size when the copy began. */
  size: number;
  /** The hash of record (the manifests' algorithm), taken of the source's bytes. */
  algorithm: HashAlgorithm;
  /** Read the source with O_DIRECT where its file system allows, if it is large enough (default true; see DIRECT_READ_MIN). */
  directRead?: boolean;
  /**
   * How the re-read copy is checked against the source's bytes (see CheckMethod); default
   * `algorithm`. 'bytes' or a faster hash (xxh128) spares the second full md5.
   */
  checkAlgorithm?: CheckMethod;
  signal?: AbortSignal;
  /** Bytes copied since the last call (every few MiB, and at the end). */
  onBytes?: (n: number, position: number) => void;
  /** Bytes re-read since the last call. */
  onVerifyBytes?: (n: number) => void;
  /**
   * Called once the copy is written, before the re-read starts (tests corrupt the copy
   * here). With it the re-read waits for the whole copy; without it, it follows the copy.
   */
  beforeVerify?: () => Promise<void> | void;
}

/** A small file copied by one thread, by name (see CopyLanes.copySmall). */
export interface SmallCopyJob {
  source: string;
  partial: string;
  algorithm: HashAlgorithm;
  checkAlgorithm?: CheckMethod;
  preserveMtime: boolean;
  signal?: AbortSignal;
  beforeVerify?: () => Promise<void> | void;
}

export type SmallCopyResult = { tooBig: true } | (LaneResult & { tooBig: false; changed: boolean });

export interface LaneResult {
  /** Bytes copied. */
  size: number;
  /** `algorithm` of the bytes read from the source (the bytes written). */
  hash: string;
  /** `checkAlgorithm` of the same bytes (for 'bytes', `hash`). */
  check: string;
  /** The copy as re-read (for 'bytes', `hash` as its digest only if every byte matched). */
  reread: Reread;
  /** The source was read with O_DIRECT (only a large file on a lane can be). */
  directRead: boolean;
}

/**
 * Copies with proof on worker threads. A lane is threads around a shared ring: one reads
 * the source into it (once), one writes it to the copy, and one hashes the source's bytes
 * and re-reads the copy right behind the writer, comparing it with them byte for byte
 * ('bytes') or hashing both on two md5 lanes (md5 as both hash and check); with another
 * check algorithm (or a hook between copy and re-read) that one hashes the source's bytes
 * and a fourth, started then, re-reads the copy. Reading and writing overlap.
 * Small files go instead to single threads, several files each (see small-copy.ts).
 */
export class CopyLanes {
  readonly size: number;
  private readonly lanes = new Pool<Lane>();
  private readonly singles = new Pool<Single>();
  private readonly waitingSmall: WaitingSmall[] = [];
  private readonly ringSize: number;
  private readonly directReadMin: number;

  /**
   * `ringSize` (bytes, a multiple of 256 KiB) is for tests that must wrap the ring, and
   * `directReadMin` (default DIRECT_READ_MIN) for tests of direct reads on small files.
   */
  constructor(options: { lanes?: number; ringSize?: number; directReadMin?: number } = {}) {
    this.size = Math.max(1, options.lanes ?? availableParallelism());
    this.ringSize = options.ringSize ?? RING_SIZE;
    this.directReadMin = options.directReadMin ?? DIRECT_READ_MIN;
  }

  /** A large file on a lane: the caller opened both files and closes them after. */
  async run(job: LaneJob): Promise<LaneResult> {
    const makeLane = () => newLane(this.ringSize);
    const lane = await this.lanes.acquire(this.size, makeLane);
    try {
      return await runOnLane(lane, job, (job.directRead ?? true) && job.size >= this.directReadMin);
    } finally {
      this.lanes.release(lane, makeLane);
    }
  }

  /**
   * A small file (up to SMALL_FILE_MAX) on one thread, which opens, copies, stats, times,
   * re-reads and closes it: the main thread only posts the names, several files to a
   * message (see small-copy.ts). A source found larger is left alone ({ tooBig: true })
   * for `run`. The caller removes the partial on failure.
   */
  copySmall(job: SmallCopyJob): Promise<SmallCopyResult> {
    return new Promise((resolve, reject) => {
      this.waitingSmall.push({ job, resolve, reject });
      void this.dispatchSmall();
    });
  }

  /** Once a thread is free, hand it what waits (every waiting job asks for one thread). */
  private async dispatchSmall(): Promise<void> {
    // One thread per core: the read-ahead keeps their sources in memory, so they seldom wait
    // for the disk. 2,000 files of 500 kB, cold, eight alternating pairs: 4.73-5.01 s against
    // 4.75-5.30 s with one thread more, 0.3 CPU-seconds and 20 MB less.
    const single = await this.singles.acquire(this.size, newSingle);
    try {
      const batch = takeBatch(this.waitingSmall);
      if (batch.length > 0) await runSmall(single, batch);
    } finally {
      this.singles.release(single, newSingle);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.lanes.drain(), ...this.singles.drain()].flatMap((unit) => unit.workers.map((w) => w.terminate())));
  }
}

/** Worker units started on demand up to a limit, handed out one job at a time. */
class Pool<T extends Unit> {
  private readonly idle: T[] = [];
  private readonly waiting: ((unit: T) => void)[] = [];
  private started = 0;

  acquire(limit: number, make: () => T): Promise<T> {
    const unit = this.idle.pop();
    if (unit) return Promise.resolve(unit);
    if (this.started < limit) {
      this.started++;
      return Promise.resolve(make());
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Back to the pool; a unit with a crashed worker is replaced. */
  release(unit: T, make: () => T): void {
    if (unit.broken) {
      for (const w of unit.workers) void w.terminate();
      unit = make();
    }
    const next = this.waiting.shift();
    if (next) next(unit);
    else this.idle.push(unit);
  }

  drain(): T[] {
    return this.idle.splice(0);
  }
}

interface Unit {
  workers: Worker[];
  control: LaneControl;
  broken?: boolean;
}

interface Lane extends Unit {
  byRole: Record<'read' | 'write' | 'hash', Worker>;
  /** Started at its first task: with md5 as both hash and check, the 'hash' thread re-reads the copy itself. */
  follower?: Worker;
  shared: LaneShared;
}

/** One thread for small files ('small' and 'reread' tasks); its control serves only to abort. */
type Single = Unit;

function spawnWorker(shared: LaneShared): Worker {
  const worker = new Worker(workerFile('copy-lane-worker.js'), { workerData: shared });
  // Idle workers never keep the process alive; a running task refs its worker.
  worker.unref();
  return worker;
}

function newLane(ringSize: number): Lane {
  const shared: LaneShared = { control: newControlBuffer(), ring: sharedRing(ringSize) };
  const byRole = { read: spawnWorker(shared), write: spawnWorker(shared), hash: spawnWorker(shared) };
  return { workers: Object.values(byRole), byRole, shared, control: laneControl(shared.control) };
}

function followerOf(lane: Lane): Worker {
  if (!lane.follower) {
    lane.follower = spawnWorker(lane.shared);
    lane.workers.push(lane.follower);
  }
  return lane.follower;
}

function newSingle(): Single {
  const shared: LaneShared = { control: newControlBuffer(), ring: sharedRing(0) };
  return { workers: [spawnWorker(shared)], control: laneControl(shared.control) };
}

/** What a task's replies are reported to, and what its errors name. */
type MessageContext = Pick<LaneJob, 'sourcePath' | 'targetPath' | 'signal' | 'onBytes' | 'onVerifyBytes'>;

/** The one final reply each kind of task is answered with. */
interface FinalReply {
  read: Extract<LaneReply, { type: 'read' }>;
  write: Extract<LaneReply, { type: 'written' }>;
  hash: Extract<LaneReply, { type: 'hashed' }>;
  follow: Extract<LaneReply, { type: 'followed' }>;
  check: Extract<LaneReply, { type: 'checked' }>;
  compare: Extract<LaneReply, { type: 'checked' }>;
  small: Extract<LaneReply, { type: 'small' }>;
  reread: Extract<LaneReply, { type: 'reread' }>;
}

/** Listen to `signal` for the job's length; the unit's threads finished their last tasks, so start from zero. */
function beginJob(unit: Unit, job: MessageContext): () => void {
  unit.control.reset();
  const onAbort = () => unit.control.abort();
  job.signal?.addEventListener('abort', onAbort, { once: true });
  if (job.signal?.aborted) unit.control.abort();
  return () => job.signal?.removeEventListener('abort', onAbort);
}

/** Post one task to a worker; it answers with one final reply (progress aside) or an error. */
function startTask<R extends LaneRole>(unit: Unit, worker: Worker, task: Extract<LaneTask, { role: R }>, job: MessageContext): Promise<FinalReply[R]> {
  const answer = new Promise<FinalReply[R]>((resolve, reject) => {
    const onMessage = (reply: LaneReply) => {
      if (reply.type === 'progress') {
        if (reply.role === 'write') job.onBytes?.(reply.bytes, reply.position);
        else job.onVerifyBytes?.(reply.bytes);
        return;
      }
      done();
      if (reply.type === 'error') reject(rebuildError(job, reply));
      else resolve(reply as FinalReply[R]);
    };
    const onError = (error: unknown) => {
      unit.broken = true;
      unit.control.abort();
      done();
      reject(error);
    };
    const done = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.unref();
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.ref();
  });
  answer.catch(() => undefined);
  worker.postMessage(task);
  return answer;
}

async function runOnLane(lane: Lane, job: LaneJob, direct: boolean): Promise<LaneResult> {
  const end = beginJob(lane, job);
  const control = lane.control;
  const ring = { piece: PIECE };
  const checkAlgorithm = job.checkAlgorithm ?? job.algorithm;
  const bytes = checkAlgorithm === 'bytes';
  // The re-read apart (after a test's hook): compared with the source read again, or hashed.
  const startFollower = async (hash: string, size: number): Promise<{ reread: Reread; bytes: number }> => {
    if (!bytes) {
      const followed = await startTask(lane, followerOf(lane), { role: 'follow', path: job.targetPath, chunkSize: PIECE, algorithm: checkAlgorithm }, job);
      return { reread: { digest: followed.digest, size: followed.size }, bytes: followed.bytes };
    }
    const compared = await startTask(lane, followerOf(lane), { role: 'reread', path: job.targetPath, piece: PIECE, algorithm: job.algorithm, compareWith: job.sourcePath }, job);
    return { reread: byteCheck(compared, hash, size), bytes: compared.size };
  };
  const startRead = () =>
    startTask(lane, lane.byRole.read, { role: 'read', ...ring, sourceFd: job.sourceFd, sourcePath: job.sourcePath, direct, size: job.size, ...(!bytes && checkAlgorithm !== job.algorithm ? { checkAlgorithm } : {}) }, job);
  const startWrite = () => startTask(lane, lane.byRole.write, { role: 'write', ...ring, targetFd: job.targetFd }, job);
  try {
    // The source's hash and the copy's re-read on one thread, right behind the writer: compared
    // byte for byte (the worker's `compare`), or both md5s on SIMD lanes (its `check`).
    const together: Extract<LaneTask, { role: 'compare' | 'check' }> | undefined = job.beforeVerify
      ? undefined
      : bytes
        ? { role: 'compare', ...ring, path: job.targetPath, algorithm: job.algorithm }
        : job.algorithm === 'md5' && checkAlgorithm === 'md5' && md5LanesSupported()
          ? { role: 'check', ...ring, path: job.targetPath }
          : undefined;
    if (together) {
      const checking = [startRead(), startWrite(), startTask(lane, lane.byRole.hash, together, job)] as const;
      const [read, written, checked] = await settleAll(checking, control);
      job.onBytes?.(written.bytes, written.size);
      job.onVerifyBytes?.(checked.bytes);
      return { size: written.size, hash: checked.digest, check: checked.digest, reread: checked.reread, directRead: read.direct };
    }
    const copying = [startRead(), startWrite(), startTask(lane, lane.byRole.hash, { role: 'hash', ...ring, algorithm: job.algorithm }, job)] as const;
    // Without a hook, a hash check's re-read follows the writer ('bytes' went above).
    let followed = job.beforeVerify ? undefined : startFollower('', job.size);
    const [read, written, hashed] = await settleAll(copying, control, followed);
    job.onBytes?.(written.bytes, written.size);
    if (!followed) {
      await job.beforeVerify?.();
      followed = startFollower(hashed.digest, written.size);
    }
    const [reread] = await settleAll([followed] as const, control);
    job.onVerifyBytes?.(reread.bytes);
    return { size: written.size, hash: hashed.digest, check: read.checkDigest ?? hashed.digest, reread: reread.reread, directRead: read.direct };
  } finally {
    end();
  }
}

/** A small file waiting for a thread, and its caller. */
interface WaitingSmall {
  job: SmallCopyJob;
  resolve: (result: SmallCopyResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Small files to one thread at a time: enough that its two md5 slots stay full (see
 * small-copy.ts), few enough that the last batches end together.
 */
const SMALL_BATCH = 8;

/**
 * The first waiting job, and the next ones that can share its message: the same signal
 * (one abort flag serves a thread) and hashes. A job that re-reads apart goes alone.
 */
function takeBatch(waiting: WaitingSmall[]): WaitingSmall[] {
  const first = waiting.shift();
  if (!first) return [];
  const batch = [first];
  if (first.job.beforeVerify) return batch;
  const fits = ({ job }: WaitingSmall) =>
    !job.beforeVerify && job.signal === first.job.signal && job.algorithm === first.job.algorithm && (job.checkAlgorithm ?? job.algorithm) === (first.job.checkAlgorithm ?? first.job.algorithm);
  for (let i = 0; i < waiting.length && batch.length < SMALL_BATCH; ) {
    if (fits(waiting[i]!)) batch.push(...waiting.splice(i, 1));
    else i++;
  }
  return batch;
}

/** Run a batch on one thread; every job of it is settled here, none rejects this. */
async function runSmall(single: Single, batch: WaitingSmall[]): Promise<void> {
  const first = batch[0]!.job;
  const context = (job: SmallCopyJob) => ({ sourcePath: job.source, targetPath: job.partial, ...(job.signal ? { signal: job.signal } : {}) });
  const end = beginJob(single, context(first));
  const [worker] = single.workers as [Worker];
  try {
    const checkAlgorithm = first.checkAlgorithm ?? first.algorithm;
    const task = {
      role: 'small' as const,
      files: batch.map(({ job }) => ({ source: job.source, partial: job.partial, preserveMtime: job.preserveMtime, verify: !job.beforeVerify })),
      maxSize: SMALL_FILE_MAX,
      piece: PIECE,
      algorithm: first.algorithm,
      checkAlgorithm,
    };
    let reply: FinalReply['small'];
    try {
      reply = await startTask(single, worker, task, context(first));
    } catch (error) {
      // The whole batch stopped (Ctrl-C, or a thread that died): each file hears it by its own name.
      for (const { job, reject } of batch) reject(error instanceof InterruptedError ? new InterruptedError(`interrupted while copying ${job.source}`, { file: job.source }) : error);
      return;
    }
    for (const [i, { job, resolve, reject }] of batch.entries()) {
      const copy = reply.results[i]!;
      if (copy.type === 'failed') reject(rebuildError(context(job), { ...copy, type: 'error', role: 'small' }));
      else if (copy.type === 'too-big') resolve({ tooBig: true });
      else if (copy.reread) resolve({ tooBig: false, size: copy.size, hash: copy.digest, check: copy.checkDigest, changed: copy.changed, reread: copy.reread, directRead: false });
      else {
        // Re-read apart, after the caller's hook (alone in its batch: see takeBatch).
        try {
          await job.beforeVerify?.();
          const reread = await startTask(
            single,
            worker,
            checkAlgorithm === 'bytes'
              ? { role: 'reread', path: job.partial, piece: PIECE, algorithm: first.algorithm, compareWith: job.source }
              : { role: 'reread', path: job.partial, piece: PIECE, algorithm: checkAlgorithm },
            context(job),
          );
          const { type: _, ...asRead } = reread;
          resolve({ tooBig: false, size: copy.size, hash: copy.digest, check: copy.checkDigest, changed: copy.changed, reread: checkAlgorithm === 'bytes' ? byteCheck(asRead, copy.digest, copy.size) : asRead, directRead: false });
        } catch (error) {
          reject(error);
        }
      }
    }
  } finally {
    end();
  }
}

/**
 * Wait for every thread (the caller closes the descriptors next, so none may still be
 * using them), and on failure throw the error that explains it: not a thread that merely
 * stopped because another one failed.
 */
async function settleAll<T extends readonly Promise<unknown>[]>(
  answers: T,
  control: LaneControl,
  alsoRunning?: Promise<unknown>,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(answers);
  const failures = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length === 0) return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
  control.abort();
  await alsoRunning?.catch(() => undefined);
  throw failures.find((e) => !(e instanceof Error && e.name === 'LaneFailed')) ?? failures[0];
}

function rebuildError(job: MessageContext, reply: Extract<LaneReply, { type: 'error' }>): Error {
  if (reply.name === 'InterruptedError') return new InterruptedError(`interrupted while copying ${job.sourcePath}`, { file: job.sourcePath });
  if (reply.name === 'LaneFailed') return Object.assign(new Error(reply.message), { name: 'LaneFailed' });
  const path = reply.role === 'read' || reply.side === 'source' ? job.sourcePath : job.targetPath;
  const writing = reply.role === 'write' || reply.side === 'target';
  if (reply.code) return fsError(path, Object.assign(new Error(reply.message), { code: reply.code }), writing ? 'write' : 'read');
  return new Error(`${path}: ${reply.message}`);
}

/**
 * A copy compared by name with its source again: it holds the bytes whose digest is
 * `hash` if it matched them all and has their `size`.
 */
function byteCheck(compared: Reread, hash: string, size: number): Reread {
  const same = compared.firstDifference === undefined && compared.size === size;
  return same ? { digest: hash, size } : { digest: '', size: compared.size, firstDifference: compared.firstDifference ?? Math.min(size, compared.size) };
}

let shared: CopyLanes | undefined;

/** One set of lanes for the whole process (one lane per core); idle lanes never keep it alive. */
export function sharedCopyLanes(): CopyLanes {
  return (shared ??= new CopyLanes());
}
