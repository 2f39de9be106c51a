import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '@avpres/core';
import {
  compareManifests,
  formatManifest,
  manifestOfFolder,
  parseManifest,
  readManifest,
  verifyFolder,
  writeManifest,
} from './manifest.js';

const MD5_EMPTY = 'd41d8cd98f00b204e9800998ecf8427e';
const MD5_ABC = '900150983cd24fb0d6963f7d28e17f72';

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fixity-manifest-'));
  for (const [rel, data] of Object.entries(files)) {
    await mkdir(join(dir, rel, '..'), { recursive: true });
    await writeFile(join(dir, rel), data);
  }
  return dir;
}

describe('formatManifest / parseManifest', () => {
  it('writes md5sum lines sorted by the bytes of the path and reads them back', () => {
    const entries = [
      { path: 'b/é.txt', hash: MD5_ABC },
      { path: 'B.txt', hash: MD5_EMPTY.toUpperCase() },
      { path: 'a b/-x', hash: MD5_ABC },
    ];
    const text = formatManifest(entries);
    expect(text).toBe(`${MD5_EMPTY}  B.txt\n${MD5_ABC}  a b/-x\n${MD5_ABC}  b/é.txt\n`);
    expect(parseManifest(text)).toEqual([
      { path: 'B.txt', hash: MD5_EMPTY },
      { path: 'a b/-x', hash: MD5_ABC },
      { path: 'b/é.txt', hash: MD5_ABC },
    ]);
  });

  it('accepts the binary marker, CRLF, a BOM and a trailing blank line', () => {
    expect(parseManifest(`\uFEFF${MD5_ABC} *x.bin\r\n${MD5_EMPTY}  ./y z\r\n\r\n`)).toEqual([
      { path: 'x.bin', hash: MD5_ABC },
      { path: 'y z', hash: MD5_EMPTY },
    ]);
  });

  it('rejects a malformed line, naming its number', () => {
    expect(() => parseManifest(`${MD5_ABC}  ok\nnot a hash line\n`)).toThrow(/line 2/);
    expect(() => parseManifest(`${MD5_ABC}  ok\nnot a hash line\n`)).toThrow(InputError);
  });

  it('rejects paths that leave the folder', () => {
    expect(() => parseManifest(`${MD5_ABC}  ../etc/passwd\n`)).toThrow(/line 1: path must be relative/);
    expect(() => parseManifest(`${MD5_ABC}  /etc/passwd\n`)).toThrow(/line 1/);
  });

  it('escapes a backslash or newline in a name the way md5sum does', async () => {
    const dir = await tree({ 'back\\slash': 'abc' });
    const text = formatManifest([{ path: 'back\\slash', hash: MD5_ABC }]);
    expect(text).toBe(`\\${MD5_ABC}  back\\\\slash\n`);
    expect(execFileSync('md5sum', ['back\\slash'], { cwd: dir }).toString()).toBe(text);
    expect(parseManifest(text)).toEqual([{ path: 'back\\slash', hash: MD5_ABC }]);
    expect(parseManifest(formatManifest([{ path: 'new\nline', hash: MD5_ABC }]))).toEqual([{ path: 'new\nline', hash: MD5_ABC }]);
  });
});

describe('compareManifests', () => {
  it('lists missing, extra and changed files', () => {
    const expected = [
      { path: 'same', hash: MD5_ABC },
      { path: 'gone', hash: MD5_ABC },
      { path: 'edited', hash: MD5_ABC },
    ];
    const actual = [
      { path: 'same', hash: MD5_ABC.toUpperCase() },
      { path: 'edited', hash: MD5_EMPTY },
      { path: 'new', hash: MD5_ABC },
    ];
    expect(compareManifests(expected, actual)).toEqual({ missing: ['gone'], extra: ['new'], changed: ['edited'], ok: false });
    expect(compareManifests(expected, expected).ok).toBe(true);
  });
});

describe('manifestOfFolder', () => {
  it('hashes nested files, relative forward-slash paths, as md5sum would', async () => {
    const dir = await tree({ 'top.txt': 'abc', 'a/b/c/deep.bin': '', 'ü n/-dash': 'x', 'skip/me': 'y' });
    let last;
    const entries = await manifestOfFolder(dir, { exclude: (rel) => rel === 'skip', onProgress: (p) => (last = p) });
    expect(entries.map((e) => e.path)).toEqual(['a/b/c/deep.bin', 'top.txt', 'ü n/-dash']);
    expect(last).toEqual({ filesDone: 3, filesTotal: 3, bytesDone: 4, bytesTotal: 4 });
    await writeManifest(join(dir, 'm.md5'), entries);
    // md5sum -c in the folder agrees with every line.
    const out = execFileSync('md5sum', ['-c', 'm.md5'], { cwd: dir }).toString();
    expect(out.trim().split('\n')).toHaveLength(3);
  });

  it('gives an empty manifest for an empty folder', async () => {
    const dir = await tree({});
    expect(await manifestOfFolder(dir)).toEqual([]);
    expect(formatManifest([])).toBe('');
  });
});

describe('verifyFolder', () => {
  it('passes an untouched folder and reports changed, missing and extra files', async () => {
    const dir = await tree({ 'obj/a': 'abc', 'obj/b': 'def', 'obj/c': 'ghi' });
    const manifest = join(dir, 'obj_manifest.md5');
    await writeManifest(manifest, await manifestOfFolder(dir));
    const good = await verifyFolder(manifest);
    expect(good).toMatchObject({ ok: true, verified: 3, bytes: 9, algorithm: 'md5' });
    await writeFile(join(dir, 'obj/a'), 'abd');
    await writeFile(join(dir, 'obj/new'), 'x');
    await import('node:fs/promises').then((fs) => fs.rm(join(dir, 'obj/c')));
    const bad = await verifyFolder(manifest, dir);
    expect(bad).toMatchObject({ ok: false, changed: ['obj/a'], missing: ['obj/c'], extra: ['obj/new'], verified: 1 });
  });

  it('can limit extra files to the folders the manifest names', async () => {
    const dir = await tree({ 'X/a': 'abc', 'other/b': 'x', 'loose.txt': 'y' });
    const manifest = join(dir, 'X_manifest.md5');
    await writeManifest(manifest, await manifestOfFolder(dir, { exclude: (rel) => rel !== 'X' && !rel.startsWith('X/') }));
    expect(await verifyFolder(manifest, dir, { scope: 'listed-roots' })).toMatchObject({ ok: true, verified: 1 });
    await writeFile(join(dir, 'X/new'), 'z');
    expect(await verifyFolder(manifest, dir, { scope: 'listed-roots' })).toMatchObject({ ok: false, extra: ['X/new'] });
    expect((await verifyFolder(manifest, dir)).extra).toEqual(['X/new', 'loose.txt', 'other/b']);
  });

  it('takes the algorithm from the manifest name', async () => {
    const dir = await tree({ f: 'abc' });
    const manifest = join(dir, 'x.sha256');
    await writeManifest(manifest, await manifestOfFolder(dir, { algorithm: 'sha256' }));
    expect(await readFile(manifest, 'utf8')).toMatch(/^ba7816bf/);
    expect(await verifyFolder(manifest)).toMatchObject({ ok: true, algorithm: 'sha256' });
  });

  it('names the manifest when it cannot be parsed', async () => {
    const dir = await tree({ 'bad.md5': 'garbage\n' });
    await expect(readManifest(join(dir, 'bad.md5'))).rejects.toThrow(/bad\.md5: line 1/);
  });
});
