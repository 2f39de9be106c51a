// Buffers that files are read into. The memory of a large Buffer or SharedArrayBuffer
// comes from malloc, 16 bytes into a page, and on this machine's CPU (AMD EPYC) the
// kernel's copy from the page cache into an address 16 bytes past a page boundary is
// several times slower than into one on the boundary or a cache line or more past it
// (measured, 1 GiB read from the page cache in 256 KiB pieces: 0.64-0.77 s of system time
// at 16 bytes in; 0.11-0.14 s on the boundary, and at 48, 80, 128 or 2048 bytes in). So
// every read buffer here starts SHIFT bytes into its memory (80 bytes past the boundary),
// and a ring on the boundary itself (RING_SHIFT), as O_DIRECT wants.

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
