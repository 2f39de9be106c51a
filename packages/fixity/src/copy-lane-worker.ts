// One thread of a copy lane (see copy-lanes.ts). Each task runs as one synchronous loop:
// blocking reads and writes in small pieces cost far less CPU than promise-driven reads
// of large ones (the bytes stay in the CPU cache between the read and the hash), and a
// lane's threads wait on each other through shared memory, not messages.
import { closeSync, constants, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { laneControl, type LaneReply, type LaneShared, type LaneTask } from './lane-control.js';
import { CopyComparison, type Reread } from './compare-copy.js';
import { createHasher } from './hash.js';
import { DIRECT_ALIGN, readBuffer, ringView } from './read-buffer.js';
import { Md5Lanes } from './md5-lanes.js';
import { copySmallFiles, hashFd } from './small-copy.js';

const port = parentPort!;
/** Progress messages at most this often (bytes), so the main thread is not flooded. */
const REPORT_EVERY = 8 * 1024 * 1024;

const shared = workerData as LaneShared;
const control = laneControl(shared.control);
const ring = ringView(shared.ring);

port.on('message', (task: LaneTask) => {
  try {
    if (task.role === 'read') read(task);
    else if (task.role === 'write') write(task);
    else if (task.role === 'hash') hashRing(task);
    else if (task.role === 'follow') follow(task);
    else if (task.role === 'check') check(task);
    else if (task.role === 'compare') compare(task);
    else if (task.role === 'small') send({ type: 'small', results: copySmallFiles(task, checkAbort) });
    else send({ type: 'reread', ...reread(task) });
  } catch (error) {
    // The other threads of the lane must not wait for bytes that will never come.
    if (task.role !== 'small' && task.role !== 'reread') control.setState('failed');
    const e = error as NodeJS.ErrnoException;
    send({ type: 'error', role: task.role, ...(task.role === 'reread' ? { side: 'target' as const } : {}), name: e?.name ?? 'Error', message: e?.message ?? String(error), ...(e?.code ? { code: e.code } : {}) });
  }
});

function send(reply: LaneReply): void {
  port.postMessage(reply);
}

class Interrupted extends Error {
  override name = 'InterruptedError';
}

class LaneFailed extends Error {
  override name = 'LaneFailed';
}

function checkAbort(): void {
  if (control.aborted()) throw new Interrupted('interrupted');
}

/** Wait for `ready`, then throw if the job was aborted or another thread failed. */
function waitFor(ready: () => boolean): void {
  control.waitUntil(() => ready() || control.state() === 'failed');
  if (control.aborted()) throw new Interrupted('interrupted');
  if (control.state() === 'failed') throw new LaneFailed('another part of the copy failed');
}

/**
 * Read the source into the ring as far as the space the writer and the hasher have
 * handed back allows. Reading is all this thread does (apart from the check hash, taken
 * while the piece is in this core's cache), so a cold disk's waits overlap the writing.
 * Where the file system allows, the source is read with O_DIRECT in large pieces (see
 * openDirect); otherwise, or once a direct read is refused, through the page cache.
 */
function read(task: Extract<LaneTask, { role: 'read' }>): void {
  const check = task.checkAlgorithm ? createHasher(task.checkAlgorithm) : undefined;
  const freed = () => Math.min(control.get('hashed'), control.get('written'));
  let direct = task.direct ? openDirect(task.sourcePath, task.sourceFd) : undefined;
  const directPiece = Math.min(DIRECT_PIECE, ring.length / 4);
  let position = 0;
  try {
    while (position < task.size) {
      const piece = direct === undefined ? task.piece : directPiece;
      waitFor(() => ring.length - (position - freed()) >= piece);
      const offset = position % ring.length;
      const want = Math.min(piece, ring.length - offset, task.size - position);
      let got = 0;
      while (got < want) {
        let n: number;
        try {
          // A direct read asks for whole blocks: the last one reaches past the end (and
          // stays inside the free piece); only the bytes wanted are taken.
          n = direct === undefined
            ? readSync(task.sourceFd, ring, offset + got, want - got, position + got)
            : Math.min(want - got, readSync(direct, ring, offset + got, roundUp(want - got), position + got));
        } catch (error) {
          if (direct === undefined || (error as NodeJS.ErrnoException).code !== 'EINVAL') throw error;
          // Memory or offset not as O_DIRECT wants them here: go on through the page cache.
          closeSync(direct);
          direct = undefined;
          continue;
        }
        if (n === 0) break;
        got += n;
      }
      // Shorter than it was at the start: the caller's size check names the file.
      if (got === 0) break;
      check?.update(ring.subarray(offset, offset + got));
      position += got;
      control.set('read', position);
      if (got < want) break;
    }
  } finally {
    if (direct !== undefined) closeSync(direct);
  }
  control.setReadDone();
  send({ type: 'read', size: position, direct: task.direct && direct !== undefined, ...(check ? { checkDigest: check.digest() } : {}) });
}

/**
 * Bytes per direct read. Each is one round trip to the disk, which the kernel splits into
 * requests it sends at once: on this machine's disk, cold, 16 MiB reads ran at 1,260 MiB/s
 * and 4 MiB ones at 460 MiB/s, below what the md5 takes (about 580 MiB/s).
 */
const DIRECT_PIECE = 16 * 1024 * 1024;

function roundUp(n: number): number {
  return Math.ceil(n / DIRECT_ALIGN) * DIRECT_ALIGN;
}

/**
 * The source opened again, with O_DIRECT: read so, it goes from the disk into the ring
 * without passing through the page cache, which saves the kernel copying every byte (and,
 * on this VM, the far dearer first touch of the memory the cache would fill). Undefined
 * where the file system refuses O_DIRECT, or when the path no longer names the file the
 * caller opened (the caller's descriptor is then read as before).
 */
function openDirect(path: string, fd: number): number | undefined {
  let direct: number;
  try {
    direct = openSync(path, constants.O_RDONLY | constants.O_DIRECT);
  } catch {
    return undefined;
  }
  const opened = fstatSync(fd);
  const now = fstatSync(direct);
  if (now.ino === opened.ino && now.dev === opened.dev) return direct;
  closeSync(direct);
  return undefined;
}

/**
 * Take what the reader put in the ring, in order and in pieces, publishing under `mark`
 * how far this thread got (the reader reuses space both consumers have passed).
 * Returns the number of bytes taken.
 */
function consumeRing(piece: number, mark: 'written' | 'hashed', use: (offset: number, length: number, position: number) => void): number {
  let position = 0;
  for (;;) {
    waitFor(() => control.get('read') > position || control.readDone());
    const available = control.get('read') - position;
    if (available === 0) return position;
    const offset = position % ring.length;
    const length = Math.min(available, ring.length - offset, piece);
    use(offset, length, position + length);
    position += length;
    control.set(mark, position);
  }
}

/** Write what was read to the copy, in order. */
function write(task: Extract<LaneTask, { role: 'write' }>): void {
  let reported = 0;
  const size = consumeRing(task.piece, 'written', (offset, length, position) => {
    let written = 0;
    while (written < length) written += writeSync(task.targetFd, ring, offset + written, length - written);
    if (position - reported >= REPORT_EVERY) {
      send({ type: 'progress', role: 'write', bytes: position - reported, position });
      reported = position;
    }
  });
  control.setState('copied');
  send({ type: 'written', size, bytes: size - reported });
}

/** Hash what was read (the source's bytes), in order. */
function hashRing(task: Extract<LaneTask, { role: 'hash' }>): void {
  const hasher = createHasher(task.algorithm);
  const size = consumeRing(task.piece, 'hashed', (offset, length) => hasher.update(ring.subarray(offset, offset + length)));
  send({ type: 'hashed', digest: hasher.digest(), size });
}

/** Re-read the copy as it is written (through its own file descriptor) and hash it. */
function follow(task: Extract<LaneTask, { role: 'follow' }>): void {
  const buffer = readBuffer(task.chunkSize);
  const hasher = createHasher(task.algorithm);
  const fd = openSync(task.path, 'r');
  let position = 0;
  let reported = 0;
  try {
    for (;;) {
      waitFor(() => control.get('written') > position || control.state() === 'copied');
      const copied = control.state() === 'copied';
      // Once the copy is over, read to the end of the file, whatever its length now.
      const limit = copied ? buffer.length : Math.min(buffer.length, control.get('written') - position);
      const n = readSync(fd, buffer, 0, limit, position);
      if (n === 0) {
        if (copied) break;
        continue;
      }
      hasher.update(buffer.subarray(0, n));
      position += n;
      if (position - reported >= REPORT_EVERY) {
        send({ type: 'progress', role: 'follow', bytes: position - reported, position });
        reported = position;
      }
    }
  } finally {
    closeSync(fd);
  }
  send({ type: 'followed', digest: hasher.digest(), size: position, bytes: position - reported });
}

/**
 * md5 of the source's bytes (from the ring) and of the copy (re-read through its own
 * descriptor, right behind the writer) on two lanes of one SIMD md5: for about two thirds of
 * the CPU of two md5s on node:crypto, and one thread where those took two.
 */
function check(task: Extract<LaneTask, { role: 'check' }>): void {
  const md5 = (checkLanes ??= new Md5Lanes(2));
  md5.reset(0);
  md5.reset(1);
  const piece = Math.min(task.piece, md5.region(0).length);
  const source = md5.region(0).subarray(0, piece);
  const copy = md5.region(1).subarray(0, piece);
  const fd = openSync(task.path, 'r');
  let reported = 0;
  let short = false;
  try {
    const size = consumeRing(piece, 'hashed', (offset, length, position) => {
      // Only what the writer has passed: the copy holds it now.
      waitFor(() => control.get('written') >= position || control.state() === 'copied');
      source.set(ring.subarray(offset, offset + length));
      const n = short ? 0 : readSync(fd, copy, 0, length, position - length);
      if (n !== length) short = true;
      md5.update([source.subarray(0, length), short ? undefined : copy.subarray(0, length)]);
      if (position - reported >= REPORT_EVERY) {
        send({ type: 'progress', role: 'follow', bytes: position - reported, position });
        reported = position;
      }
    });
    // The copy is re-read to its end as it is now: longer, or short somewhere, and it is
    // hashed again whole, so the digest and size given are what it holds.
    waitFor(() => control.state() === 'copied');
    const longer = !short && readSync(fd, copy, 0, 1, size) > 0;
    const reread = short || longer ? hashFd(fd, piece, 'md5', checkAbort) : { digest: md5.digest(1), size };
    send({ type: 'checked', digest: md5.digest(0), size, reread, bytes: reread.size - reported });
  } finally {
    closeSync(fd);
  }
}

let checkLanes: Md5Lanes | undefined;

/**
 * Hash the source's bytes (from the ring) and compare the copy, re-read through its own
 * descriptor right behind the writer, with them byte for byte. One md5 where 'check' takes
 * two: a 2 GB copy went from 6.4-6.7 s to 5.6-6.1 s, and 1.5 CPU-seconds less.
 */
function compare(task: Extract<LaneTask, { role: 'compare' }>): void {
  const hasher = createHasher(task.algorithm);
  const copy = readBuffer(task.piece);
  const comparison = new CopyComparison();
  const fd = openSync(task.path, 'r');
  let reported = 0;
  try {
    const size = consumeRing(task.piece, 'hashed', (offset, length, position) => {
      // Only what the writer has passed: the copy holds it now.
      waitFor(() => control.get('written') >= position || control.state() === 'copied');
      const source = ring.subarray(offset, offset + length);
      hasher.update(source);
      // Once a difference is found the copy has failed: the rest is only hashed.
      if (!comparison.differs) comparison.piece(source, copy, position - length, readSync(fd, copy, 0, length, position - length));
      if (position - reported >= REPORT_EVERY) {
        send({ type: 'progress', role: 'follow', bytes: position - reported, position });
        reported = position;
      }
    });
    waitFor(() => control.state() === 'copied');
    const digest = hasher.digest();
    // The copy's size as it is now: longer or shorter than the source, and it differs.
    const reread = comparison.result(digest, size, fstatSync(fd).size);
    send({ type: 'checked', digest, size, reread, bytes: size - reported });
  } finally {
    closeSync(fd);
  }
}

/** A copy by name (re-read apart, after a test's hook): hashed, or compared with its source. */
function reread(task: Extract<LaneTask, { role: 'reread' }>): Reread {
  const fd = openSync(task.path, 'r');
  try {
    return task.compareWith === undefined ? hashFd(fd, task.piece, task.algorithm, checkAbort) : compareFds(fd, task.compareWith, task.piece);
  } finally {
    closeSync(fd);
  }
}

/** The copy open at `fd` against the file at `sourcePath`, byte for byte (digest left ''). */
function compareFds(fd: number, sourcePath: string, piece: number): Reread {
  const source = openSync(sourcePath, 'r');
  try {
    const a = readBuffer(piece);
    const b = readBuffer(piece);
    const comparison = new CopyComparison();
    let position = 0;
    for (;;) {
      checkAbort();
      const n = readSync(source, a, 0, piece, position);
      if (n === 0) break;
      comparison.piece(a.subarray(0, n), b, position, readSync(fd, b, 0, n, position));
      position += n;
      if (comparison.differs) break;
    }
    return comparison.result('', fstatSync(source).size, fstatSync(fd).size);
  } finally {
    closeSync(source);
  }
}
