import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { appendFile, mkdtemp, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { InputError, VerificationError } from '@avpres/core';
import type { CheckMethod } from './compare-copy.js';
import { CopyLanes } from './copy-lanes.js';
import { copyFileVerified } from './copy-verified.js';
import { hashBuffer } from './hash.js';
import { SyncGroup } from './sync-group.js';

// Lanes run the built worker (dist/copy-lane-worker.js): `npx tsc -b packages/fixity` first.
// A 2 MiB ring (16 MiB in use), so that test files wrap it.
// Direct reads from 4 MiB up here (64 MiB outside tests), so the 9 MiB test files take them.
const oneLane = new CopyLanes({ lanes: 1, ringSize: 2 * 1024 * 1024, directReadMin: 4 * 1024 * 1024 });
const twoLanes = new CopyLanes({ lanes: 2, ringSize: 2 * 1024 * 1024 });
afterAll(() => Promise.all([oneLane.close(), twoLanes.close()]));

function pattern(size: number, seed = 0): Buffer {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = (i * 13 + seed + (i >> 10)) & 0xff;
  return data;
}

/** A large file on one lane, as copyFileVerified runs it (the source opened by the caller, or given as a descriptor). */
async function runLane(source: string | number, sourcePath: string, target: string, directRead: boolean, lanes = oneLane) {
  const sourceFd = typeof source === 'number' ? source : openSync(source, 'r');
  const targetFd = openSync(target, 'w');
  try {
    return await lanes.run({ sourcePath, sourceFd, targetFd, targetPath: target, size: fstatSync(sourceFd).size, algorithm: 'md5', directRead });
  } finally {
    if (typeof source !== 'number') closeSync(sourceFd);
    closeSync(targetFd);
  }
}

describe('copy lanes', () => {
  it('copies a file several times the ring size, the re-read following the writer', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixity-lanes-'));
    // Over 8 MiB, so it goes through a lane; wraps its 2 MiB ring four times, ends mid-piece.
    const data = pattern(9 * 1024 * 1024 + 12345);
    await writeFile(join(dir, 'src'), data);
    let copied = 0;
    let verified = 0;
    const result = await copyFileVerified(join(dir, 'src'), join(dir, 'dst'), {
      lanes: oneLane,
      onBytes: (n) => (copied += n),
      onVerifyBytes: (n) => (verified += n),
    });
    expect(result).toEqual({ hash: hashBuffer(data), size: data.length });
    expect([copied, verified]).toEqual([data.length, data.length]);
    expect((await readFile(join(dir, 'dst'))).equals(data)).toBe(true);
  });

  it('reads a large source with O_DIRECT where the file system allows, and through the page cache when told not to', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixity-lanes-'));
    const data = pattern(9 * 1024 * 1024 + 12345);
    await writeFile(join(dir, 'src'), data);
    let supported = true;
    try {
      closeSync(openSync(join(dir, 'src'), constants.O_RDONLY | constants.O_DIRECT));
    } catch {
      supported = false;
    }
    for (const directRead of [true, false]) {
      const target = join(dir, `dst-${directRead}`);
      const result = await runLane(join(dir, 'src'), join(dir, 'src'), target, directRead);
      expect(result.directRead).toBe(directRead && supported);
      expect([result.hash, result.reread.digest, result.size]).toEqual([hashBuffer(data), hashBuffer(data), data.length]);
      expect((await readFile(target)).equals(data)).toBe(true);
    }
    // Below its lanes' directReadMin (the default, 64 MiB): through the page cache, where the read-ahead put it.
    const below = await runLane(join(dir, 'src'), join(dir, 'src'), join(dir, 'dst-below'), true, twoLanes);
    expect([below.directRead, below.hash]).toEqual([false, hashBuffer(data)]);
  });

  it('reads the file it was given, not one since renamed over its path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixity-lanes-'));
    const data = pattern(9 * 1024 * 1024 + 1);
    await writeFile(join(dir, 'src'), data);
    const fd = openSync(join(dir, 'src'), 'r');
    try {
      await writeFile(join(dir, 'other'), pattern(data.length, 7));
      await rename(join(dir, 'other'), join(dir, 'src'));
      const result = await runLane(fd, join(dir, 'src'), join(dir, 'dst'), true);
      expect(result.directRead).toBe(false);
      expect(result.hash).toBe(hashBuffer(data));
    } finally {
      closeSync(fd);
    }
  });

  it('gives every one of many files queued on two lanes its own hash', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixity-lanes-'));
    const sizes = [0, 1, 4095, 262144, 262145, 700_000, 3_000_000, 17, 2_100_000, 9];
    await Promise.all(sizes.map((size, i) => writeFile(join(dir, `s${i}`), pattern(size, i))));
    const group = new SyncGroup(dir);
    const results = await Promise.all(sizes.map((_, i) => copyFileVerified(join(dir, `s${i}`), join(dir, `d${i}`), { lanes: twoLanes, syncGroup: group, syncFolder: false })));
    expect(results).toEqual(sizes.map((size, i) => ({ hash: hashBuffer(pattern(size, i)), size })));
    for (const [i, size] of sizes.entries()) expect((await readFile(join(dir, `d${i}`))).equals(pattern(size, i))).toBe(true);
    expect((await readdir(dir)).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  /**
   * The lane writes `src` through one descriptor and re-reads the path it is given: here
   * another file, `other`, stands for a copy that went wrong. The copy itself must still hold
   * the source's bytes.
   */
  async function runWithCopyAt(dir: string, data: Buffer, other: Buffer, checkAlgorithm?: CheckMethod) {
    await writeFile(join(dir, 'other'), other);
    const sourceFd = openSync(join(dir, 'src'), 'r');
    const targetFd = openSync(join(dir, 'dst'), 'w');
    try {
      const result = await oneLane.run({ sourcePath: join(dir, 'src'), sourceFd, targetFd, targetPath: join(dir, 'other'), size: data.length, algorithm: 'md5', ...(checkAlgorithm ? { checkAlgorithm } : {}) });
      expect([result.hash, result.check, result.size]).toEqual([hashBuffer(data), hashBuffer(data), data.length]);
      expect((await readFile(join(dir, 'dst'))).equals(data)).toBe(true);
      return result.reread;
    } finally {
      closeSync(sourceFd);
      closeSync(targetFd);
    }
  }

  it('hashes the copy as re-read from its path, not the bytes it was given to write', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixity-lanes-'));
    const data = pattern(9 * 1024 * 1024 + 4321);
    await writeFile(join(dir, 'src'), data);
    // Other bytes: same length, longer, shorter.
    for (const other of [pattern(data.length, 9), pattern(data.length + 70_000, 9), pattern(data.length - 3_000_000, 9)]) {
      expect(await runWithCopyAt(dir, data, other)).toEqual({ digest: hashBuffer(other), size: other.length });
    }
  });

  it('compares the copy as re-read from its path byte for byte with the source bytes (check "bytes")', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixity-lanes-'));
    const data = pattern(9 * 1024 * 1024 + 4321);
    await writeFile(join(dir, 'src'), data);
    const flipped = Buffer.from(data);
    flipped[7_000_001]! ^= 1;
    const others = [Buffer.from(data), flipped, pattern(data.length, 9), Buffer.concat([data, Buffer.from('x')]), data.subarray(0, data.length - 3_000_000)];
    for (const other of others) {
      let first = 0;
      while (first < Math.min(data.length, other.length) && data[first] === other[first]) first++;
      const same = first === data.length && other.length === data.length;
      expect(await runWithCopyAt(dir, data, other, 'bytes')).toEqual(same ? { digest: hashBuffer(data), size: data.length } : { digest: '', size: other.length, firstDifference: first });
    }
  });

  it('stops only the small copies whose signal aborted, though several share a thread', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixity-lanes-'));
    const lanes = new CopyLanes({ lanes: 1 });
    onTestFinished(() => lanes.close());
    const sizes = Array.from({ length: 24 }, (_, i) => 1_000_000 + i * 4099);
    await Promise.all(sizes.map((size, i) => writeFile(join(dir, `s${i}`), pattern(size, i))));
    const stop = new AbortController();
    const go = new AbortController();
    // Alternating signals in the queue (all queued at once: the size is given), aborted once
    // the first batch is done: a batch must not mix them (one abort flag per thread).
    const copies = sizes.map((size, i) =>
      copyFileVerified(join(dir, `s${i}`), join(dir, `d${i}`), { lanes, sizeHint: size, signal: i % 2 ? go.signal : stop.signal, onBytes: () => stop.abort() }),
    );
    const settled = await Promise.allSettled(copies);
    for (const [i, result] of settled.entries()) {
      if (i % 2) expect(result).toEqual({ status: 'fulfilled', value: { hash: hashBuffer(pattern(sizes[i]!, i)), size: sizes[i] } });
      else expect(result).toMatchObject({ status: 'rejected', reason: { name: 'InterruptedError' } });
    }
    expect((await readdir(dir)).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('catches a byte flipped in a large copy before its re-read, by the check algorithm', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixity-lanes-'));
    const data = pattern(9 * 1024 * 1024);
    await writeFile(join(dir, 'src'), data);
    const flip = async (partial: string) => {
      const bytes = await readFile(partial);
      expect(bytes.length).toBe(data.length);
      bytes[12345]! ^= 0x80;
      await writeFile(partial, bytes);
    };
    for (const checkAlgorithm of ['md5', 'xxh128', 'bytes'] as const) {
      const attempt = copyFileVerified(join(dir, 'src'), join(dir, 'dst'), { lanes: oneLane, checkAlgorithm, beforeVerify: flip });
      await expect(attempt).rejects.toThrow(checkAlgorithm === 'bytes' ? 'compared byte for byte: first difference at byte 12345)' : `${checkAlgorithm} `);
      await expect(attempt).rejects.toBeInstanceOf(VerificationError);
    }
    expect(await readdir(dir)).toEqual(['src']);
  });

  it('hands a source that is larger than its size hint said over to a lane', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixity-lanes-'));
    const data = pattern(9 * 1024 * 1024 + 1);
    await writeFile(join(dir, 'src'), data);
    await expect(copyFileVerified(join(dir, 'src'), join(dir, 'dst'), { lanes: twoLanes, sizeHint: 10 })).resolves.toEqual({ hash: hashBuffer(data), size: data.length });
    expect((await readFile(join(dir, 'dst'))).equals(data)).toBe(true);
  });

  it('fails a copy that grew after it was written (the re-read reads to the end), leaving nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixity-lanes-'));
    await writeFile(join(dir, 'src'), pattern(600_000));
    const attempt = copyFileVerified(join(dir, 'src'), join(dir, 'dst'), { lanes: oneLane, beforeVerify: (partial) => appendFile(partial, 'x') });
    await expect(attempt).rejects.toBeInstanceOf(VerificationError);
    await expect(attempt).rejects.toThrow(/600001 bytes vs 600000/);
    expect(await readdir(dir)).toEqual(['src']);
  });

  it('checks the re-read with a second algorithm of the source bytes, still returning the md5 of record', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixity-lanes-'));
    const data = pattern(3 * 1024 * 1024 + 7);
    await writeFile(join(dir, 'src'), data);
    const result = await copyFileVerified(join(dir, 'src'), join(dir, 'dst'), { lanes: oneLane, checkAlgorithm: 'xxh128' });
    expect(result).toEqual({ hash: hashBuffer(data), size: data.length });
    const flip = async (partial: string) => {
      const bytes = await readFile(partial);
      bytes[bytes.length >> 1]! ^= 0x01;
      await writeFile(partial, bytes);
    };
    const attempt = copyFileVerified(join(dir, 'src'), join(dir, 'bad'), { lanes: oneLane, checkAlgorithm: 'xxh128', beforeVerify: flip });
    await expect(attempt).rejects.toBeInstanceOf(VerificationError);
    await expect(attempt).rejects.toThrow(`xxh128`);
    await expect(attempt).rejects.toThrow(`${hashBuffer(data, 'xxh128')} from the source`);
    expect((await readdir(dir)).sort()).toEqual(['dst', 'src']);
  });

  it('names a source that cannot be read and keeps the lane usable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixity-lanes-'));
    // A folder opens for reading but fails on read (EISDIR): a read error inside the lane.
    await expect(copyFileVerified(dir, join(dir, 'dst'), { lanes: oneLane })).rejects.toThrow(dir);
    await expect(copyFileVerified(dir, join(dir, 'dst'), { lanes: oneLane })).rejects.toBeInstanceOf(InputError);
    await writeFile(join(dir, 'src'), 'after');
    await expect(copyFileVerified(join(dir, 'src'), join(dir, 'ok'), { lanes: oneLane })).resolves.toEqual({ hash: hashBuffer('after'), size: 5 });
  });
});

describe('SyncGroup', () => {
  it('lets callers that arrive during a flush share the next one, without fsyncing each', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixity-sync-'));
    const group = new SyncGroup(dir);
    let fsyncs = 0;
    await Promise.all(Array.from({ length: 20 }, () => group.flush(async () => void fsyncs++)));
    expect(fsyncs).toBe(process.platform === 'linux' ? 0 : 20);
  });

  it('starts a flush as soon as `batch` callers wait, not after the window', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixity-sync-'));
    // A window far longer than the test's time limit: only the batch can start this flush.
    const group = new SyncGroup(dir, { batch: 3, windowMs: 600_000 });
    let fsyncs = 0;
    await Promise.all(Array.from({ length: 3 }, () => group.flush(async () => void fsyncs++)));
    expect(fsyncs).toBe(process.platform === 'linux' ? 0 : 3);
  });

  it('starts a flush once every ticket holder waits or has given up, not after the window', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixity-sync-'));
    // Batch and window out of reach: only the tickets can start this flush.
    const group = new SyncGroup(dir, { batch: 100, windowMs: 600_000 });
    const tickets = [group.ticket(), group.ticket(), group.ticket()];
    let flushed = 0;
    const waits = tickets.slice(0, 2).map((t) => t.flush(async () => void flushed++).then(() => 'flushed'));
    // Two wait, one holder is still at work: no flush yet.
    expect(await Promise.race([...waits, new Promise((resolve) => setTimeout(() => resolve('waiting'), 300))])).toBe('waiting');
    tickets[2]!.forgo();
    tickets[0]!.forgo(); // already flushing: no effect
    expect(await Promise.all(waits)).toEqual(['flushed', 'flushed']);
    expect(flushed).toBe(process.platform === 'linux' ? 0 : 2);
  });

  it('falls back to the caller own fsync when the file system flush fails', async () => {
    const group = new SyncGroup(join(tmpdir(), 'no such folder for sync'));
    let fsyncs = 0;
    await group.flush(async () => void fsyncs++);
    await group.flush(async () => void fsyncs++);
    expect(fsyncs).toBe(2);
  });
});
