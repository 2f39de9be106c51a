import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvironmentError, InputError } from '@avpres/core';
import { copyPaths } from './copy-paths.js';
import { Journal } from './journal.js';
import { isJunk } from './junk.js';
import { checkFreeSpace, checkNotInside, formatBytes, spaceMargin } from './preflight.js';
import { scanSource } from './scan-source.js';

describe('isJunk', () => {
  it('knows the usual operating-system leftovers, in any case, and nothing else', () => {
    for (const name of ['.DS_Store', 'Thumbs.db', 'THUMBS.DB', 'desktop.ini', '._clip.mov']) expect(isJunk(name), name).toBe(true);
    for (const name of ['clip.mov', '.hidden', '_clip.mov', 'DS_Store', 'a._b']) expect(isJunk(name), name).toBe(false);
  });
});

describe('copyPaths', () => {
  it('puts the copy in the destination and IFI-named manifests beside it, or in a central folder', () => {
    expect(copyPaths('reel_12', '/mnt/a', 'md5')).toEqual({
      target: '/mnt/a/reel_12',
      manifestRoot: '/mnt/a',
      manifest: '/mnt/a/reel_12_manifest.md5',
      sourceManifest: '/mnt/a/reel_12_source_manifest.md5',
    });
    expect(copyPaths('t.mov', '/mnt/a', 'sha256', '/m').manifest).toBe('/m/t.mov_manifest.sha256');
  });
});

describe('preflight', () => {
  it('keeps 2% plus 64 MiB free and refuses more than the disk has', async () => {
    expect(spaceMargin(0)).toBe(64 * 1024 * 1024);
    expect(spaceMargin(1e9)).toBe(2e7 + 64 * 1024 * 1024);
    await expect(checkFreeSpace(tmpdir(), 1000)).resolves.toMatchObject({ needed: 1000 + spaceMargin(1000) });
    await expect(checkFreeSpace(tmpdir(), 1e18)).rejects.toBeInstanceOf(EnvironmentError);
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_234_567)).toBe('1.23 MB');
  });

  it('refuses a destination inside the source, through a symbolic link too', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'copyit-pre-'));
    await mkdir(join(dir, 'src', 'in'), { recursive: true });
    await import('node:fs/promises').then((fs) => fs.symlink(join(dir, 'src', 'in'), join(dir, 'link')));
    await expect(checkNotInside(join(dir, 'src'), join(dir, 'link'), join(dir, 'link', 'src'))).rejects.toBeInstanceOf(InputError);
    await expect(checkNotInside(join(dir, 'src'), join(dir, 'other'), join(dir, 'other', 'src'))).resolves.toBeUndefined();
  });
});

describe('Journal', () => {
  it('reads the finished manifest and the partial journal, ignoring a torn last line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'copyit-journal-'));
    const manifest = join(dir, 'x_manifest.md5');
    await writeFile(manifest, `${'a'.repeat(32)}  x/one\n`);
    await writeFile(`${manifest}.partial`, `${'b'.repeat(32)}  x/two\n${'c'.repeat(20)}`);
    const journal = await Journal.open(manifest);
    expect([...journal.known]).toEqual([
      ['x/one', 'a'.repeat(32)],
      ['x/two', 'b'.repeat(32)],
    ]);
    await journal.record({ path: 'x/three', hash: 'd'.repeat(32) });
    await journal.close();
    expect((await Journal.open(manifest)).known.get('x/three')).toBe('d'.repeat(32));
  });

  it('writes every line recorded at once, each promise kept only once its line is in the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'copyit-journal-'));
    const manifest = join(dir, 'y_manifest.md5');
    const journal = await Journal.open(manifest);
    const hash = (i: number) => i.toString(16).padStart(32, '0');
    const lineOf = (i: number) => `${hash(i)}  y/f${i}\n`;
    const waves = [0, 1, 2].map((w) => Array.from({ length: 50 }, (_, k) => w * 50 + k));
    const recorded = waves.map((wave) =>
      Promise.all(wave.map(async (i) => {
        await journal.record({ path: `y/f${i}`, hash: hash(i) });
        // Kept: the line is already in the file (read at once, before anything else runs).
        expect(readFileSync(`${manifest}.partial`, 'utf8')).toContain(lineOf(i));
      })),
    );
    await Promise.all(recorded);
    await journal.close();
    // Appends made at once may land in any order: the journal is a set of verified files.
    expect((await readFile(`${manifest}.partial`, 'utf8')).split('\n').filter(Boolean).sort()).toEqual(waves.flat().map(lineOf).map((l) => l.trimEnd()).sort());
    expect((await Journal.open(manifest)).known.size).toBe(150);
  });

  it('fails a record whose append fails, naming the journal', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'copyit-journal-'));
    const manifest = join(dir, 'gone', 'z_manifest.md5');
    const journal = await Journal.open(manifest);
    const results = await Promise.allSettled([1, 2, 3].map((i) => journal.record({ path: `z/${i}`, hash: 'e'.repeat(32) })));
    for (const r of results) expect(r.status === 'rejected' && String(r.reason)).toMatch(/z_manifest\.md5\.partial/);
    await journal.close();
  });
});

describe('scanSource', () => {
  it('lists files and empty folders, sets junk aside, and names a missing source', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'copyit-scan-'));
    await mkdir(join(dir, 'R', 'empty'), { recursive: true });
    await writeFile(join(dir, 'R', 'b.dpx'), 'bb');
    await writeFile(join(dir, 'R', 'Thumbs.db'), 'j');
    const scan = await scanSource(join(dir, 'R'));
    expect(scan).toMatchObject({ kind: 'folder', name: 'R', dirs: ['R', 'R/empty'], junk: ['R/Thumbs.db'], bytes: 2 });
    expect(scan.files.map((f) => f.rel)).toEqual(['R/b.dpx']);
    await expect(scanSource(join(dir, 'nope'))).rejects.toThrow(/nope: no such file or folder/);
  });
});
