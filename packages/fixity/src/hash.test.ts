import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { InterruptedError } from '@avpres/core';
import { createHasher, hashBuffer, hashFile } from './hash.js';

describe('hashBuffer', () => {
  it('gives the known digests of "abc"', () => {
    expect(hashBuffer('abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(hashBuffer('abc', 'sha256')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashBuffer('abc', 'sha512')).toMatch(/^ddaf35a193617aba/);
    // XXH3-128 of "abc", seed 0 (xxhash reference vectors).
    expect(hashBuffer('abc', 'xxh128')).toBe('06b05ab6733a618578af5f94892f3950');
  });

  it('hashes the empty input', () => {
    expect(hashBuffer(new Uint8Array())).toBe('d41d8cd98f00b204e9800998ecf8427e');
  });
});

describe('createHasher', () => {
  it('keeps interleaved xxh128 hashers independent', () => {
    const a = createHasher('xxh128');
    const b = createHasher('xxh128');
    a.update(Buffer.from('ab'));
    b.update(Buffer.from('xyz'));
    a.update(Buffer.from('c'));
    expect(a.digest()).toBe(hashBuffer('abc', 'xxh128'));
    expect(b.digest()).toBe(hashBuffer('xyz', 'xxh128'));
  });
});

describe('hashFile', () => {
  it('matches md5sum on a file spanning several chunks, and counts bytes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixity-hash-'));
    const file = join(dir, 'data.bin');
    const data = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 11)) & 0xff;
    await writeFile(file, data);
    let counted = 0;
    const got = await hashFile(file, { chunkSize: 1024 * 1024, onBytes: (n) => (counted += n) });
    expect(got.size).toBe(data.length);
    expect(counted).toBe(data.length);
    expect(got.digest).toBe(execFileSync('md5sum', [file]).toString().split(' ')[0]);
    for (const algorithm of ['sha256', 'sha512', 'xxh128'] as const) {
      expect((await hashFile(file, { algorithm, chunkSize: 1024 * 1024 })).digest).toBe(hashBuffer(data, algorithm));
    }
  });

  it('throws InterruptedError when aborted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixity-hash-'));
    const file = join(dir, 'x');
    await writeFile(file, 'x');
    await expect(hashFile(file, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(InterruptedError);
  });
});
