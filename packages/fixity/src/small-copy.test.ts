import { createHash } from 'node:crypto';
import { mkdtemp, readFile, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashBuffer } from './hash.js';
import { copySmallFiles, type SmallBatch, type SmallFile } from './small-copy.js';

const md5 = (data: Uint8Array) => createHash('md5').update(data).digest('hex');
const PIECE = 256 * 1024;
const never = () => undefined;

function pattern(size: number, seed: number): Buffer {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = (i * 31 + seed * 7 + (i >> 9)) & 0xff;
  return data;
}

async function sources(sizes: number[]): Promise<{ dir: string; files: SmallFile[]; data: Buffer[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'fixity-small-'));
  const data = sizes.map((size, i) => pattern(size, i));
  const files: SmallFile[] = [];
  for (const [i, bytes] of data.entries()) {
    await writeFile(join(dir, `src-${i}`), bytes);
    files.push({ source: join(dir, `src-${i}`), partial: join(dir, `dst-${i}.partial`), preserveMtime: true, verify: true });
  }
  return { dir, files, data };
}

const batchOf = (files: SmallFile[], extra: Partial<SmallBatch> = {}): SmallBatch => ({ files, maxSize: 8 * 1024 * 1024, piece: PIECE, algorithm: 'md5', checkAlgorithm: 'md5', ...extra });

describe('copySmallFiles', () => {
  // Sizes around the md5 block (64), the piece (256 KiB) and several pieces, so that the two
  // files in hand end at different points and each slot takes new files at odd moments.
  const sizes = [0, 1, 63, 64, 65, PIECE - 1, PIECE, PIECE + 1, 700_001, 3 * 1024 * 1024 + 17, 5, 128 * 1024];

  it('copies every file of a batch, hashing source and re-read copy, two files at a time', async () => {
    const { files, data } = await sources(sizes);
    const results = copySmallFiles(batchOf(files), never);
    for (const [i, result] of results.entries()) {
      const expected = md5(data[i]!);
      expect(result, `file ${i} (${sizes[i]} bytes)`).toEqual({ type: 'whole', size: sizes[i], digest: expected, checkDigest: expected, changed: false, reread: { digest: expected, size: sizes[i] } });
      expect((await readFile(files[i]!.partial)).equals(data[i]!)).toBe(true);
    }
  });

  it('gives the same answers with another check algorithm (four files at a time)', async () => {
    const { files, data } = await sources(sizes);
    const results = copySmallFiles(batchOf(files, { checkAlgorithm: 'xxh128' }), never);
    for (const [i, result] of results.entries()) {
      const check = hashBuffer(data[i]!, 'xxh128');
      expect(result).toEqual({ type: 'whole', size: sizes[i], digest: md5(data[i]!), checkDigest: check, changed: false, reread: { digest: check, size: sizes[i] } });
    }
  });

  it.each(['md5', 'sha256'] as const)('compares every byte of each copy as re-read, with check "bytes" (md5 of record: four at a time; %s)', async (algorithm) => {
    const { files, data } = await sources(sizes);
    const results = copySmallFiles(batchOf(files, { algorithm, checkAlgorithm: 'bytes' }), never);
    for (const [i, result] of results.entries()) {
      const digest = hashBuffer(data[i]!, algorithm);
      expect(result, `file ${i} (${sizes[i]} bytes)`).toEqual({ type: 'whole', size: sizes[i], digest, checkDigest: digest, changed: false, reread: { digest, size: sizes[i] } });
      expect((await readFile(files[i]!.partial)).equals(data[i]!)).toBe(true);
    }
  });

  it.each(['md5', 'sha256'] as const)('finds where a copy that reads back otherwise first differs (check "bytes", %s of record)', async (algorithm) => {
    const { dir, files, data } = await sources([300_000, 700_001, 1000, 64]);
    // File 1 starts with zeros past the first piece, and its partial reads back as zeros
    // whatever was written: it stands for a copy gone wrong.
    data[1] = Buffer.concat([Buffer.alloc(PIECE + 4321), data[1]!]);
    await writeFile(files[1]!.source, data[1]);
    await symlink('/dev/zero', join(dir, 'zero.partial'));
    files[1] = { ...files[1]!, partial: join(dir, 'zero.partial'), preserveMtime: false };
    const results = copySmallFiles(batchOf(files, { algorithm, checkAlgorithm: 'bytes' }), never);
    const firstNonZero = data[1]!.findIndex((b) => b !== 0);
    expect(firstNonZero).toBeGreaterThan(PIECE + 4320);
    expect(results[1]).toEqual({ type: 'whole', size: data[1].length, digest: hashBuffer(data[1]!, algorithm), checkDigest: hashBuffer(data[1]!, algorithm), changed: false, reread: { digest: '', size: 0, firstDifference: firstNonZero } });
    for (const i of [0, 2, 3]) expect(results[i]).toMatchObject({ reread: { digest: hashBuffer(data[i]!, algorithm), size: data[i]!.length } });
  });

  it.each(['md5', 'xxh128', 'bytes'] as const)('answers a failed file with its side and reason, and copies the rest (check %s)', async (checkAlgorithm) => {
    const { dir, files, data } = await sources([1000, 300_000, 2000, 5000, 600_000, 7]);
    files[1] = { ...files[1]!, source: join(dir, 'missing') };
    files[2] = { ...files[2]!, partial: join(dir, 'no-such-folder', 'dst.partial') };
    const results = copySmallFiles(batchOf(files, { checkAlgorithm }), never);
    expect(results[1]).toMatchObject({ type: 'failed', side: 'source', code: 'ENOENT' });
    expect(results[2]).toMatchObject({ type: 'failed', side: 'target', code: 'ENOENT' });
    for (const i of [0, 3, 4, 5]) expect(results[i]).toMatchObject({ type: 'whole', digest: md5(data[i]!), reread: { digest: hashBuffer(data[i]!, checkAlgorithm === 'bytes' ? 'md5' : checkAlgorithm) } });
  });

  it('leaves a source over the size limit alone, and copies the others', async () => {
    const { files, data } = await sources([10, 5000, 20]);
    const results = copySmallFiles(batchOf(files, { maxSize: 1000 }), never);
    expect(results.map((r) => r.type)).toEqual(['whole', 'too-big', 'whole']);
    expect(results[1]).toEqual({ type: 'too-big', size: 5000 });
    expect(results[2]).toMatchObject({ digest: md5(data[2]!) });
  });

  it('leaves the re-read to a later task when asked, and gives the copy its source time', async () => {
    const { files, data } = await sources([70_000, 90_000]);
    await utimes(files[0]!.source, new Date('2001-02-03T04:05:06Z'), new Date('2001-02-03T04:05:06Z'));
    files[1] = { ...files[1]!, verify: false, preserveMtime: false };
    const results = copySmallFiles(batchOf(files), never);
    expect(results[0]).toMatchObject({ type: 'whole', reread: { digest: md5(data[0]!) } });
    expect(results[1]).toEqual({ type: 'whole', size: 90_000, digest: md5(data[1]!), checkDigest: md5(data[1]!), changed: false });
    expect((await stat(files[0]!.partial)).mtime.toISOString()).toBe('2001-02-03T04:05:06.000Z');
  });

  it('stops the whole batch when told to', async () => {
    const { files } = await sources([PIECE * 3, PIECE * 3]);
    let calls = 0;
    const abort = () => {
      if (++calls > 2) throw Object.assign(new Error('interrupted'), { name: 'InterruptedError' });
    };
    expect(() => copySmallFiles(batchOf(files), abort)).toThrow('interrupted');
  });
});
