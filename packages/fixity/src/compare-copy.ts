import { HASH_ALGORITHMS, type HashAlgorithm } from './hash.js';

/**
 * How a copy, re-read, is checked against the source's bytes. 'bytes' compares it byte
 * for byte with the bytes that were read, hashed and written: exact, and with no second
 * hash to compute, so the copy's digest of record is the source's (the same bytes, proven).
 * A hash algorithm compares its digest of the source's bytes with its digest of the copy.
 */
export type CheckMethod = HashAlgorithm | 'bytes';

export const CHECK_METHODS: readonly CheckMethod[] = ['bytes', ...HASH_ALGORITHMS];

export function isCheckMethod(value: unknown): value is CheckMethod {
  return typeof value === 'string' && (CHECK_METHODS as readonly string[]).includes(value);
}

/** The copy as re-read: its digest by the check's algorithm (for 'bytes', the source's digest of record when every byte matched, else ''), its size, and where it first differs. */
export interface Reread {
  digest: string;
  size: number;
  /** 'bytes' only: the offset of the first byte that differs (or where one file ends before the other). */
  firstDifference?: number;
}

/** The offset of the first byte where `a` and `b` differ, over the shorter one; -1 if none. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  const x = a.subarray(0, length);
  const y = b.subarray(0, length);
  // Buffer.compare runs at memory speed; the byte loop only finds where, once it failed.
  if (Buffer.compare(x, y) === 0) return -1;
  for (let i = 0; i < length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

/**
 * Follows a copy re-read piece by piece beside the source's bytes, and remembers where
 * it first differs; after that the rest need not be read.
 */
export class CopyComparison {
  private difference: number | undefined;

  /** Whether a difference was found (the remaining pieces need not be re-read). */
  get differs(): boolean {
    return this.difference !== undefined;
  }

  /** The piece at `at`: `source` holds the source's bytes, `copy` the `got` bytes re-read in their place. */
  piece(source: Uint8Array, copy: Uint8Array, at: number, got: number): void {
    if (this.difference !== undefined) return;
    const d = firstDifference(source, copy.subarray(0, Math.min(got, source.length)));
    if (d >= 0) this.difference = at + d;
    else if (got < source.length) this.difference = at + got;
  }

  /** The outcome, once `size` source bytes were compared and the copy now holds `copySize`. */
  result(digest: string, size: number, copySize: number): Reread {
    const difference = this.difference ?? (copySize !== size ? Math.min(size, copySize) : undefined);
    return difference === undefined ? { digest, size: copySize } : { digest: '', size: copySize, firstDifference: difference };
  }
}
