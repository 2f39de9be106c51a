import { execFileSync } from 'node:child_process';
import { appendFileSync, constants, openSync } from 'node:fs';
import { mkdtemp, open, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { InputError, InterruptedError, VerificationError } from '@avpres/core';
import { copyFileVerified, fileMatches } from './copy-verified.js';
import { hashBuffer } from './hash.js';

async function workDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'fixity-copy-'));
}

function pattern(size: number): Buffer {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = (i * 7 + (i >> 9)) & 0xff;
  return data;
}

async function flipMiddleByte(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  const { size } = await handle.stat();
  const one = Buffer.alloc(1);
  await handle.read(one, 0, 1, size >> 1);
  one[0] = one[0]! ^ 0xff;
  await handle.write(one, 0, 1, size >> 1);
  await handle.close();
}

describe('copyFileVerified', () => {
  it('copies in several chunks, returns the source hash, keeps the mtime, leaves no partial', async () => {
    const dir = await workDir();
    const src = join(dir, 'src file.bin');
    const data = pattern(2 * 1024 * 1024 + 5);
    await writeFile(src, data);
    await utimes(src, new Date('2001-02-03T04:05:06.789Z'), new Date('2001-02-03T04:05:06.789Z'));
    let copied = 0;
    let verified = 0;
    const dst = join(dir, 'out', '..', '-copy.bin');
    const result = await copyFileVerified(src, dst, {
      onBytes: (n) => (copied += n),
      onVerifyBytes: (n) => (verified += n),
    });
    expect(result).toEqual({ hash: hashBuffer(data), size: data.length });
    expect(copied).toBe(data.length);
    expect(verified).toBe(data.length);
    expect((await readFile(dst)).equals(data)).toBe(true);
    expect((await stat(dst)).mtimeMs).toBe((await stat(src)).mtimeMs);
    expect((await readdir(dir)).sort()).toEqual(['-copy.bin', 'src file.bin']);
    expect(execFileSync('md5sum', ['--', src]).toString().slice(0, 32)).toBe(result.hash);
  });

  it('copies an empty file', async () => {
    const dir = await workDir();
    await writeFile(join(dir, 'empty'), '');
    expect(await copyFileVerified(join(dir, 'empty'), join(dir, 'copy'), { algorithm: 'xxh128' })).toEqual({ hash: hashBuffer('', 'xxh128'), size: 0 });
    expect((await stat(join(dir, 'copy'))).size).toBe(0);
  });

  it('fails verification naming the file when the copy is corrupted before the re-read, and removes the partial', async () => {
    const dir = await workDir();
    await writeFile(join(dir, 'src'), pattern(100_000));
    const dst = join(dir, 'dst');
    const attempt = copyFileVerified(join(dir, 'src'), dst, { beforeVerify: flipMiddleByte });
    await expect(attempt).rejects.toBeInstanceOf(VerificationError);
    // By default the copy is compared byte for byte, and the error says where it differs.
    await expect(copyFileVerified(join(dir, 'src'), dst, { beforeVerify: flipMiddleByte })).rejects.toThrow(
      /dst: the copy differs from its source \(re-read and compared byte for byte: first difference at byte 50000\)/,
    );
    await expect(copyFileVerified(join(dir, 'src'), dst, { checkAlgorithm: 'md5', beforeVerify: flipMiddleByte })).rejects.toThrow(/dst: the copy differs from its source \(md5 [0-9a-f]{32} re-read/);
    expect(await readdir(dir)).toEqual(['src']);
  });

  it('refuses a source that grows while it is copied (still being written), leaving nothing', async () => {
    const dir = await workDir();
    const src = join(dir, 'growing.mov');
    // Large enough for a lane, whose progress reports arrive while it copies (a small file
    // is copied whole on one thread, which takes its second look at the source itself).
    await writeFile(src, pattern(20 * 1024 * 1024));
    let appended = false;
    const attempt = copyFileVerified(src, join(dir, 'copy.mov'), {
      onBytes: () => {
        if (!appended) appendFileSync(src, 'more');
        appended = true;
      },
    });
    await expect(attempt).rejects.toThrow(/growing\.mov changed while it was being copied/);
    await expect(attempt).rejects.toBeInstanceOf(InputError);
    expect(await readdir(dir)).toEqual(['growing.mov']);
  });

  it('refuses a small source that grows while its one thread copies it, leaving nothing', async () => {
    const dir = await workDir();
    const src = join(dir, 'growing.wav');
    // Small, so one thread copies it whole and stats the source before and after, both before
    // beforeVerify runs; but several times a pipe's buffer (16 pages: 64 KiB, 1 MiB at most).
    const data = pattern(4 * 1024 * 1024);
    await writeFile(src, data);
    const dst = join(dir, 'copy.wav');
    const partial = `${dst}.partial`;
    // The window between the two stats: a FIFO under the partial's name holds the thread's
    // writes until this test reads them, so its first bytes arrive long before the last are
    // written. Opened read-write and non-blocking, so nothing here waits for the other end.
    execFileSync('mkfifo', [partial]);
    const fifo = new Socket({ fd: openSync(partial, constants.O_RDWR | constants.O_NONBLOCK), readable: true, writable: false });
    onTestFinished(() => void fifo.destroy());
    let grown = false;
    fifo.on('data', () => {
      if (!grown) appendFileSync(src, 'more');
      grown = true;
    });
    const attempt = copyFileVerified(src, dst, {
      // The thread has written all it read: put its bytes in a regular file for the re-read,
      // so the change is the only thing wrong with this copy.
      beforeVerify: async (file) => {
        await rm(file);
        await writeFile(file, data);
      },
    });
    await expect(attempt).rejects.toThrow(`${src} changed while it was being copied`);
    await expect(attempt).rejects.toBeInstanceOf(InputError);
    expect(grown).toBe(true);
    expect(await readdir(dir)).toEqual(['growing.wav']);
  });

  it('checks an expected hash', async () => {
    const dir = await workDir();
    await writeFile(join(dir, 'src'), 'abc');
    await expect(copyFileVerified(join(dir, 'src'), join(dir, 'a'), { expectedHash: hashBuffer('abd') })).rejects.toBeInstanceOf(VerificationError);
    await expect(copyFileVerified(join(dir, 'src'), join(dir, 'b'), { expectedHash: hashBuffer('abc').toUpperCase() })).resolves.toMatchObject({ size: 3 });
    expect((await readdir(dir)).sort()).toEqual(['b', 'src']);
  });

  it('refuses a missing source with an input error and an abort with an interrupted error', async () => {
    const dir = await workDir();
    await expect(copyFileVerified(join(dir, 'nope'), join(dir, 'x'))).rejects.toBeInstanceOf(InputError);
    await writeFile(join(dir, 'src'), pattern(3 * 1024 * 1024));
    const controller = new AbortController();
    const attempt = copyFileVerified(join(dir, 'src'), join(dir, 'x'), {
      signal: controller.signal,
      onBytes: () => controller.abort(),
    });
    await expect(attempt).rejects.toBeInstanceOf(InterruptedError);
    expect(await readdir(dir)).toEqual(['src']);
  });

  it('replaces an existing destination only once the new copy is verified', async () => {
    const dir = await workDir();
    await writeFile(join(dir, 'src'), 'new');
    await writeFile(join(dir, 'dst'), 'old');
    await expect(copyFileVerified(join(dir, 'src'), join(dir, 'dst'), { beforeVerify: flipMiddleByte })).rejects.toThrow();
    expect(await readFile(join(dir, 'dst'), 'utf8')).toBe('old');
    await copyFileVerified(join(dir, 'src'), join(dir, 'dst'));
    expect(await readFile(join(dir, 'dst'), 'utf8')).toBe('new');
  });
});

describe('fileMatches', () => {
  it('re-hashes rather than trusting the size', async () => {
    const dir = await workDir();
    await writeFile(join(dir, 'f'), 'abc');
    expect(await fileMatches(join(dir, 'f'), { hash: hashBuffer('abc'), size: 3 })).toBe(true);
    expect(await fileMatches(join(dir, 'f'), { hash: hashBuffer('abd'), size: 3 })).toBe(false);
    expect(await fileMatches(join(dir, 'missing'), { hash: hashBuffer('abc') })).toBe(false);
  });
});
