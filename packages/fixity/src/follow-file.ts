import { open } from 'node:fs/promises';
import { InterruptedError } from '@avpres/core';
import { fsError } from './fs-error.js';
import { bufferSizeFor, createHasher, type HashAlgorithm } from './hash.js';
import { readBuffer } from './read-buffer.js';

export interface FollowOptions {
  algorithm?: HashAlgorithm;
  signal?: AbortSignal;
  onBytes?: (n: number) => void;
  chunkSize?: number;
  /** The size the file is expected to reach: small files get small buffers. */
  sizeHint?: number;
}

/**
 * Hashes a file while another party is still writing it: it reads only what `extend`
 * says is written, then, after `finish`, everything up to the end of the file. Used to
 * re-read a copy for verification without waiting for the whole copy to finish.
 */
export interface FileFollower {
  /** The first `written` bytes are written (and stay as they are). */
  extend(written: number): void;
  /** Writing is over: read to the end of the file and give its hash and size. */
  finish(): Promise<{ digest: string; size: number }>;
  /** Stop reading; `finish` rejects with InterruptedError. */
  abort(): void;
}

/** A follower on this thread (a HashPool offers the same on a worker thread). */
export function followFile(path: string, options: FollowOptions = {}): FileFollower {
  let written = 0;
  let final = false;
  let aborted = false;
  let wake: (() => void) | undefined;
  const poke = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const onAbort = () => {
    aborted = true;
    poke();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) aborted = true;

  const run = async (): Promise<{ digest: string; size: number }> => {
    const hasher = createHasher(options.algorithm ?? 'md5');
    const handle = await open(path, 'r').catch((error: unknown) => {
      throw fsError(path, error, 'read');
    });
    // A whole-file hash (finish() already called) knows its size from the file itself.
    const hint = options.sizeHint ?? (final ? (await handle.stat().catch(() => undefined))?.size : undefined);
    const chunkSize = bufferSizeFor(hint, options.chunkSize);
    const buffers = [readBuffer(chunkSize), readBuffer(chunkSize)];
    let which = 0;
    let position = 0;
    // At most one read in flight, ahead of the hashing.
    let pending: Promise<{ bytesRead: number }> | undefined;
    const startRead = () => {
      const limit = final ? chunkSize : Math.min(chunkSize, written - position);
      if (limit <= 0) return undefined;
      return handle.read(buffers[which]!, 0, limit, position);
    };
    try {
      for (;;) {
        if (aborted) throw new InterruptedError(`interrupted while verifying ${path}`, { file: path });
        pending ??= startRead();
        if (!pending) {
          await new Promise<void>((resolve) => (wake = resolve));
          continue;
        }
        const { bytesRead } = await pending;
        pending = undefined;
        if (bytesRead === 0) {
          if (final) break;
          // Shorter than we were told (truncated behind our back): the size check will say so.
          if (position < written) break;
          continue;
        }
        const chunk = buffers[which]!.subarray(0, bytesRead);
        position += bytesRead;
        which ^= 1;
        pending = startRead();
        hasher.update(chunk);
        options.onBytes?.(bytesRead);
      }
    } catch (error) {
      await pending?.catch(() => undefined);
      throw error instanceof InterruptedError ? error : fsError(path, error, 'read');
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      await handle.close();
    }
    return { digest: hasher.digest(), size: position };
  };

  let result: Promise<{ digest: string; size: number }> | undefined;
  const started = () => (result ??= run());
  // Start at once so reading overlaps writing; keep the rejection for finish().
  started().catch(() => undefined);
  return {
    extend(n) {
      if (n > written) written = n;
      poke();
    },
    finish() {
      final = true;
      poke();
      return started();
    },
    abort: onAbort,
  };
}
