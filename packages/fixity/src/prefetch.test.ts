import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { DIRECT_READ_MIN } from './copy-lanes.js';
import { Prefetcher } from './prefetch.js';

// The prefetcher runs the built worker (dist/prefetch-worker.js): `npx tsc -b packages/fixity` first.
// FIFOs stand in for files so the test sees when the prefetcher opens each one: a FIFO can
// be opened for writing without blocking only once a reader has it open.

/** Open `fifo` for writing once its reader (the prefetcher) has opened it; undefined if not within `ms`. */
async function whenOpened(fifo: string, ms: number): Promise<number | undefined> {
  for (const start = Date.now(); Date.now() - start < ms; await sleep(10)) {
    try {
      return openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
    }
  }
  return undefined;
}

function feed(fd: number, bytes: number): void {
  writeSync(fd, Buffer.alloc(bytes, 1));
  closeSync(fd);
}

describe('Prefetcher', () => {
  it('reads the files in order, no further ahead of the copy than it is allowed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixity-prefetch-'));
    const [a, b, c] = ['a', 'b', 'c'].map((n) => join(dir, n)) as [string, string, string];
    await writeFile(a, Buffer.alloc(10));
    execFileSync('mkfifo', [b, c]);
    const prefetch = new Prefetcher(
      [a, b, c].map((path) => ({ path, size: 10 })),
      15,
    );
    try {
      // a read (10 bytes ahead, within 15): it goes on to b.
      const fb = await whenOpened(b, 10_000);
      expect(fb).toBeDefined();
      feed(fb!, 10);
      // Now 20 bytes ahead of a copy that has consumed nothing: it must not open c.
      const early = await whenOpened(c, 300);
      if (early !== undefined) closeSync(early); // (so a failure here does not leave its read hanging)
      expect(early).toBeUndefined();
      prefetch.consumed(10); // 10 ahead: it may go on
      const fc = await whenOpened(c, 10_000);
      expect(fc).toBeDefined();
      feed(fc!, 10);
    } finally {
      await prefetch.close();
    }
  });

  it('with nothing to read, starts no thread and closes at once', async () => {
    const prefetch = new Prefetcher([]);
    expect(prefetch.reading).toBe(false);
    await prefetch.close();
  });

  it('passes over files it cannot read, and stops when closed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixity-prefetch-'));
    const last = join(dir, 'last');
    execFileSync('mkfifo', [last]);
    const prefetch = new Prefetcher([{ path: join(dir, 'missing'), size: 5 }, { path: last, size: 5 }]);
    const fd = await whenOpened(last, 10_000);
    expect(fd).toBeDefined();
    closeSync(fd!);
    await prefetch.close();
  });

  it('passes over files a copy lane reads for itself, counting their bytes as passed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixity-prefetch-'));
    const [big, next] = ['big', 'next'].map((n) => join(dir, n)) as [string, string];
    execFileSync('mkfifo', [big, next]);
    // Within its distance only if the large file's bytes are counted as passed unread.
    const prefetch = new Prefetcher([{ path: big, size: DIRECT_READ_MIN }, { path: next, size: 10 }], DIRECT_READ_MIN + 20);
    try {
      const fn = await whenOpened(next, 10_000);
      expect(fn).toBeDefined();
      feed(fn!, 10);
      const opened = await whenOpened(big, 100);
      if (opened !== undefined) closeSync(opened);
      expect(opened).toBeUndefined();
    } finally {
      await prefetch.close();
    }
  });

  it('keeps within its distance inside a large file too, and says when it is reading', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixity-prefetch-'));
    const big = join(dir, 'big');
    execFileSync('mkfifo', [big]);
    const size = 1024 * 1024;
    const prefetch = new Prefetcher([{ path: big, size }], 300 * 1024);
    let fd: number | undefined;
    try {
      fd = await whenOpened(big, 10_000);
      expect(fd).toBeDefined();
      // Offer it the whole "file": it takes about its distance (plus what the pipe holds), then stops.
      let accepted = 0;
      const offer = async (until: number, patienceMs: number) => {
        for (let idle = 0; accepted < until && idle < patienceMs; ) {
          try {
            accepted += writeSync(fd!, Buffer.alloc(Math.min(64 * 1024, until - accepted), 1));
            idle = 0;
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
            await sleep(20);
            idle += 20;
          }
        }
      };
      await offer(size, 500);
      expect(accepted).toBeGreaterThan(0);
      expect(accepted).toBeLessThan(size);
      expect(prefetch.reading).toBe(false);
      prefetch.consumed(size); // the copy caught up: it reads the rest
      await offer(size, 10_000);
      expect(accepted).toBe(size);
    } finally {
      // Its read of the pipe ends once the writing end is closed (a thread blocked in a read cannot be stopped).
      if (fd !== undefined) closeSync(fd);
      await prefetch.close();
    }
  });
});
