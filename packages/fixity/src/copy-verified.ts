import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { InputError, VerificationError } from '@avpres/core';
import { fsyncFile, partialPath, renameIntoPlace } from './atomic-write.js';
import { sharedCopyLanes, type CopyLanes } from './copy-lanes.js';
import { fsError } from './fs-error.js';
import { hashFile, throwIfAborted, type HashAlgorithm } from './hash.js';
import type { SyncGroup } from './sync-group.js';

export interface CopyVerifiedOptions {
  /** The hash of record, returned (default md5). */
  algorithm?: HashAlgorithm;
  /**
   * How the re-read copy is compared with the source's bytes (default: `algorithm`).
   * With md5 of record, xxh128 here spares a second full md5 (about 6x faster): every
   * byte of the copy is still re-read and checked by a 128-bit hash of the source's
   * bytes, and the md5 returned is of the bytes the copy was proven equal to.
   */
  checkAlgorithm?: HashAlgorithm;
  signal?: AbortSignal;
  /** Bytes copied so far, every few MiB and at the end. */
  onBytes?: (n: number) => void;
  /** Bytes re-read from the destination, every few MiB and at the end. */
  onVerifyBytes?: (n: number) => void;
  /** Give the copy the source's modification time (default true). */
  preserveMtime?: boolean;
  /** The source's known hash: a source that no longer matches it fails too. */
  expectedHash?: string;
  /** The copy lanes (worker threads) to use; default one shared set per process. */
  lanes?: CopyLanes;
  /** Ask for the copy to be written back every this many bytes (default 256 MiB), so the final flush is short. */
  syncEvery?: number;
  /**
   * Make the copy durable through this group flush (one syncfs for many files) rather
   * than its own fsync. The caller then fsyncs the destination folders once at the end.
   */
  syncGroup?: SyncGroup;
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

const SYNC_EVERY = 256 * 1024 * 1024;

export interface CopyVerifiedResult {
  hash: string;
  size: number;
}

/**
 * Copy `src` to `dst` reading the source once: its bytes are hashed as they are written
 * to `<dst>.partial`, and the partial is re-read and hashed right behind the writer (see
 * CopyLanes). Only when both hashes agree, and the copy is on disk, is it renamed to
 * `dst` (which it replaces) — so a file under its final name is always complete and
 * verified. On any failure or abort the partial is removed. A source that changes size or
 * mtime during the copy is refused.
 */
export async function copyFileVerified(src: string, dst: string, options: CopyVerifiedOptions = {}): Promise<CopyVerifiedResult> {
  const algorithm = options.algorithm ?? 'md5';
  const checkAlgorithm = options.checkAlgorithm ?? algorithm;
  const partial = partialPath(dst);
  throwIfAborted(options.signal, src);
  let source: FileHandle | undefined;
  let target: FileHandle | undefined;
  let early: Promise<void> | undefined;
  try {
    source = await open(src, 'r').catch((error: unknown) => {
      throw fsError(src, error, 'read');
    });
    const before = await source.stat();
    // Read and write: small copies are re-read through this same descriptor.
    target = await open(partial, 'w+').catch((error: unknown) => {
      throw fsError(partial, error, 'write');
    });
    const handle = target;
    const syncEvery = options.syncEvery ?? SYNC_EVERY;
    let synced = 0;
    const { size, hash, check, reread } = await (options.lanes ?? sharedCopyLanes()).run({
      sourcePath: src,
      sourceFd: source.fd,
      targetFd: target.fd,
      targetPath: partial,
      size: before.size,
      algorithm,
      checkAlgorithm,
      ...(options.signal ? { signal: options.signal } : {}),
      onBytes: (n, position) => {
        options.onBytes?.(n);
        // Start writing back what is written so far, one request at a time, so the final
        // flush of a large copy has little left to do.
        if (position - synced >= syncEvery && !early) {
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
    if (after.size !== before.size || after.mtimeMs !== before.mtimeMs || size !== before.size) {
      throw new InputError(`${src} changed while it was being copied (still being written?); not finalised`, { file: src });
    }
    await source.close();
    source = undefined;
    if (options.expectedHash !== undefined && options.expectedHash.toLowerCase() !== hash) {
      throw new VerificationError(`${src}: ${algorithm} ${hash} does not match the expected ${options.expectedHash.toLowerCase()}`, { file: src });
    }
    if (reread.digest !== check || reread.size !== size) {
      const sizes = reread.size === size ? '' : `, ${reread.size} bytes vs ${size}`;
      throw new VerificationError(`${dst}: the copy differs from its source (${checkAlgorithm} ${reread.digest} re-read, ${check} from the source${sizes})`, {
        file: dst,
      });
    }
    throwIfAborted(options.signal, src);
    if (options.preserveMtime ?? true) await target.utimes(before.atime, before.mtime);
    const durable = async () => {
      if (!options.syncGroup) return handle.sync();
      // Closed while it waits for its group's flush: a big group holds no descriptors.
      await handle.close();
      target = undefined;
      await options.syncGroup.flush(() => fsyncFile(partial));
    };
    await durable().catch((error: unknown) => {
      throw fsError(partial, error, 'write');
    });
    await target?.close();
    target = undefined;
    if (options.syncFolder ?? true) await renameIntoPlace(partial, dst);
    else await rename(partial, dst);
    return { hash, size };
  } catch (error) {
    await (early as Promise<void> | undefined)?.catch(() => undefined);
    await target?.close().catch(() => undefined);
    await rm(partial, { force: true }).catch(() => undefined);
    throw error;
  } finally {
    await source?.close().catch(() => undefined);
  }
}

/** True when `file` exists and its hash equals `hash` (re-read, not just size). */
export async function fileMatches(file: string, expected: { hash: string; size?: number }, options: { algorithm?: HashAlgorithm; signal?: AbortSignal } = {}): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return false;
  if (expected.size !== undefined && info.size !== expected.size) return false;
  const { digest } = await hashFile(file, options);
  return digest === expected.hash.toLowerCase();
}
