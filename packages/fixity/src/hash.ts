import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { InterruptedError } from '@avpres/core';
// hash-wasm's ES module build, not the UMD file its package names as main: Node hands a
// CommonJS file to its export scanner first, which on this 280 kB file costs each thread
// that imports it (every copy thread does) about 0.1 s of CPU (measured: 0.23 s against
// 0.13 s for a process that imports it and makes one hasher).
import { createXXHash128, type IHasher } from 'hash-wasm/dist/index.esm.js';
import { readBuffer } from './read-buffer.js';

export type HashAlgorithm = 'md5' | 'sha256' | 'sha512' | 'xxh128';

export const HASH_ALGORITHMS: readonly HashAlgorithm[] = ['md5', 'sha256', 'sha512', 'xxh128'];

/** Incremental hash; `digest()` returns lowercase hex and ends the hasher. */
export interface Hasher {
  update(chunk: Uint8Array): void;
  digest(): string;
}

/** Reads of 4 MiB: large enough that per-chunk overhead vanishes, small enough to stay flat. */
export const CHUNK_SIZE = 4 * 1024 * 1024;

/**
 * The buffer size for a file of `size` bytes: the whole file plus one byte (so the next
 * read sees the end) when it is small, else `chunkSize`. Thousands of small files would
 * otherwise each allocate 4 MiB buffers and keep the garbage collector busy.
 */
export function bufferSizeFor(size: number | undefined, chunkSize: number = CHUNK_SIZE): number {
  if (size === undefined || !Number.isFinite(size)) return chunkSize;
  return Math.min(chunkSize, Math.max(4096, size + 1));
}

// hash-wasm only hands out hashers asynchronously (WASM instantiation). One instance, made
// at import, serves every xxh128 hasher: each keeps its own saved state and loads it around
// each update, which keeps createHasher synchronous and the hashers independent.
const xxhShared: IHasher = await createXXHash128();

export function isHashAlgorithm(value: unknown): value is HashAlgorithm {
  return typeof value === 'string' && (HASH_ALGORITHMS as readonly string[]).includes(value);
}

export function createHasher(algorithm: HashAlgorithm = 'md5'): Hasher {
  if (algorithm === 'xxh128') return createXxh128Hasher();
  if (!isHashAlgorithm(algorithm)) throw new TypeError(`unknown hash algorithm: ${String(algorithm)}`);
  const hash = createHash(algorithm);
  return {
    update: (chunk) => void hash.update(chunk),
    digest: () => hash.digest('hex'),
  };
}

function createXxh128Hasher(): Hasher {
  let state = xxhShared.init().save();
  return {
    update(chunk) {
      xxhShared.load(state).update(chunk);
      state = xxhShared.save();
    },
    digest: () => xxhShared.load(state).digest('hex'),
  };
}

export function hashBuffer(data: Uint8Array | string, algorithm: HashAlgorithm = 'md5'): string {
  const hasher = createHasher(algorithm);
  hasher.update(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  return hasher.digest();
}

export interface HashFileOptions {
  algorithm?: HashAlgorithm;
  signal?: AbortSignal;
  /** Called after each chunk with the number of bytes it held. */
  onBytes?: (n: number) => void;
  /** Read size; default CHUNK_SIZE. */
  chunkSize?: number;
}

/**
 * Hash a file in constant memory. Two buffers alternate, so the next read is under way
 * (in libuv's thread pool) while the current chunk is hashed on this thread.
 */
export async function hashFile(path: string, options: HashFileOptions = {}): Promise<{ digest: string; size: number }> {
  const hasher = createHasher(options.algorithm ?? 'md5');
  let size = 0;
  await readChunks(path, options, (chunk) => {
    hasher.update(chunk);
    size += chunk.length;
    options.onBytes?.(chunk.length);
  });
  return { digest: hasher.digest(), size };
}

/**
 * Feed `consume` every chunk of a file in order, reading ahead by one chunk. The chunk is
 * only valid during the call (its buffer is reused two reads later).
 */
export async function readChunks(
  path: string,
  options: { signal?: AbortSignal; chunkSize?: number },
  consume: (chunk: Buffer) => void | Promise<void>,
): Promise<void> {
  throwIfAborted(options.signal, path);
  const handle = await open(path, 'r');
  try {
    const chunkSize = bufferSizeFor((await handle.stat()).size, options.chunkSize);
    const buffers = [readBuffer(chunkSize), readBuffer(chunkSize)];
    let position = 0;
    let which = 0;
    let pending = handle.read(buffers[0]!, 0, chunkSize, position);
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) break;
      throwIfAborted(options.signal, path);
      const current = buffers[which]!;
      position += bytesRead;
      which ^= 1;
      pending = handle.read(buffers[which]!, 0, chunkSize, position);
      try {
        await consume(current.subarray(0, bytesRead));
      } catch (error) {
        await pending.catch(() => undefined);
        throw error;
      }
    }
  } finally {
    await handle.close();
  }
}

export function throwIfAborted(signal: AbortSignal | undefined, file?: string): void {
  if (signal?.aborted) throw new InterruptedError(file ? `interrupted while working on ${file}` : 'interrupted', file ? { file } : {});
}
