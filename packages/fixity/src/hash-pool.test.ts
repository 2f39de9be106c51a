import { appendFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '@avpres/core';
import { followFile } from './follow-file.js';
import { hashBuffer } from './hash.js';
import { HashPool } from './hash-pool.js';

// The pool runs the built worker (dist/hash-worker.js): `npx tsc -b packages/fixity` first.
const pool = new HashPool({ size: 2 });
afterAll(() => pool.close());

function pattern(size: number, seed = 0): Buffer {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = (i * 13 + seed + (i >> 10)) & 0xff;
  return data;
}

describe('followFile', () => {
  it('hashes a file as it grows, reading only what it is told is written, then to the end', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixity-follow-'));
    const file = join(dir, 'growing');
    await writeFile(file, 'abc');
    const follower = followFile(file, { chunkSize: 2 });
    follower.extend(3);
    await appendFile(file, 'def');
    follower.extend(6);
    await appendFile(file, 'gh');
    expect(await follower.finish()).toEqual({ digest: hashBuffer('abcdefgh'), size: 8 });
  });
});

describe('HashPool', () => {
  it('hashes files on worker threads, several at once, with byte counts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixity-pool-'));
    const files = await Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        const data = pattern(300_000 + i, i);
        await writeFile(join(dir, `f${i}`), data);
        return data;
      }),
    );
    let bytes = 0;
    const got = await Promise.all(files.map((_, i) => pool.hashFile(join(dir, `f${i}`), { algorithm: 'sha256', chunkSize: 65536, onBytes: (n) => (bytes += n) })));
    expect(got).toEqual(files.map((d) => ({ digest: hashBuffer(d, 'sha256'), size: d.length })));
    expect(bytes).toBe(files.reduce((n, d) => n + d.length, 0));
    expect((await pool.hashFile(join(dir, 'f0'), { algorithm: 'xxh128' })).digest).toBe(hashBuffer(files[0]!, 'xxh128'));
  });

  it('rebuilds a missing file as an input error naming it', async () => {
    const missing = join(tmpdir(), 'no-such-file-avpres');
    const attempt = pool.hashFile(missing);
    await expect(attempt).rejects.toBeInstanceOf(InputError);
    await expect(pool.hashFile(missing)).rejects.toThrow(missing);
  });
});
