import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { partialPath, renameIntoPlace, writeFileAtomic } from './atomic-write.js';

describe('writeFileAtomic', () => {
  it('writes the file under its final name and leaves no partial', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixity-atomic-'));
    const file = join(dir, 'a b é.md5');
    await writeFile(file, 'old');
    await writeFileAtomic(file, 'new contents\n');
    expect(await readFile(file, 'utf8')).toBe('new contents\n');
    expect(await readdir(dir)).toEqual(['a b é.md5']);
  });

  it('removes the partial when the write fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixity-atomic-'));
    const file = join(dir, 'missing-folder', 'x');
    await expect(writeFileAtomic(file, 'x')).rejects.toThrow(/ENOENT/);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('partialPath / renameIntoPlace', () => {
  it('appends .partial and renames it into place', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixity-atomic-'));
    const final = join(dir, 'out.mkv');
    expect(partialPath(final)).toBe(`${final}.partial`);
    await writeFile(partialPath(final), 'data');
    await renameIntoPlace(partialPath(final), final);
    expect(await readdir(dir)).toEqual(['out.mkv']);
  });
});
