import { execFileSync } from 'node:child_process';
import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { avpres, md5File, tempDir } from './helpers/cli.js';

// End-to-end: `avpres verify` re-checks what copyit (or md5sum) recorded.

let work: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  work = await tempDir('avpres-verify-');
});
afterAll(async () => work.cleanup());

async function copied(name: string): Promise<{ dest: string; manifest: string }> {
  const src = join(work.dir, 'src', name);
  await mkdir(join(src, 'sub dir'), { recursive: true });
  await writeFile(join(src, 'a.mov'), Buffer.alloc(150_000, 7));
  await writeFile(join(src, 'sub dir', '-b ü.wav'), 'b');
  await writeFile(join(src, 'sub dir', 'c.txt'), 'c');
  const dest = join(work.dir, `dest ${name}`);
  await mkdir(dest);
  const run = await avpres(['copyit', src, dest]);
  expect(run.exitCode, run.stderr).toBe(0);
  // Something unrelated on the same disk is none of this manifest's business.
  await writeFile(join(dest, 'unrelated.txt'), 'x');
  return { dest, manifest: join(dest, `${name}_manifest.md5`) };
}

describe('avpres verify', () => {
  it('passes an untouched copy, with --json, writing nothing', async () => {
    const { manifest } = await copied('good');
    const run = await avpres(['verify', manifest, '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    const input = JSON.parse(run.stdout).inputs[0];
    expect(input).toMatchObject({ input: manifest, status: 'done', verification: { method: 'md5 manifest re-check', outcome: 'pass' } });
    expect(input.details).toMatchObject({ files: 3, verified: 3, bytes: 150_002, changed: [], missing: [], extra: [] });
    expect(run.stderr).toContain('3 of 3 files verified, 0 changed, 0 missing, 0 extra');
    expect(JSON.parse(run.stdout).log).toBeUndefined();
    // --whole-folder counts everything else in the folder as extra (avpres-logs/ aside).
    const whole = await avpres(['verify', manifest, '--whole-folder', '--json']);
    expect(whole.exitCode).toBe(1);
    expect(JSON.parse(whole.stdout).inputs[0].details.extra).toEqual(['good_source_manifest.md5', 'unrelated.txt']);
  });

  it('exits 1 listing changed, missing and extra files', async () => {
    const { dest, manifest } = await copied('tampered');
    await appendFile(join(dest, 'tampered', 'a.mov'), 'x');
    await rm(join(dest, 'tampered', 'sub dir', 'c.txt'));
    await writeFile(join(dest, 'tampered', 'sub dir', 'new.txt'), 'new');
    await writeFile(join(dest, 'tampered', '.DS_Store'), 'junk is not extra');
    const run = await avpres(['verify', manifest, '--json']);
    expect(run.exitCode).toBe(1);
    const input = JSON.parse(run.stdout).inputs[0];
    expect(input).toMatchObject({ status: 'failed', exitCode: 1, verification: { outcome: 'fail' } });
    expect(input.details).toMatchObject({ changed: ['tampered/a.mov'], missing: ['tampered/sub dir/c.txt'], extra: ['tampered/sub dir/new.txt'], verified: 1 });
    expect(run.stderr).toContain('changed: tampered/a.mov');
    expect(run.stderr).toContain('missing: tampered/sub dir/c.txt');
    expect(run.stderr).toContain('extra (not in the manifest): tampered/sub dir/new.txt');
  });

  it('checks a folder given apart from the manifest, reads md5sum-made manifests, and writes logs only with --log-dir', async () => {
    const folder = join(work.dir, 'plain');
    await mkdir(join(folder, 'x'), { recursive: true });
    await writeFile(join(folder, 'x', 'one'), '1');
    await writeFile(join(folder, 'two'), '2');
    const text = execFileSync('md5sum', ['-b', 'x/one', 'two'], { cwd: folder }).toString();
    expect(text).toContain(' *x/one');
    const elsewhere = join(work.dir, 'manifests');
    await mkdir(elsewhere);
    await writeFile(join(elsewhere, 'plain.md5'), text.replace(/\n/g, '\r\n'));
    const logs = join(work.dir, 'logs');
    const run = await avpres(['verify', join(elsewhere, 'plain.md5'), folder, '--log-dir', logs, '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.inputs[0].details).toMatchObject({ verified: 2, folder });
    const events = (await readFile(summary.log.events, 'utf8')).split('\n').filter((l) => l.includes('"fixity check"'));
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!).event.outcome).toBe('success');
    expect(await md5File(join(folder, 'two'))).toBe(text.split('\n')[1]!.slice(0, 32));
  });

  it('exits 2 naming a malformed manifest and its line, or a missing one', async () => {
    const bad = join(work.dir, 'bad.md5');
    await writeFile(bad, `${'0'.repeat(32)}  fine\nthis is not a manifest line\n`);
    const run = await avpres(['verify', bad, '--json']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`${bad}: line 2`);
    const missing = await avpres(['verify', join(work.dir, 'nope.md5')]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('cannot read manifest');
    const usage = await avpres(['verify', bad, '--algorithm', 'crc', '--json']);
    expect(usage.exitCode).toBe(2);
    expect(usage.stdout).toBe('');
  });

  it('exits 2 naming a manifest that lists no files: 0 of 0 verified is no pass', async () => {
    const folder = join(work.dir, 'somefolder');
    await mkdir(folder);
    await writeFile(join(folder, 'a.txt'), 'a');
    const empty = join(work.dir, 'empty.md5');
    await writeFile(empty, '');
    const run = await avpres(['verify', empty, folder, '--json']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`${empty}: lists no files`);
    expect(run.stderr).not.toContain('0 of 0 files verified');
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, exitCode: 2, error: `${empty}: lists no files (nothing to verify)` });
  });
});
