import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { InputError, VerificationError } from '@avpres/core';
import { partialPath, renameIntoPlace } from './atomic-write.js';
import { fsError } from './fs-error.js';
import { followFile, type FileFollower, type FollowOptions } from './follow-file.js';
import { bufferSizeFor, createHasher, hashFile, throwIfAborted, type HashAlgorithm } from './hash.js';

export interface CopyVerifiedOptions {
  algorithm?: HashAlgorithm;
  signal?: AbortSignal;
  /** Bytes copied, after each chunk. */
  onBytes?: (n: number) => void;
  /** Bytes re-read from the destination, after each chunk. */
  onVerifyBytes?: (n: number) => void;
  /** Give the copy the source's modification time (default true). */
  preserveMtime?: boolean;
  /** The source's known hash: a source that no longer matches it fails too. */
  expectedHash?: string;
  /** Copy chunk size; default 4 MiB. */
  chunkSize?: number;
  /** Who re-reads the copy: default followFile (this thread); a HashPool's `follow` hashes on another core. */
  reread?: (path: string, options: FollowOptions) => FileFollower;
  /**
   * Start re-reading once this many bytes are written, following the writer, so both
   * hashes run at once (on two cores with a HashPool). Default: after the whole copy.
   */
  rereadAfter?: number;
  /** Ask for the copy to be written back every this many bytes (default 256 MiB), so the final fsync is short. */
  syncEvery?: number;
  /**
   * fsync the destination folder after the rename (default true). A caller copying many
   * files into one folder may pass false and fsync the folder once at the end instead.
   */
  syncFolder?: boolean;
  /** Called with the partial file just before its re-read starts (tests corrupt it here). */
  beforeVerify?: (file: string) => Promise<void> | void;
}

const SYNC_EVERY = 256 * 1024 * 1024;

export interface CopyVerifiedResult {
  hash: string;
  size: number;
}

/**
 * Copy `src` to `dst` reading the source once: each chunk is hashed while it is written
 * to `<dst>.partial`. The partial is then fsynced and, meanwhile, re-read once and hashed;
 * only when both hashes agree is it renamed to `dst` (which it replaces) — so a file
 * under its final name is always complete and verified. On any failure or abort the
 * partial is removed. A source that changes size or mtime during the copy is refused.
 */
export async function copyFileVerified(src: string, dst: string, options: CopyVerifiedOptions = {}): Promise<CopyVerifiedResult> {
  const algorithm = options.algorithm ?? 'md5';
  const partial = partialPath(dst);
  throwIfAborted(options.signal, src);
  let source: FileHandle | undefined;
  let target: FileHandle | undefined;
  let follower: FileFollower | undefined;
  let sizeHint: number | undefined;
  let early: Promise<void> | undefined;
  const startReread = async (written: number) => {
    await options.beforeVerify?.(partial);
    follower = (options.reread ?? followFile)(partial, {
      algorithm,
      ...(sizeHint !== undefined ? { sizeHint } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onVerifyBytes ? { onBytes: options.onVerifyBytes } : {}),
    });
    follower.extend(written);
  };
  try {
    try {
      source = await open(src, 'r');
    } catch (error) {
      throw readError(src, error);
    }
    const before = await source.stat();
    sizeHint = before.size;
    target = await open(partial, 'w').catch((error: unknown) => {
      throw fsError(partial, error, 'write');
    });
    const rereadAfter = options.rereadAfter ?? Infinity;
    const syncEvery = options.syncEvery ?? SYNC_EVERY;
    let synced = 0;
    const handle = target;
    const { hash, size } = await copyAndHash(source, target, { src, partial }, algorithm, options, async (written) => {
      if (follower) follower.extend(written);
      else if (written >= rereadAfter) await startReread(written);
      // Start writing back what is written so far, one request at a time, so the final
      // fsync of a large copy has little left to do.
      if (written - synced >= syncEvery && !early) {
        synced = written;
        early = handle.datasync().finally(() => (early = undefined));
        early.catch(() => undefined);
      }
    }, before.size);
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

    // fsync (the disk's work) and the re-read (from the page cache) overlap.
    const syncing = target.sync();
    syncing.catch(() => undefined);
    if (!follower) await startReread(size);
    const reread = await follower!.finish();
    await syncing;
    if (reread.digest !== hash || reread.size !== size) {
      const sizes = reread.size === size ? '' : `, ${reread.size} bytes vs ${size}`;
      throw new VerificationError(`${dst}: the copy differs from its source (${algorithm} ${reread.digest} re-read, ${hash} from the source${sizes})`, {
        file: dst,
      });
    }
    if (options.preserveMtime ?? true) await target.utimes(before.atime, before.mtime);
    await target.close();
    target = undefined;
    if (options.syncFolder ?? true) await renameIntoPlace(partial, dst);
    else await rename(partial, dst);
    return { hash, size };
  } catch (error) {
    await (early as Promise<void> | undefined)?.catch(() => undefined);
    (follower as FileFollower | undefined)?.abort();
    await (follower as FileFollower | undefined)?.finish().catch(() => undefined);
    await target?.close().catch(() => undefined);
    await rm(partial, { force: true }).catch(() => undefined);
    throw error;
  } finally {
    await source?.close().catch(() => undefined);
  }
}

/**
 * Read ahead by one chunk; write and hash the current chunk at the same time (the write
 * runs in libuv's thread pool while this thread hashes).
 */
async function copyAndHash(
  source: FileHandle,
  target: FileHandle,
  { src, partial }: { src: string; partial: string },
  algorithm: HashAlgorithm,
  options: CopyVerifiedOptions,
  afterWrite: (written: number) => Promise<void>,
  expectedSize: number,
): Promise<CopyVerifiedResult> {
  const chunkSize = bufferSizeFor(expectedSize, options.chunkSize);
  const hasher = createHasher(algorithm);
  const buffers = [Buffer.allocUnsafe(chunkSize), Buffer.allocUnsafe(chunkSize)];
  let which = 0;
  let position = 0;
  const readAt = (buffer: Buffer, at: number) =>
    source.read(buffer, 0, chunkSize, at).catch((error: unknown) => {
      throw readError(src, error);
    });
  // No read past the size the source had at the start: the fstat after the copy catches a
  // source that grew (and a short read one that shrank), and small files save a syscall.
  const readNext = (buffer: Buffer, at: number) => (at < expectedSize ? readAt(buffer, at) : Promise.resolve({ bytesRead: 0 }));
  let pending = readNext(buffers[0]!, 0);
  for (;;) {
    const { bytesRead } = await pending;
    if (bytesRead === 0) break;
    throwIfAborted(options.signal, src);
    const chunk = buffers[which]!.subarray(0, bytesRead);
    position += bytesRead;
    which ^= 1;
    pending = readNext(buffers[which]!, position);
    const writing = writeAll(target, chunk, partial);
    hasher.update(chunk);
    try {
      await writing;
      options.onBytes?.(bytesRead);
      await afterWrite(position);
    } catch (error) {
      await pending.catch(() => undefined);
      throw error;
    }
  }
  return { hash: hasher.digest(), size: position };
}

async function writeAll(handle: FileHandle, chunk: Buffer, file: string): Promise<void> {
  let offset = 0;
  try {
    while (offset < chunk.length) {
      const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
      offset += bytesWritten;
    }
  } catch (error) {
    throw fsError(file, error, 'write');
  }
}

function readError(file: string, error: unknown): Error {
  return fsError(file, error, 'read');
}

/** True when `file` exists and its hash equals `hash` (re-read, not just size). */
export async function fileMatches(file: string, expected: { hash: string; size?: number }, options: { algorithm?: HashAlgorithm; signal?: AbortSignal } = {}): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return false;
  if (expected.size !== undefined && info.size !== expected.size) return false;
  const { digest } = await hashFile(file, options);
  return digest === expected.hash.toLowerCase();
}
