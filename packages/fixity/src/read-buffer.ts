// Buffers that files are read into. A large Buffer or SharedArrayBuffer starts on a page
// boundary, like the page cache's own pages, and on this machine's CPU (AMD EPYC) the
// kernel's copy between two page-aligned addresses is several times slower than between
// addresses a few bytes apart (measured, 2 GB read from the page cache in 256 KiB pieces:
// 1.16 s of system time into a page-aligned buffer, 0.20 s into the same buffer 64 bytes
// in; dd aligns its buffer differently and takes 0.21 s). So every buffer here starts
// SHIFT bytes into its memory: a cache line, which keeps the hashes' loads aligned.

/** Bytes skipped at the start of each read buffer's memory. */
export const SHIFT = 64;

/** A reusable read buffer of `size` bytes (its contents are not initialised). */
export function readBuffer(size: number): Buffer {
  return Buffer.allocUnsafeSlow(size + SHIFT).subarray(SHIFT);
}

/** Shared memory for a ring of `size` bytes, to be viewed through `ringView`. */
export function sharedRing(size: number): SharedArrayBuffer {
  return new SharedArrayBuffer(size + SHIFT);
}

/** The ring inside memory made by `sharedRing`. */
export function ringView(memory: SharedArrayBuffer): Uint8Array {
  return new Uint8Array(memory, SHIFT, Math.max(0, memory.byteLength - SHIFT));
}
