import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '@avpres/fixtures';
import { avpres, ff, md5File, tempDir } from './helpers/cli.js';

// End-to-end: what `avpres access` does with awkward names, folders, bad inputs, re-runs,
// dry runs and usage errors; and idet's decisions on untagged pictures we made ourselves.

let work: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  work = await tempDir('avpres-access-inputs-');
});
afterAll(async () => work.cleanup());

describe('names with spaces, unicode and a leading dash', () => {
  it('makes <stem>_access.mp4 from a relative "-tape 01 é ü 東京.mov", skips it on a re-run, and replaces it only with --force', async () => {
    const source = await fixture('awkward-name');
    const sourceMd5 = await md5File(source);
    const out = join(work.dir, 'out dir ü');
    const args = ['access', '-i', '-tape 01 é ü 東京.mov', '-o', out, '--duration', '0.4', '--preset', 'superfast', '--json'];
    const run = await avpres(args, { cwd: dirname(source) });
    expect(run.exitCode, run.stderr).toBe(0);
    const mp4 = join(out, '-tape 01 é ü 東京_access.mp4');
    expect(JSON.parse(run.stdout).inputs[0].outputs[0].path).toBe(mp4);
    expect(existsSync(mp4)).toBe(true);
    expect(await md5File(source)).toBe(sourceMd5);

    const again = await avpres(args, { cwd: dirname(source) });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).inputs[0]).toMatchObject({ status: 'skipped', reason: 'access copy already made with these options (--force to redo)' });
    // Other options would make another copy under the same name: not without --force.
    const other = await avpres(args.map((a) => (a === '0.4' ? '0.8' : a)), { cwd: dirname(source) });
    expect(other.exitCode).toBe(2);
    expect(other.stderr).toMatch(/exists but was not made from this source with these options: --force to replace it/);
    const forced = await avpres([...args, '--force'], { cwd: dirname(source) });
    expect(JSON.parse(forced.stdout).inputs[0].status).toBe('done');
  });
});

describe('a folder with bad files among good ones', () => {
  it('finishes the good ones, exits 2 and names each bad one', async () => {
    const folder = join(work.dir, 'masters');
    await mkdir(folder, { recursive: true });
    await copyFile(await fixture('hd-v210-prog'), join(folder, 'good 720p.mov'));
    await copyFile(await fixture('not-media'), join(folder, 'bad.mov'));
    await copyFile(await fixture('truncated'), join(folder, 'cut.mov'));
    await writeFile(join(folder, 'notes.txt'), 'not a master\n');
    const sums = { good: await md5File(join(folder, 'good 720p.mov')), bad: await md5File(join(folder, 'bad.mov')) };
    const out = join(work.dir, 'folder-out');
    const run = await avpres(['access', '-i', folder, '-o', out, '--preset', 'superfast', '--json']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/FAILED\s+\S*bad\.mov: not readable as media/);
    expect(run.stderr).toMatch(/FAILED\s+\S*cut\.mov: not readable as media/);
    const summary = JSON.parse(run.stdout);
    const byName = Object.fromEntries(summary.inputs.map((i: { input: string; status: string }) => [i.input.split('/').pop(), i.status]));
    expect(byName).toEqual({ 'bad.mov': 'failed', 'cut.mov': 'failed', 'good 720p.mov': 'done' });
    // No audio in, no audio out; the copy was checked and renamed; nothing half-made is left.
    const good = summary.inputs.find((i: { status: string }) => i.status === 'done');
    expect(good.verification).toMatchObject({ method: 'ffprobe check', outcome: 'pass' });
    expect(good.verification.detail).toContain('no audio');
    expect((await readdir(out)).filter((f) => f.endsWith('.mp4') || f.endsWith('.partial'))).toEqual(['good 720p_access.mp4']);
    expect(await md5File(join(folder, 'good 720p.mov'))).toBe(sums.good);
    expect(await md5File(join(folder, 'bad.mov'))).toBe(sums.bad);
  });
});

describe('--dry-run', () => {
  it('prints the one ffmpeg command and writes nothing', async () => {
    const source = await fixture('sd-v210');
    const out = join(work.dir, 'dry');
    const run = await avpres(['access', '-i', source, '-o', out, '--dry-run', '--start', '00:00:00.500', '--end', '1.5']);
    expect(run.exitCode, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ffmpeg .*-ss 0\.5 -i \S*sd-v210-tff\.mov .*bwdif=mode=send_frame:parity=tff.* -t 1 .*-f mp4 \S*sd-v210-tff_access\.mp4\.partial$/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('bad requests', () => {
  it('exits 2 on --end before --start, with nothing on stdout', async () => {
    const run = await avpres(['access', '-i', await fixture('sd-v210'), '-o', join(work.dir, 'x'), '--start', '5', '--end', '4', '--json']);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/--end: expected a time after --start/);
  });
  it('exits 2 on a time it cannot read', async () => {
    const run = await avpres(['access', '-i', await fixture('sd-v210'), '-o', join(work.dir, 'x'), '--start', '1:30']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/--start: expected seconds or HH:MM:SS\[\.mmm\], got "1:30"/);
  });
  it('refuses the ultrafast preset, which cannot make High profile', async () => {
    const run = await avpres(['access', '-i', await fixture('sd-v210'), '-o', join(work.dir, 'x'), '--preset', 'ultrafast']);
    expect(run.exitCode).toBe(2);
  });
  it('exits 2 naming the file when --start is past its end', async () => {
    const source = await fixture('sd-v210');
    const run = await avpres(['access', '-i', source, '-o', join(work.dir, 'late'), '--start', '00:00:05']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`${source}: --start 5 s is not before the end of the source (2 s)`);
    expect(existsSync(join(work.dir, 'late', 'sd-v210-tff_access.mp4'))).toBe(false);
  });
  it('exits 3 when the output folder cannot be made', async () => {
    const blocker = join(work.dir, 'a-file');
    await writeFile(blocker, 'in the way\n');
    const run = await avpres(['access', '-i', await fixture('hd-v210-prog'), '-o', join(blocker, 'out'), '--log-dir', join(work.dir, 'logs')]);
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toMatch(/a-file\/out: cannot make the output folder \(ENOTDIR\)/);
  });
  it('explains itself in --help with examples', async () => {
    const run = await avpres(['access', '--help']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/watermarked H\.264\/AAC MP4 access copies/);
    expect(run.stdout).toMatch(/Examples:\n\s+\$ avpres access -i/);
  });
});

describe('idet decides for untagged pictures', () => {
  // 320x240 rawvideo AVIs carry no field-order tag. Interlaced ones are made from 50p motion
  // woven into 25i; the progressive one is a softened test pattern idet calls progressive.
  const clips = {
    tff: 'testsrc2=s=320x240:r=50:d=2,tinterlace=mode=interleave_top',
    bff: 'testsrc2=s=320x240:r=50:d=2,tinterlace=mode=interleave_bottom',
    progressive: 'testsrc2=s=320x240:r=25:d=1,gblur=sigma=2',
    // A still picture: idet cannot tell, so nothing is deinterlaced and a warning says why.
    unclear: 'color=c=gray:s=320x240:r=25:d=1',
  };
  it.each(Object.entries(clips))('%s', async (expected, graph) => {
    const file = join(work.dir, `untagged-${expected}.avi`);
    await ff('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', graph, '-c:v', 'rawvideo', '-pix_fmt', 'uyvy422', file]);
    const run = await avpres(['access', '-i', file, '-o', join(work.dir, 'idet'), '--dry-run', '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    const details = JSON.parse(run.stdout).inputs[0].details;
    expect(details.deinterlace.basis).toBe(expected === 'unclear' ? 'default' : 'idet');
    expect(details.deinterlace.evidence).toMatch(/idet multi-frame: TFF \d+, BFF \d+, progressive \d+/);
    if (expected === 'progressive' || expected === 'unclear') {
      expect(details.deinterlace.deinterlace).toBe(false);
      expect(details.filterGraph).not.toContain('bwdif');
      expect(details.deinterlace.evidence).toMatch(new RegExp(`-> ${expected}$`));
      if (expected === 'unclear') expect(run.stderr).toMatch(/metadata extraction: warning: .*no field-order tag and idet unclear: not deinterlaced \(use --deinterlace on/);
    } else {
      expect(details.deinterlace).toMatchObject({ deinterlace: true, parity: expected });
      expect(details.filterGraph).toContain(`bwdif=mode=send_frame:parity=${expected}`);
    }
    // Other sizes: square pixels, even dimensions, kept here.
    expect(details.size).toBe('320x240');
  });
});
