// Small files, copied on a copy-lane thread by name (see CopyLanes.copySmall): each is
// opened, read, hashed and written to its partial piece by piece, the source stat'ed
// again, the partial given the source's times and re-read. With md5 of record, several
// files go through at once on the four lanes of one SIMD md5 (md5-lanes.ts), which hashes
// four streams for little more than the price of one (see copyInLanes). Otherwise one file
// at a time, by node:crypto. With 'bytes' as the check, each piece of the copy is read back
// at once and compared with the source's piece (compare-copy.ts).
import { closeSync, fstatSync, futimesSync, openSync, readSync, writeSync, type Stats } from 'node:fs';
import { CopyComparison, type CheckMethod, type Reread } from './compare-copy.js';
import { createHasher, type HashAlgorithm, type Hasher } from './hash.js';
import { Md5Lanes, md5LanesSupported } from './md5-lanes.js';
import { readBuffer } from './read-buffer.js';

export interface SmallFile {
  source: string;
  partial: string;
  preserveMtime: boolean;
  /** Re-read the partial here; when false a separate re-read follows (tests change the partial in between). */
  verify: boolean;
}

export interface SmallBatch {
  files: SmallFile[];
  /** Larger sources are left alone (answered 'too-big') for a lane. */
  maxSize: number;
  /** Bytes read and written at a time. */
  piece: number;
  algorithm: HashAlgorithm;
  checkAlgorithm: CheckMethod;
}

export type SmallResult =
  | { type: 'whole'; size: number; digest: string; checkDigest: string; changed: boolean; reread?: Reread }
  | { type: 'too-big'; size: number }
  | { type: 'failed'; side: 'source' | 'target'; name: string; message: string; code?: string };

/**
 * Copy every file of the batch; a file that fails is answered 'failed' and the others go
 * on. `checkAbort` throws to stop the whole batch (Ctrl-C); that error is not caught here.
 */
export function copySmallFiles(batch: SmallBatch, checkAbort: () => void): SmallResult[] {
  const results: SmallResult[] = new Array(batch.files.length);
  const onLanes: number[] = [];
  batch.files.forEach((file, i) => {
    if (file.verify && batch.algorithm === 'md5' && md5LanesSupported()) onLanes.push(i);
    else results[i] = settle(() => copyOne(file, batch, checkAbort));
  });
  if (onLanes.length > 0) copyInLanes(batch, onLanes, results, checkAbort);
  return results;
}

/** Hash a whole file through a descriptor, from the start to its end now. */
export function hashFd(fd: number, piece: number, algorithm: HashAlgorithm, checkAbort: () => void): { digest: string; size: number } {
  const buffer = pieceBuffer(LANES, piece);
  const hasher = createHasher(algorithm);
  let position = 0;
  for (;;) {
    checkAbort();
    const n = readSync(fd, buffer, 0, buffer.length, position);
    if (n === 0) break;
    hasher.update(buffer.subarray(0, n));
    position += n;
  }
  return { digest: hasher.digest(), size: position };
}

/** An error of a file system call, marked with the file it was about. */
class SideError extends Error {
  constructor(
    readonly side: 'source' | 'target',
    readonly error: unknown,
  ) {
    super('side');
  }
}

function on<T>(side: 'source' | 'target', call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw error instanceof SideError ? error : new SideError(side, error);
  }
}

/** The file's result, or its failure as a result; an interruption goes up. */
function settle(work: () => SmallResult): SmallResult {
  try {
    return work();
  } catch (error) {
    return failed(error);
  }
}

function failed(error: unknown): SmallResult {
  const side = error instanceof SideError ? error.side : 'source';
  const e = (error instanceof SideError ? error.error : error) as NodeJS.ErrnoException;
  if (e?.name === 'InterruptedError') throw e;
  return { type: 'failed', side, name: e?.name ?? 'Error', message: e?.message ?? String(e), ...(e?.code ? { code: e.code } : {}) };
}

/** A file open for copying: its source and partial, and how far it has got. */
interface Open {
  file: SmallFile;
  source: number;
  target: number;
  before: Stats;
  position: number;
}

/** Open the source, check its size, create the partial; a too-big source is closed and answered. */
function open(file: SmallFile, maxSize: number): Open | SmallResult {
  const source = on('source', () => openSync(file.source, 'r'));
  try {
    const before = on('source', () => fstatSync(source));
    if (before.size > maxSize) {
      closeSync(source);
      return { type: 'too-big', size: before.size };
    }
    const target = on('target', () => openSync(file.partial, 'w+'));
    return { file, source, target, before, position: 0 };
  } catch (error) {
    closeSync(source);
    throw error;
  }
}

function close(o: Open): void {
  closeSync(o.source);
  closeSync(o.target);
}

/**
 * Read the next piece of the source (never past the size it had at the start: the second
 * stat catches growth) into `buffer` and write it to the partial; 0 at the end.
 */
function copyPiece(o: Open, buffer: Uint8Array): number {
  const want = Math.min(buffer.length, o.before.size - o.position);
  if (want === 0) return 0;
  const n = on('source', () => readSync(o.source, buffer, 0, want, o.position));
  let written = 0;
  while (written < n) written += on('target', () => writeSync(o.target, buffer, written, n - written));
  o.position += n;
  return n;
}

/** Stat the source again and give the partial the source's times: whether the source changed. */
function settleTimes(o: Open): boolean {
  const after = on('source', () => fstatSync(o.source));
  const changed = after.size !== o.before.size || after.mtimeMs !== o.before.mtimeMs || o.position !== o.before.size;
  if (o.file.preserveMtime) on('target', () => futimesSync(o.target, o.before.atime, o.before.mtime));
  return changed;
}

/** One file, on its own, with node:crypto's hashers. */
function copyOne(file: SmallFile, batch: SmallBatch, checkAbort: () => void): SmallResult {
  const opened = open(file, batch.maxSize);
  if (!('source' in opened)) return opened;
  try {
    const buffer = pieceBuffer(0, batch.piece);
    const hasher = createHasher(batch.algorithm);
    const method = batch.checkAlgorithm;
    const check = method === batch.algorithm || method === 'bytes' ? undefined : createHasher(method);
    // 'bytes': each piece read back as soon as it is written, and compared.
    const comparison = method === 'bytes' && file.verify ? new CopyComparison() : undefined;
    const back = comparison ? pieceBuffer(2 * LANES + 1, batch.piece) : undefined;
    for (;;) {
      checkAbort();
      const at = opened.position;
      const n = copyPiece(opened, buffer);
      if (n === 0) break;
      hasher.update(buffer.subarray(0, n));
      check?.update(buffer.subarray(0, n));
      if (comparison && back && !comparison.differs) comparison.piece(buffer.subarray(0, n), back, at, on('target', () => readSync(opened.target, back, 0, n, at)));
    }
    const changed = settleTimes(opened);
    const digest = hasher.digest();
    const reread = !file.verify
      ? undefined
      : comparison
        ? comparison.result(digest, opened.position, on('target', () => fstatSync(opened.target).size))
        : on('target', () => hashFd(opened.target, batch.piece, method as HashAlgorithm, checkAbort));
    return { type: 'whole', size: opened.position, digest, checkDigest: check ? check.digest() : digest, changed, ...(reread ? { reread } : {}) };
  } finally {
    close(opened);
  }
}

/**
 * md5 of record on the SIMD lanes (up to four files at once), piece by piece. Each piece is
 * read from the source, written to the partial and read back from it at once (from the page
 * cache, as the re-read of a whole file would be). With md5 as the check too, two files at
 * a time, each with a lane for its source and one for its copy; with 'bytes' (the copy's
 * piece compared with the source's) or another check (xxh128, fast on its own), four, a
 * lane for each source and the check beside. A slot whose file ends takes the next file of
 * the batch.
 */
function copyInLanes(batch: SmallBatch, indices: number[], results: SmallResult[], checkAbort: () => void): void {
  const md5 = (lanes ??= new Md5Lanes(LANES));
  const method = batch.checkAlgorithm;
  const paired = method === 'md5';
  const slotCount = paired ? LANES / 2 : LANES;
  const sourceLane = (s: number) => (paired ? 2 * s : s);
  const slots: (Slot | undefined)[] = new Array(slotCount).fill(undefined);
  // Read straight into the lanes' own input areas, where they are hashed without a copy.
  const area = (lane: number) => md5.region(lane).subarray(0, batch.piece);
  const sources = slots.map((_, s) => area(sourceLane(s)));
  const copies = slots.map((_, s) => (paired ? area(2 * s + 1) : pieceBuffer(LANES + 1 + s, batch.piece)));
  const pieces: (Uint8Array | undefined)[] = new Array(LANES).fill(undefined);
  const lengths = new Array<number>(LANES).fill(0);
  let next = 0;
  const fail = (s: number, error: unknown) => {
    const slot = slots[s]!;
    slots[s] = undefined;
    close(slot.open);
    results[slot.index] = failed(error);
  };
  for (;;) {
    checkAbort();
    for (let s = 0; s < slotCount; s++) {
      while (slots[s] === undefined && next < indices.length) {
        const index = indices[next++]!;
        try {
          const opened = open(batch.files[index]!, batch.maxSize);
          if (!('source' in opened)) {
            results[index] = opened;
            continue;
          }
          slots[s] = {
            index,
            open: opened,
            last: 0,
            shortReread: false,
            ...(method === 'bytes' ? { comparison: new CopyComparison() } : paired ? {} : { check: createHasher(method), reread: createHasher(method) }),
          };
          md5.reset(sourceLane(s));
          if (paired) md5.reset(2 * s + 1);
        } catch (error) {
          results[index] = failed(error);
        }
      }
    }
    if (slots.every((slot) => slot === undefined)) return;
    pieces.fill(undefined);
    for (let s = 0; s < slotCount; s++) {
      const slot = slots[s];
      if (!slot) continue;
      try {
        const at = slot.open.position;
        const n = copyPiece(slot.open, sources[s]!);
        const got = n > 0 && !slot.comparison?.differs ? on('target', () => readSync(slot.open.target, copies[s]!, 0, n, at)) : n;
        if (got !== n) slot.shortReread = true;
        slot.comparison?.piece(sources[s]!.subarray(0, n), copies[s]!, at, got);
        slot.last = n;
        pieces[sourceLane(s)] = sources[s];
        lengths[sourceLane(s)] = n;
        if (paired && !slot.shortReread) {
          pieces[2 * s + 1] = copies[s];
          lengths[2 * s + 1] = n;
        }
        slot.check?.update(sources[s]!.subarray(0, n));
        if (!slot.shortReread) slot.reread?.update(copies[s]!.subarray(0, n));
      } catch (error) {
        fail(s, error);
      }
    }
    feedLanes(md5, pieces, lengths);
    for (let s = 0; s < slotCount; s++) {
      const slot = slots[s];
      if (!slot || (slot.last > 0 && slot.open.position < slot.open.before.size)) continue;
      // The end of this file: its times, its digests, and the next file into the slot.
      try {
        const changed = settleTimes(slot.open);
        const digest = md5.digest(sourceLane(s));
        const reread = slot.comparison ? slot.comparison.result(digest, slot.open.position, on('target', () => fstatSync(slot.open.target).size)) : rereadOf(slot, s);
        results[slot.index] = { type: 'whole', size: slot.open.position, digest, checkDigest: slot.check ? slot.check.digest() : digest, changed, reread };
        slots[s] = undefined;
        close(slot.open);
      } catch (error) {
        fail(s, error);
      }
    }
  }

  /** A hash check's outcome: anything past the end, or a short re-read, and the copy is hashed again whole, so its digest and size are what the file holds. */
  function rereadOf(slot: Slot, s: number): Reread {
    const longer = on('target', () => readSync(slot.open.target, copies[s]!, 0, 1, slot.open.position)) > 0;
    if (slot.shortReread || longer) return on('target', () => hashFd(slot.open.target, batch.piece, method as HashAlgorithm, checkAbort));
    return { digest: slot.reread ? slot.reread.digest() : md5.digest(2 * s + 1), size: slot.open.position };
  }
}

/** A file in hand in copyInLanes. */
interface Slot {
  index: number;
  open: Open;
  /** Bytes of its last piece (0: at its end). */
  last: number;
  /** The re-read of a piece came up short: the copy is hashed again whole at the end. */
  shortReread: boolean;
  /** With a check other than md5: of the source's bytes, and of the re-read copy. */
  check?: Hasher;
  reread?: Hasher;
  /** With 'bytes': where the copy first differs. */
  comparison?: CopyComparison;
}

/** The md5 lanes (Md5Lanes). */
const LANES = 4;

/**
 * Hash each lane's piece (`lengths[lane]` bytes; none where `pieces[lane]` is undefined).
 * The lanes take equal lengths at a time, so where the pieces differ the common part goes
 * first, then the rest of the longer ones.
 */
function feedLanes(md5: Md5Lanes, pieces: (Uint8Array | undefined)[], lengths: number[]): void {
  let done = 0;
  for (;;) {
    let step = Infinity;
    for (let lane = 0; lane < LANES; lane++) if (pieces[lane] && lengths[lane]! > done) step = Math.min(step, lengths[lane]! - done);
    if (step === Infinity) return;
    md5.update(pieces.map((piece, lane) => (piece && lengths[lane]! > done ? piece.subarray(done, done + step) : undefined)));
    done += step;
  }
}

let lanes: Md5Lanes | undefined;
const kept: Buffer[] = [];

/** Read buffer number `which`, kept for the thread's life (one per size in use). */
function pieceBuffer(which: number, size: number): Buffer {
  if (kept[which]?.length !== size) kept[which] = readBuffer(size);
  return kept[which];
}
