import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { avpres, AVPRES, md5File, tempDir } from './helpers/cli.js';

// End-to-end: `avpres copyit` run as a user would, on small trees written here.

let work: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  work = await tempDir('avpres-copyit-');
});
afterAll(async () => work.cleanup());

async function writeTree(root: string, files: Record<string, string | Buffer>, emptyDirs: string[] = []): Promise<void> {
  for (const [rel, data] of Object.entries(files)) {
    await mkdir(join(root, rel, '..'), { recursive: true });
    await writeFile(join(root, rel), data);
  }
  for (const dir of emptyDirs) await mkdir(join(root, dir), { recursive: true });
}

/** Every file under `root` (relative path -> md5), and every folder. */
async function snapshot(root: string): Promise<{ files: Record<string, string>; dirs: string[] }> {
  const files: Record<string, string> = {};
  const dirs: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const abs = join(dir, entry.name);
      if (entry.isDirectory()) {
        dirs.push(relative(root, abs));
        await walk(abs);
      } else files[relative(root, abs)] = await md5File(abs);
    }
  };
  await walk(root);
  return { files, dirs: dirs.sort() };
}

function pattern(size: number, seed: number): Buffer {
  const data = Buffer.alloc(size);
  for (let i = 0; i + 4 <= size; i += 4) data.writeUInt32LE((i * 2654435761 + seed) >>> 0, i);
  return data;
}

const JUNK = ['.DS_Store', 'sub/Thumbs.db', 'sub/desktop.ini', 'sub/._clip.mov'];

async function awkwardFolder(name: string): Promise<string> {
  const src = join(work.dir, 'sources', name);
  await writeTree(
    src,
    {
      'clip.mov': pattern(300_000, 1),
      'sub/-dash start.dpx': pattern(12_345, 2),
      'sub/ü 東京 space.wav': 'unicode\n',
      'sub/deeper/still deeper/empty file': '',
      'sub/deeper/x.txt': 'x',
      ...Object.fromEntries(JUNK.map((j) => [j, 'junk'])),
    },
    ['sub/empty folder', 'zero'],
  );
  await utimes(join(src, 'clip.mov'), new Date('2010-01-02T03:04:05Z'), new Date('2010-01-02T03:04:05Z'));
  return src;
}

describe('avpres copyit: a folder', () => {
  it('copies nested files with awkward names, empty files and folders, skips junk, writes manifests md5sum accepts', async () => {
    const src = await awkwardFolder('reel 01 é');
    const before = await snapshot(src);
    const dest = join(work.dir, 'dest one');
    await mkdir(dest);
    const run = await avpres(['copyit', src, dest, '--json']);
    expect(run.exitCode, run.stderr).toBe(0);

    const copy = join(dest, 'reel 01 é');
    const after = await snapshot(copy);
    const expected = Object.fromEntries(Object.entries(before.files).filter(([rel]) => !JUNK.includes(rel)));
    expect(after.files).toEqual(expected);
    expect(after.dirs).toEqual(before.dirs);
    expect(await snapshot(src)).toEqual(before);
    for (const junk of JUNK) expect(run.stderr).toContain(`skipped junk file: ${join(src, junk)}`);
    expect((await stat(join(copy, 'clip.mov'))).mtime.toISOString()).toBe('2010-01-02T03:04:05.000Z');

    const manifest = join(dest, 'reel 01 é_manifest.md5');
    const sourceManifest = join(dest, 'reel 01 é_source_manifest.md5');
    const lines = (await readFile(manifest, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines).toContain(`${before.files['clip.mov']}  reel 01 é/clip.mov`);
    expect(await readFile(sourceManifest, 'utf8')).toBe(await readFile(manifest, 'utf8'));
    // md5sum itself agrees with every line, run in the destination folder.
    expect(execFileSync('md5sum', ['-c', '--quiet', '--', 'reel 01 é_manifest.md5'], { cwd: dest }).toString()).toBe('');
    expect((await readdir(dest)).sort()).toEqual(['avpres-logs', 'reel 01 é', 'reel 01 é_manifest.md5', 'reel 01 é_source_manifest.md5']);

    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ tool: 'copyit', ok: true, exitCode: 0 });
    const input = summary.inputs[0];
    expect(input).toMatchObject({ input: src, status: 'done', verification: { outcome: 'pass' } });
    expect(input.verification.detail).toBe('5 of 5 files verified (5 copied, 0 already present)');
    expect(input.verification.method).toBe("md5 of the source while copying; every copy re-read and compared byte for byte with the source's bytes");
    expect(input.outputs.map((o: { role: string; path: string }) => [o.role, o.path])).toEqual([
      ['copied folder', copy],
      ['source manifest', sourceManifest],
      ['manifest', manifest],
    ]);
    expect(input.outputs[2].md5).toBe(await md5File(manifest));
    expect(input.details.junkSkipped.sort()).toEqual(JUNK.map((j) => `reel 01 é/${j}`).sort());

    const events = (await readFile(summary.log.events, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((r) => r.kind === 'event')
      .map((r) => r.event);
    const count = (type: string) => events.filter((e) => e.type === type && e.outcome === 'success').length;
    expect([count('replication'), count('fixity check'), count('message digest calculation')]).toEqual([5, 5, 1]);
    const clip = events.find((e) => e.type === 'replication' && e.detail.includes('clip.mov'));
    expect(clip.objects).toContainEqual({ path: 'reel 01 é/clip.mov', role: 'outcome', size: 300_000, hashes: { md5: before.files['clip.mov'] } });
  });

  it('skips everything on a re-run (copies re-hashed), and redoes everything with --force', async () => {
    const src = await awkwardFolder('rerun');
    const dest = join(work.dir, 'dest rerun');
    await mkdir(dest);
    expect((await avpres(['copyit', src, dest])).exitCode).toBe(0);
    const again = await avpres(['copyit', src, dest, '--json']);
    expect(again.exitCode, again.stderr).toBe(0);
    const input = JSON.parse(again.stdout).inputs[0];
    expect(input).toMatchObject({ status: 'skipped', reason: 'already copied and verified', details: { copied: 0, skipped: 5 } });
    // Nothing was copied: the method names the re-hash that let the copies stand, not a copy.
    expect(input.verification.method).toBe("md5 of each existing copy, matched with the earlier run's record or with its source's");
    // The skip rests on re-reading each copy: a copy corrupted since is not skipped.
    const clip = join(dest, 'rerun', 'clip.mov');
    const good = await readFile(clip);
    const bad = Buffer.from(good);
    bad[1000] = bad[1000]! ^ 1;
    await writeFile(clip, bad);
    await utimes(clip, new Date('2010-01-02T03:04:05Z'), new Date('2010-01-02T03:04:05Z'));
    const noticed = await avpres(['copyit', src, dest, '--json']);
    expect(noticed.exitCode).toBe(2);
    expect(noticed.stderr).toContain(`${clip} exists and differs from its source`);
    expect(await readFile(clip)).toEqual(bad);
    const forced = await avpres(['copyit', src, dest, '--json', '--force', '--overwrite']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout).inputs[0]).toMatchObject({ status: 'done', details: { copied: 5, skipped: 0 } });
    expect((await readFile(clip)).equals(good)).toBe(true);
  });

  it('skips an identical file already at the destination, and refuses a different one unless --overwrite', async () => {
    const src = join(work.dir, 'sources', 'existing');
    await writeTree(src, { 'same.bin': pattern(5000, 3), 'other.bin': pattern(5000, 4), 'new.bin': pattern(10, 5) });
    const dest = join(work.dir, 'dest existing');
    await writeTree(join(dest, 'existing'), { 'same.bin': pattern(5000, 3), 'other.bin': pattern(5000, 99) });
    const srcMd5 = await md5File(join(src, 'other.bin'));
    const theirs = await md5File(join(dest, 'existing', 'other.bin'));

    const run = await avpres(['copyit', src, dest, '--json']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`${join(dest, 'existing', 'other.bin')} exists and differs from its source`);
    const input = JSON.parse(run.stdout).inputs[0];
    expect(input).toMatchObject({ status: 'failed', details: { copied: 1, skipped: 1, failed: 1 } });
    expect(await md5File(join(dest, 'existing', 'other.bin'))).toBe(theirs);
    expect(await md5File(join(dest, 'existing', 'new.bin'))).toBe(await md5File(join(src, 'new.bin')));
    expect(existsSync(join(dest, 'existing_manifest.md5'))).toBe(false);

    const replaced = await avpres(['copyit', src, dest, '--overwrite', '--json']);
    expect(replaced.exitCode, replaced.stderr).toBe(0);
    expect(replaced.stderr).toContain(`replacing ${join(dest, 'existing', 'other.bin')}`);
    expect(await md5File(join(dest, 'existing', 'other.bin'))).toBe(srcMd5);
    const mixed = JSON.parse(replaced.stdout).inputs[0];
    expect(mixed.details).toMatchObject({ copied: 1, skipped: 2 });
    expect(mixed.verification.method).toBe(
      "md5 of the source while copying; every copy re-read and compared byte for byte with the source's bytes; copies already there: md5 of each existing copy, matched with the earlier run's record or with its source's",
    );
    expect(existsSync(join(dest, 'existing_manifest.md5.partial'))).toBe(false);
  });
});

describe('avpres copyit: proof and failures', () => {
  it('finishes the copy when the reader of its output stops early (avpres ... 2>&1 | head)', async () => {
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 60; i++) files[`f${i}.dpx`] = pattern(200_000, i);
    const src = join(work.dir, 'sources', 'piped');
    await writeTree(src, files);
    const dest = join(work.dir, 'dest piped');
    await mkdir(dest);
    // Both streams to one pipe, closed after the first line: every later write fails (EPIPE).
    const child = spawn(process.execPath, [AVPRES, 'copyit', src, dest], { stdio: ['ignore', 'pipe', 'pipe'] });
    const closeEarly = () => {
      child.stdout.destroy();
      child.stderr.destroy();
    };
    child.stderr.once('data', closeEarly);
    child.stdout.once('data', closeEarly);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    const manifest = await readFile(join(dest, 'piped_manifest.md5'), 'utf8');
    expect(manifest.trim().split('\n')).toHaveLength(60);
    expect((await readFile(join(dest, 'piped', 'f59.dpx'))).equals(files['f59.dpx']!)).toBe(true);
  });

  it('exits 1 naming each file whose copy was corrupted before verification, and leaves no copy of it', async () => {
    const src = join(work.dir, 'sources', 'corrupt');
    await writeTree(src, { 'a.mov': pattern(200_000, 6), 'b.mov': pattern(100_000, 7) });
    const dest = join(work.dir, 'dest corrupt');
    await mkdir(dest);
    const run = await avpres(['copyit', src, dest, '--json'], { env: { AVPRES_TEST_HOOK: 'corrupt-before-verify' } });
    expect(run.exitCode).toBe(1);
    for (const name of ['a.mov', 'b.mov']) expect(run.stderr).toMatch(new RegExp(`${join(dest, 'corrupt', name)}: the copy differs from its source`));
    const input = JSON.parse(run.stdout).inputs[0];
    expect(input).toMatchObject({ status: 'failed', exitCode: 1, verification: { outcome: 'fail' } });
    expect(input.details.failedFiles.map((f: { file: string }) => f.file).sort()).toEqual(['corrupt/a.mov', 'corrupt/b.mov']);
    expect(await readdir(join(dest, 'corrupt'))).toEqual([]);
    expect(existsSync(join(dest, 'corrupt_manifest.md5'))).toBe(false);
    // By default each copy is compared byte for byte: the flipped byte (the middle) is named.
    expect(run.stderr).toContain(`${join(dest, 'corrupt', 'a.mov')}: the copy differs from its source (re-read and compared byte for byte: first difference at byte 100000)`);
    expect(run.stderr).toContain(`${join(dest, 'corrupt', 'b.mov')}: the copy differs from its source (re-read and compared byte for byte: first difference at byte 50000)`);
    // A hash check catches the same byte: --verify md5, and xxh128 by the option's former name.
    const md5 = await avpres(['copyit', src, dest, '--verify', 'md5'], { env: { AVPRES_TEST_HOOK: 'corrupt-before-verify' } });
    expect(md5.exitCode).toBe(1);
    expect(md5.stderr).toMatch(/\(md5 [0-9a-f]{32} re-read, [0-9a-f]{32} from the source\)/);
    const fast = await avpres(['copyit', src, dest, '--verify-hash', 'xxh128'], { env: { AVPRES_TEST_HOOK: 'corrupt-before-verify' } });
    expect(fast.exitCode).toBe(1);
    expect(fast.stderr).toMatch(/\(xxh128 [0-9a-f]{32} re-read, [0-9a-f]{32} from the source\)/);
    expect(await readdir(join(dest, 'corrupt'))).toEqual([]);
    // Without the corruption the same command completes, with either check.
    expect((await avpres(['copyit', src, dest, '--verify', 'md5'])).exitCode).toBe(0);
    expect((await avpres(['copyit', src, dest, '--verify', 'nope'])).stderr).toContain('--verify: expected one of bytes, md5, sha256, sha512, xxh128, got nope');
    expect((await avpres(['copyit', src, dest, '--force'])).exitCode).toBe(0);
  });

  it('resumes after being killed mid-run: verified files skipped, partial ones redone', async () => {
    const src = join(work.dir, 'sources', 'killed');
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 48; i++) files[`f${String(i).padStart(2, '0')}.bin`] = pattern(3 * 1024 * 1024, i);
    await writeTree(src, files);
    const before = await snapshot(src);
    const dest = join(work.dir, 'dest killed');
    await mkdir(dest);
    const journal = join(dest, 'killed_manifest.md5.partial');

    // Two files at a time (flush groups of one): the first is journalled long before the last.
    const child = spawn(process.execPath, [AVPRES, 'copyit', '--jobs', '2', src, dest], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal ? -1 : _code)));
    // Kill once at least one file is verified (a journal line), while others are under way.
    for (;;) {
      const text = await readFile(journal, 'utf8').catch(() => '');
      if (text.includes('\n')) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe(-1);
    const left = await readdir(join(dest, 'killed'));
    expect(left.length).toBeLessThan(48 + 4);
    expect(existsSync(join(dest, 'killed_manifest.md5'))).toBe(false);

    const resumed = await avpres(['copyit', src, dest, '--json']);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const details = JSON.parse(resumed.stdout).inputs[0].details;
    expect(details.skipped).toBeGreaterThanOrEqual(1);
    expect(details.copied).toBeGreaterThanOrEqual(1);
    expect(details.skipped + details.copied).toBe(48);
    expect((await snapshot(join(dest, 'killed'))).files).toEqual(before.files);
    expect(existsSync(journal)).toBe(false);
    expect(execFileSync('md5sum', ['-c', '--quiet', 'killed_manifest.md5'], { cwd: dest }).toString()).toBe('');
    expect(await snapshot(src)).toEqual(before);
  });

  it('stops on Ctrl-C (SIGINT) with exit 130 and leaves no partial copy', async () => {
    const src = join(work.dir, 'sources', 'interrupted');
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 24; i++) files[`f${String(i).padStart(2, '0')}.bin`] = pattern(4 * 1024 * 1024, 100 + i);
    await writeTree(src, files);
    const dest = join(work.dir, 'dest interrupted');
    await mkdir(dest);
    const child = spawn(process.execPath, [AVPRES, 'copyit', src, dest], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (;;) {
      const names = await readdir(join(dest, 'interrupted')).catch(() => [] as string[]);
      if (names.some((n) => n.endsWith('.partial'))) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(130);
    expect((await readdir(join(dest, 'interrupted'))).filter((n) => n.endsWith('.partial'))).toEqual([]);
    expect(existsSync(join(dest, 'interrupted_manifest.md5'))).toBe(false);
    expect(stderr).toContain('interrupted');
  });

  it('copies a single file whose name starts with a dash, and several sources at once', async () => {
    const dir = join(work.dir, 'sources', 'single');
    await writeTree(dir, { '-odd name.mov': pattern(70_000, 8), 'plain.mkv': '' });
    const dest = join(work.dir, 'dest single');
    await mkdir(dest);
    const run = await avpres(['copyit', '--json', '--', '-odd name.mov', 'plain.mkv', dest], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(0);
    const inputs = JSON.parse(run.stdout).inputs;
    expect(inputs.map((i: { status: string }) => i.status)).toEqual(['done', 'done']);
    expect(inputs[0].outputs[0]).toMatchObject({ role: 'copy', path: join(dest, '-odd name.mov'), size: 70_000, md5: await md5File(join(dir, '-odd name.mov')) });
    expect(await readFile(join(dest, '-odd name.mov_manifest.md5'), 'utf8')).toBe(`${inputs[0].outputs[0].md5}  -odd name.mov\n`);
    expect((await stat(join(dest, 'plain.mkv'))).size).toBe(0);
  });

  it('copies an empty folder as a source: the folder, and empty manifests verify accepts', async () => {
    const src = join(work.dir, 'sources', 'empty reel');
    await mkdir(src, { recursive: true });
    const dest = join(work.dir, 'dest empty');
    await mkdir(dest);
    const run = await avpres(['copyit', src, dest, '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).inputs[0]).toMatchObject({ status: 'done', outputs: [{ role: 'copied folder', size: 0 }, {}, {}] });
    expect(await readdir(join(dest, 'empty reel'))).toEqual([]);
    expect(await readFile(join(dest, 'empty reel_manifest.md5'), 'utf8')).toBe('');
    expect((await avpres(['verify', join(dest, 'empty reel_manifest.md5')])).exitCode).toBe(0);
    // The empty manifest vouches for an empty folder: a file that turns up in it is extra.
    await writeFile(join(dest, 'empty reel', 'stray.txt'), 'x');
    const stray = await avpres(['verify', join(dest, 'empty reel_manifest.md5'), '--json']);
    expect(stray.exitCode).toBe(1);
    expect(JSON.parse(stray.stdout).inputs[0]).toMatchObject({ status: 'failed', details: { extra: ['empty reel/stray.txt'] } });
  });

  it('refuses a folder into itself, a missing destination and bad arguments with exit 2 and empty stdout', async () => {
    const src = join(work.dir, 'sources', 'self');
    await writeTree(src, { 'a.txt': 'a' }, ['inner']);
    const into = await avpres(['copyit', src, join(src, 'inner'), '--json']);
    expect(into.exitCode).toBe(2);
    expect(into.stderr).toContain(`refusing to copy ${src} into itself`);
    expect(await readdir(join(src, 'inner'))).toEqual([]);
    const onto = await avpres(['copyit', src, join(src, '..')]);
    expect(onto.exitCode).toBe(2);
    expect(onto.stderr).toContain('would be the same file');
    const missing = await avpres(['copyit', src, join(work.dir, 'no such dest')]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('does not exist');
    const noSource = await avpres(['copyit', join(work.dir, 'nope'), work.dir, '--json']);
    expect(noSource.exitCode).toBe(2);
    expect(noSource.stderr).toContain(`${join(work.dir, 'nope')}: no such file or folder`);
    // Named once in a line, not twice.
    expect(noSource.stderr).not.toContain(`${join(work.dir, 'nope')}: ${join(work.dir, 'nope')}`);
    for (const args of [['copyit', src], ['copyit', src, work.dir, '--algorithm', 'crc32'], ['copyit', src, work.dir, '--jobs', '0'], ['copyit', src, work.dir, '--bogus']]) {
      const r = await avpres([...args, '--json']);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
    }
  });

  it('exits 3 before copying anything when the destination lacks space (a 10 TB sparse source)', async () => {
    const src = join(work.dir, 'sources', 'huge');
    await mkdir(src, { recursive: true });
    await writeFile(join(src, 'huge.bin'), '');
    await truncate(join(src, 'huge.bin'), 10 * 1024 ** 4);
    const dest = join(work.dir, 'dest huge');
    await mkdir(dest);
    const run = await avpres(['copyit', src, dest]);
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toMatch(/not enough space at .*dest huge: .* needed/);
    expect((await readdir(dest)).filter((f) => f !== 'avpres-logs')).toEqual([]);
  });

  it('exits 3 naming a file whose copy hits a full disk mid-write, small or large, and copies the rest', async () => {
    const src = join(work.dir, 'sources', 'full');
    const files = { 'a small.bin': pattern(300_000, 41), 'b large.bin': pattern(9 * 1024 * 1024, 42), 'c.bin': pattern(200_000, 43) };
    await writeTree(src, files);
    const before = await snapshot(src);
    const dest = join(work.dir, 'dest full');
    await mkdir(join(dest, 'full'), { recursive: true });
    // A full disk for two files only: their partials are links to /dev/full, where every write
    // fails with ENOSPC (the copy opens its partial by name and follows the link).
    for (const name of ['a small.bin', 'b large.bin']) execFileSync('ln', ['-s', '/dev/full', join(dest, 'full', `${name}.partial`)]);
    const run = await avpres(['copyit', '--json', src, dest]);
    expect(run.exitCode, run.stderr).toBe(3);
    expect(run.stderr).toContain(`${join(dest, 'full', 'a small.bin.partial')}: no space left on the destination`);
    expect(run.stderr).toContain(`${join(dest, 'full', 'b large.bin.partial')}: no space left on the destination`);
    const input = JSON.parse(run.stdout).inputs[0];
    expect(input.details.failedFiles.map((f: { file: string }) => f.file).sort()).toEqual(['full/a small.bin', 'full/b large.bin']);
    // The good file is in place and verified; nothing half-written under a final name.
    expect(await md5File(join(dest, 'full', 'c.bin'))).toBe(before.files['c.bin']);
    expect((await readdir(join(dest, 'full'))).sort()).toEqual(['c.bin']);
    expect(existsSync(join(dest, 'full_manifest.md5'))).toBe(false);
    expect(await snapshot(src)).toEqual(before);
  });

  it('exits 3 naming an unreadable source file or an unwritable destination (run as nobody: root reads everything)', async () => {
    const base = join(work.dir, 'perm');
    await mkdir(join(base, 'src', 'sub'), { recursive: true });
    await mkdir(join(base, 'dest'));
    await writeFile(join(base, 'src', 'ok.txt'), 'ok');
    await writeFile(join(base, 'src', 'sub', 'secret.txt'), 'secret');
    await chmod(work.dir, 0o755);
    await chmod(join(base, 'dest'), 0o777);
    await chmod(join(base, 'src', 'sub', 'secret.txt'), 0o000);
    // setpriv drops root's privileges for the child, so the permission bits apply.
    const asNobody = ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, AVPRES, 'copyit'];
    const run = await execa('setpriv', [...asNobody, join(base, 'src'), join(base, 'dest')], { reject: false, stdin: 'ignore' });
    expect(run.exitCode, String(run.stderr)).toBe(3);
    expect(String(run.stderr)).toContain(`${join(base, 'src', 'sub', 'secret.txt')}`);
    expect(String(run.stderr)).toContain('permission denied');
    expect(await readdir(join(base, 'dest'))).not.toContain('src');

    await chmod(join(base, 'src', 'sub', 'secret.txt'), 0o644);
    await mkdir(join(base, 'locked'), { mode: 0o755 });
    const locked = await execa('setpriv', [...asNobody, join(base, 'src'), join(base, 'locked')], { reject: false, stdin: 'ignore' });
    expect(locked.exitCode, String(locked.stderr)).toBe(3);
    expect(String(locked.stderr)).toContain(`${join(base, 'locked', 'src')}: permission denied`);
  });

  it('prints the plan with --dry-run and writes nothing', async () => {
    const src = await awkwardFolder('dry');
    const dest = join(work.dir, 'dest dry');
    await mkdir(dest);
    const run = await avpres(['copyit', src, dest, '--dry-run']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain(`copy ${join(src, 'clip.mov')} -> ${join(dest, 'dry', 'clip.mov')}`);
    expect(run.stdout).toContain(`write ${join(dest, 'dry_manifest.md5')}`);
    expect(await readdir(dest)).toEqual([]);
  });
});
