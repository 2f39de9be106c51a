import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { InputError, VerificationError } from '@avpres/core';
import { fsyncFile, partialPath, renameIntoPlace } from './atomic-write.js';
import type { CheckMethod, Reread } from './compare-copy.js';
import { SMALL_FILE_MAX, sharedCopyLanes, type CopyLanes } from './copy-lanes.js';
import { fsError } from './fs-error.js';
import { hashFile, throwIfAborted, type HashAlgorithm } from './hash.js';
import type { SyncGroup } from './sync-group.js';

export interface CopyVerifiedOptions {
  /** The hash of record, returned (default md5). */
  algorithm?: HashAlgorithm;
  /**
   * How the re-read copy is compared with the source's bytes (default 'bytes'). 'bytes'
   * compares every byte of it with the source's bytes as they were hashed and
   * written: exact, and no second hash (a 2 GB copy: 5.6-6.1 s against 6.4-6.7 s with a
   * second md5). xxh128 checks by a 128-bit hash of both instead. Either way the hash
   * returned is of the bytes the copy was proven equal to.
   */
  checkAlgorithm?: CheckMethod;
  signal?: AbortSignal;
  /** Bytes copied so far, every few MiB and at the end. */
  onBytes?: (n: number) => void;
  /** Bytes re-read from the destination, every few MiB and at the end. */
  onVerifyBytes?: (n: number) => void;
  /** Give the copy the source's modification time (default true). */
  preserveMtime?: boolean;
  /** The source's known hash: a source that no longer matches it fails too. */
  expectedHash?: string;
  /** The source's size if known (a folder scan knows it): spares a stat to choose how to copy. */
  sizeHint?: number;
  /** The copy lanes (worker threads) to use; default one shared set per process. */
  lanes?: CopyLanes;
  /**
   * Ask for the copy to be written back every this many bytes (default 32 MiB), so the
   * final flush is short and the disk writes while the copy runs. On a 2 GB copy, cold,
   * alternating runs: 32 MiB 7.05-7.09 s, 64 MiB 7.17-7.28 s, 256 MiB 7.8-8.6 s, none until
   * the end 8.5-9.7 s (8 and 16 MiB: 6.9-7.35 s, no better than 32).
   */
  syncEvery?: number;
  /**
   * While this returns true, the early write-back waits (a read-ahead of the source has the
   * disk to itself: see Prefetcher.reading). The final flush never waits.
   */
  holdWriteBack?: () => boolean;
  /**
   * Make the copy durable through this group flush (one syncfs for many files) rather
   * than its own fsync: a SyncGroup, or a ticket of one (SyncGroup.ticket). The caller
   * then fsyncs the destination folders once at the end.
   */
  syncGroup?: Pick<SyncGroup, 'flush'>;
  /**
   * fsync the destination folder after the rename (default true). A caller copying many
   * files into one folder may pass false and fsync the folder once at the end instead.
   */
  syncFolder?: boolean;
  /**
   * Called with the partial file once it is written, just before its re-read starts
   * (tests corrupt it here). Without it the re-read follows the writer.
   */
  beforeVerify?: (file: string) => Promise<void> | void;
}

const SYNC_EVERY = 32 * 1024 * 1024;

export interface CopyVerifiedResult {
  hash: string;
  size: number;
}

/**
 * Copy `src` to `dst` reading the source once: its bytes are hashed as they are written
 * to `<dst>.partial`, and the partial is re-read right behind the writer and checked
 * against those bytes (see `checkAlgorithm` and CopyLanes). Only when it matches them, and
 * the copy is on disk, is it renamed to
 * `dst` (which it replaces) — so a file under its final name is always complete and
 * verified. On any failure or abort the partial is removed. A source that changes size or
 * mtime during the copy is refused.
 */
export async function copyFileVerified(src: string, dst: string, options: CopyVerifiedOptions = {}): Promise<CopyVerifiedResult> {
  throwIfAborted(options.signal, src);
  const partial = partialPath(dst);
  const lanes = options.lanes ?? sharedCopyLanes();
  let copied: Copied | undefined;
  try {
    const size = options.sizeHint ?? (await stat(src).catch((error: unknown) => {
      throw fsError(src, error, 'read');
    })).size;
    const small = size <= SMALL_FILE_MAX ? await copySmall(src, partial, lanes, options) : undefined;
    copied = small ?? (await copyLarge(src, partial, lanes, options));
    checkCopy(src, dst, copied, options);
    await copied.durable();
    if (options.syncFolder ?? true) await renameIntoPlace(partial, dst);
    else await rename(partial, dst);
    return { hash: copied.hash, size: copied.size };
  } catch (error) {
    await copied?.abandon();
    await rm(partial, { force: true }).catch(() => undefined);
    throw error;
  }
}

/** What either way of copying leaves: the partial written, hashed and re-read, not yet on disk. */
interface Copied {
  size: number;
  hash: string;
  check: string;
  reread: Reread;
  /** The source changed (size or mtime) while it was copied. */
  changed: boolean;
  /** Make the partial durable (its own fsync, or its group's flush) and close it. */
  durable(): Promise<void>;
  /** Close what is still open, without making it durable (the copy is refused). */
  abandon(): Promise<void>;
}

/** A small file: one worker thread does it all by name; undefined when it turned out large. */
async function copySmall(src: string, partial: string, lanes: CopyLanes, options: CopyVerifiedOptions): Promise<Copied | undefined> {
  const algorithm = options.algorithm ?? 'md5';
  const result = await lanes.copySmall({
    source: src,
    partial,
    algorithm,
    checkAlgorithm: checkMethodOf(options),
    preserveMtime: options.preserveMtime ?? true,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.beforeVerify ? { beforeVerify: () => options.beforeVerify!(partial) } : {}),
  });
  if (result.tooBig) return undefined;
  options.onBytes?.(result.size);
  options.onVerifyBytes?.(result.reread.size);
  return { ...result, durable: () => flushed(partial, options, () => fsyncFile(partial)), abandon: async () => undefined };
}

/** A large file on a lane: this thread owns the descriptors and asks for early write-back. */
async function copyLarge(src: string, partial: string, lanes: CopyLanes, options: CopyVerifiedOptions): Promise<Copied> {
  const algorithm = options.algorithm ?? 'md5';
  let source: FileHandle | undefined;
  let target: FileHandle | undefined;
  let early: Promise<void> | undefined;
  try {
    source = await open(src, 'r').catch((error: unknown) => {
      throw fsError(src, error, 'read');
    });
    const before = await source.stat();
    target = await open(partial, 'w').catch((error: unknown) => {
      throw fsError(partial, error, 'write');
    });
    const handle = target;
    const syncEvery = options.syncEvery ?? SYNC_EVERY;
    let synced = 0;
    const result = await lanes.run({
      sourcePath: src,
      sourceFd: source.fd,
      targetFd: target.fd,
      targetPath: partial,
      size: before.size,
      algorithm,
      checkAlgorithm: checkMethodOf(options),
      ...(options.signal ? { signal: options.signal } : {}),
      onBytes: (n, position) => {
        options.onBytes?.(n);
        // Start writing back what is written so far, one request at a time, so the final
        // flush of a large copy has little left to do.
        if (position - synced >= syncEvery && !early && !options.holdWriteBack?.()) {
          synced = position;
          early = handle.datasync().finally(() => (early = undefined));
          early.catch(() => undefined);
        }
      },
      ...(options.onVerifyBytes ? { onVerifyBytes: options.onVerifyBytes } : {}),
      ...(options.beforeVerify ? { beforeVerify: () => options.beforeVerify!(partial) } : {}),
    });
    await early;
    const after = await source.stat();
    const changed = after.size !== before.size || after.mtimeMs !== before.mtimeMs || result.size !== before.size;
    await source.close();
    source = undefined;
    if (options.preserveMtime ?? true) await handle.utimes(before.atime, before.mtime);
    target = undefined; // from here closed by durable() or abandon()
    let isOpen = true;
    const close = async () => {
      if (isOpen) await handle.close();
      isOpen = false;
    };
    return {
      ...result,
      changed,
      durable: async () => {
        // Closed while it waits for its group's flush: a big group holds no descriptors.
        if (options.syncGroup) await close();
        await flushed(partial, options, () => (isOpen ? handle.sync() : fsyncFile(partial)));
        await close();
      },
      abandon: () => close().catch(() => undefined),
    };
  } catch (error) {
    await (early as Promise<void> | undefined)?.catch(() => undefined);
    await target?.close().catch(() => undefined);
    throw error;
  } finally {
    await source?.close().catch(() => undefined);
  }
}

/** The check asked for, else the byte comparison (exact, and no second hash to compute). */
const checkMethodOf = (options: CopyVerifiedOptions): CheckMethod => options.checkAlgorithm ?? 'bytes';

/** Through the caller's group flush when there is one, else `fsyncOne`. */
async function flushed(partial: string, options: CopyVerifiedOptions, fsyncOne: () => Promise<void>): Promise<void> {
  await (options.syncGroup ? options.syncGroup.flush(fsyncOne) : fsyncOne()).catch((error: unknown) => {
    throw fsError(partial, error, 'write');
  });
}

/** Every way a finished copy can still be refused, in the order a person would want to hear it. */
function checkCopy(src: string, dst: string, copied: Copied, options: CopyVerifiedOptions): void {
  const algorithm = options.algorithm ?? 'md5';
  const checkAlgorithm = checkMethodOf(options);
  if (copied.changed) throw new InputError(`${src} changed while it was being copied (still being written?); not finalised`, { file: src });
  if (options.expectedHash !== undefined && options.expectedHash.toLowerCase() !== copied.hash) {
    throw new VerificationError(`${src}: ${algorithm} ${copied.hash} does not match the expected ${options.expectedHash.toLowerCase()}`, { file: src });
  }
  const { reread, size, check } = copied;
  if (reread.digest !== check || reread.size !== size) {
    const sizes = reread.size === size ? '' : `, ${reread.size} bytes vs ${size}`;
    const how =
      checkAlgorithm === 'bytes'
        ? `re-read and compared byte for byte: first difference at byte ${reread.firstDifference ?? Math.min(size, reread.size)}`
        : `${checkAlgorithm} ${reread.digest} re-read, ${check} from the source`;
    throw new VerificationError(`${dst}: the copy differs from its source (${how}${sizes})`, { file: dst });
  }
  throwIfAborted(options.signal, src);
}

/** True when `file` exists and its hash equals `hash` (re-read, not just size). */
export async function fileMatches(file: string, expected: { hash: string; size?: number }, options: { algorithm?: HashAlgorithm; signal?: AbortSignal } = {}): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return false;
  if (expected.size !== undefined && info.size !== expected.size) return false;
  const { digest } = await hashFile(file, options);
  return digest === expected.hash.toLowerCase();
}
