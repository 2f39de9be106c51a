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

/**
 * O_DIRECT reads want memory, file offsets and lengths in whole logical blocks of the
 * disk: 4096 bytes covers disks of 512-byte and of 4K blocks.
 */
export const DIRECT_ALIGN = 4096;
/**
 * Where a ring starts in its memory: on a page boundary, so that a copy lane can read a
 * source straight into it with O_DIRECT. V8 takes a large SharedArrayBuffer's memory from
 * malloc, which hands out such blocks 16 bytes into a page (seen here: every one probed was
 * 16 bytes past a 512-byte boundary). Should a build place it otherwise, the first direct
 * read fails with EINVAL and the lane reads through the page cache instead (see
 * copy-lane-worker.ts): slower, never wrong.
 */
export const RING_SHIFT = DIRECT_ALIGN - 16;

/** Shared memory for a ring of `size` bytes, to be viewed through `ringView`. */
export function sharedRing(size: number): SharedArrayBuffer {
  return new SharedArrayBuffer(size + DIRECT_ALIGN);
}

/** The ring inside memory made by `sharedRing`. */
export function ringView(memory: SharedArrayBuffer): Uint8Array {
  return new Uint8Array(memory, RING_SHIFT, Math.max(0, memory.byteLength - DIRECT_ALIGN));
}
