import { cp, link, mkdir, open, readdir, readFile, rm, stat, truncate } from 'node:fs/promises';
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequenceFixture } from '@avpres/fixtures';
import { readAttachments } from '@avpres/seq2ffv1';
import { AVPRES, avpres, ffprobeJson, md5File, tempDir } from './helpers/cli.js';

let work: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  work = await tempDir('avpres-seq2ffv1-');
});
afterAll(async () => work.cleanup());

/** Every file under a folder, relative path -> md5 (node:crypto, independent of avpres). */
async function md5Tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out[relative(dir, p)] = await md5File(p);
    }
  };
  await walk(dir);
  return out;
}

const FLAVOURS = [
  'dpx-rgb10-ffmpeg',
  'dpx-rgb10-be',
  'dpx-rgb10-le',
  'dpx-rgb8',
  'dpx-rgb12',
  'dpx-rgb12-le',
  'dpx-rgb8-odd',
  'dpx-rgb16-le',
  'dpx-rgba16',
  'dpx-abgr8',
  'dpx-rgba8',
  'dpx-rgba10',
  'dpx-y8',
  'dpx-y16',
  'dpx-userdata',
  'dpx-userdata-varying',
  'dpx-padding',
  'dpx-bottom-up',
  'dpx-hd',
  'dpx-2k',
  'dpx-nested',
  'dpx-awkward',
  'tiff-rgb8',
  'tiff-rgb16',
  'dpx-with-wav',
];

describe('avpres seq2ffv1 (builtin engine) on every supported flavour', () => {
  const sources: Record<string, string> = {};
  const before: Record<string, Record<string, string>> = {};
  let out: string;
  let restored: string;
  let encode: Awaited<ReturnType<typeof avpres>>;
  let decode: Awaited<ReturnType<typeof avpres>>;
  beforeAll(async () => {
    for (const name of FLAVOURS) {
      sources[name] = await sequenceFixture(name);
      before[name] = await md5Tree(sources[name]);
    }
    out = join(work.dir, 'out');
    restored = join(work.dir, 'restored');
    encode = await avpres(['seq2ffv1', '--engine', 'builtin', '--json', ...FLAVOURS.flatMap((n) => ['-i', sources[n]!]), '-o', out]);
    const mkvs = (await readdir(out)).filter((f) => f.endsWith('.mkv')).map((f) => join(out, f));
    decode = await avpres(['seq2ffv1', '--decode', '--json', ...mkvs.flatMap((m) => ['-i', m]), '-o', restored]);
  });

  it('encodes each sequence, proven reversible, and reports it in --json', () => {
    expect(encode.exitCode, encode.stderr).toBe(0);
    const summary = JSON.parse(encode.stdout);
    expect(summary).toMatchObject({ tool: 'seq2ffv1', ok: true, exitCode: 0 });
    expect(summary.inputs).toHaveLength(FLAVOURS.length);
    for (const input of summary.inputs) {
      expect(input.status, input.reason).toBe('done');
      expect(input.verification).toMatchObject({ method: 'reversal md5 manifest', outcome: 'pass' });
      expect(input.details.engine).toBe('builtin');
      expect(input.outputs.map((o: { role: string }) => o.role)).toEqual(
        expect.arrayContaining(['preservation master', 'source md5 manifest', 'framemd5 of the MKV', 'mediainfo XML']),
      );
    }
  });

  it('gives every file back bit-identically with --decode (md5 of each file, checked by the test)', async () => {
    expect(decode.exitCode, decode.stderr).toBe(0);
    for (const name of FLAVOURS) {
      const folder = sources[name]!.split('/').pop()!;
      expect(await md5Tree(join(restored, folder)), name).toEqual(before[name]);
    }
  });

  it('writes a source manifest equal to md5 of the source files', async () => {
    for (const name of ['dpx-userdata', 'dpx-nested', 'tiff-rgb16']) {
      const folder = sources[name]!.split('/').pop()!;
      const text = await readFile(join(out, `${folder}_source_manifest.md5`), 'utf8');
      const expected = Object.entries(before[name]!)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([p, h]) => `${h}  ${p}\n`)
        .join('');
      expect(text).toBe(expected);
    }
  });

  it('leaves the sources untouched and no partial files behind', async () => {
    for (const name of FLAVOURS) expect(await md5Tree(sources[name]!)).toEqual(before[name]);
    const left = (await readdir(out)).filter((f) => f.includes('.partial') || f.includes('seq2ffv1-work'));
    expect(left).toEqual([]);
  });

  it('makes FFV1 in the decoded pix_fmt with one attachment, frame rate from the header (24 when absent)', async () => {
    const hd = await ffprobeJson(join(out, 'dpx-hd.mkv'));
    const v = hd.streams.find((s) => s['codec_type'] === 'video')!;
    expect(v['codec_name']).toBe('ffv1');
    expect(v['pix_fmt']).toBe('gbrp10le');
    const log = await readFile(join(out, 'dpx-hd_ffmpeg.log'), 'utf8');
    expect(log.length).toBeGreaterThan(0);
    const summary = JSON.parse(encode.stdout);
    const le = summary.inputs.find((i: { input: string }) => i.input.endsWith('dpx-rgb10-le'));
    expect(le.details.frameRate).toBe('25'); // from the TV header
    const be = await ffprobeJson(join(out, 'dpx-rgb10-be.mkv'));
    expect(be.streams.find((s) => s['codec_type'] === 'video')!['r_frame_rate']).toBe('24/1');
    const attachments = be.streams.filter((s) => s['codec_type'] === 'attachment');
    expect(attachments).toHaveLength(1);
  });

  it('muxes WAV files beside the frames as FLAC streams (given back by --decode above)', async () => {
    const probe = await ffprobeJson(join(out, 'dpx-with-wav.mkv'));
    const audio = probe.streams.filter((s) => s['codec_type'] === 'audio');
    expect(audio.map((s) => [s['codec_name'], s['channels']])).toEqual([
      ['flac', 1],
      ['flac', 2],
    ]);
    const manifest = await readFile(join(out, 'dpx-with-wav_source_manifest.md5'), 'utf8');
    expect(manifest).toContain('  reel1_sound.wav\n');
  });

  it('writes a framemd5 with one line per frame', async () => {
    const text = await readFile(join(out, 'dpx-rgb10-be_output.framemd5'), 'utf8');
    expect(text.split('\n').filter((l) => /^0,/.test(l))).toHaveLength(4);
  });
});

describe('avpres seq2ffv1 refuses what it cannot give back, and the rest of the run completes', () => {
  let run: Awaited<ReturnType<typeof avpres>>;
  let out: string;
  const names = ['dpx-gap', 'dpx-mixed-sizes', 'dpx-method-b', 'dpx-truncated', 'dpx-not-dpx', 'dpx-rgb8'];
  beforeAll(async () => {
    const folders = await Promise.all(names.map((n) => sequenceFixture(n)));
    out = join(work.dir, 'refusals');
    run = await avpres(['seq2ffv1', '--engine', 'builtin', '--json', ...folders.flatMap((f) => ['-i', f]), '-o', out]);
  });

  it('exits 2 with one clear reason per bad sequence; the good one is done', () => {
    expect(run.exitCode, run.stderr).toBe(2);
    const byName = Object.fromEntries(JSON.parse(run.stdout).inputs.map((i: { input: string }) => [i.input.split('/').pop(), i]));
    expect(byName['dpx-rgb8'].status).toBe('done');
    expect(byName['dpx-gap'].reason).toMatch(/gap in the numbering: frames 3-4 missing/);
    expect(byName['dpx-mixed-sizes'].reason).toMatch(/scan_0000003\.dpx: mixed frame sizes .*256x190 instead of 256x192/);
    expect(byName['dpx-method-b'].reason).toMatch(/unsupported DPX: packing \(image element 1\) is 2/);
    expect(byName['dpx-truncated'].reason).toMatch(/scan_0000002\.dpx: truncated DPX/);
    expect(byName['dpx-not-dpx'].reason).toMatch(/scan_0000002\.dpx: not a DPX file/);
    for (const n of names.slice(0, 5)) expect(byName[n]).toMatchObject({ status: 'failed', exitCode: 2 });
  });

  it('leaves no output for a refused sequence', () => {
    expect(existsSync(join(out, 'dpx-gap.mkv'))).toBe(false);
    expect(existsSync(join(out, 'dpx-gap.mkv.partial'))).toBe(false);
  });

  it('accepts gaps with --allow-gaps, records them, and gives the files back', async () => {
    const gap = await sequenceFixture('dpx-gap');
    const o = join(work.dir, 'gaps');
    const r = await avpres(['seq2ffv1', '--engine', 'builtin', '--allow-gaps', '--json', '-i', gap, '-o', o]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).inputs[0].details.gaps).toEqual([{ from: 3, to: 4 }]);
    const back = join(work.dir, 'gaps-back');
    const d = await avpres(['seq2ffv1', '--decode', '-i', join(o, 'dpx-gap.mkv'), '-o', back]);
    expect(d.exitCode, d.stderr).toBe(0);
    expect(await md5Tree(join(back, 'dpx-gap'))).toEqual(await md5Tree(gap));
  });
});

describe('avpres seq2ffv1 proof and options', () => {
  it('exits 1 naming the file when the MKV is corrupted before the check (test hook)', async () => {
    const src = await sequenceFixture('dpx-rgb10-be');
    const out = join(work.dir, 'corrupt');
    const r = await avpres(['seq2ffv1', '--engine', 'builtin', '--json', '-i', src, '-o', out], {
      env: { ...process.env, AVPRES_TEST_HOOK: 'corrupt-before-verify' },
    });
    expect(r.exitCode, r.stderr).toBe(1);
    const [input] = JSON.parse(r.stdout).inputs;
    expect(input.reason).toMatch(/reversal check failed: 1 file\(s\) differ from the source: scan_\d+\.dpx/);
    expect(existsSync(join(out, 'dpx-rgb10-be.mkv'))).toBe(false);
    expect(existsSync(join(out, 'dpx-rgb10-be_source_manifest.md5'))).toBe(false);
    const events = (await readdir(join(out, 'avpres-logs'))).find((f) => f.endsWith('.events.jsonl'))!;
    const lines = (await readFile(join(out, 'avpres-logs', events), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    const check = lines.find((l) => l.kind === 'event' && l.event.type === 'fixity check');
    expect(check.event.outcome).toBe('failure');
  });

  it('exits 3 saying so when --engine rawcooked is asked for and rawcooked is absent', async () => {
    const src = await sequenceFixture('dpx-rgb8');
    const r = await avpres(['seq2ffv1', '--engine', 'rawcooked', '-i', src, '-o', join(work.dir, 'norc')], {
      env: { ...process.env, PATH: '/usr/bin:/bin' },
    });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/rawcooked program is not on PATH/);
  });

  it('splits the reversibility data over several attachments and still gives the files back', async () => {
    const src = await sequenceFixture('dpx-userdata');
    const out = join(work.dir, 'parts');
    const r = await avpres(['seq2ffv1', '--engine', 'builtin', '--part-bytes', '4096', '-i', src, '-o', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    const attachments = await readAttachments(join(out, 'dpx-userdata.mkv'));
    expect(attachments.length).toBe(3);
    expect(attachments.map((a) => a.name)).toEqual([1, 2, 3].map((k) => `avpres_seq2ffv1_reversibility_v1_part00${k}of003.bin`));
    const back = join(work.dir, 'parts-back');
    expect((await avpres(['seq2ffv1', '--decode', '-i', join(out, 'dpx-userdata.mkv'), '-o', back])).exitCode).toBe(0);
    expect(await md5Tree(join(back, 'dpx-userdata'))).toEqual(await md5Tree(src));
  });

  it('--dry-run prints the ffmpeg argument arrays and writes nothing', async () => {
    const src = await sequenceFixture('dpx-awkward');
    const out = join(work.dir, 'dry');
    const r = await avpres(['seq2ffv1', '--engine', 'builtin', '--dry-run', '-i', src, '-o', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    const [encodeArgv] = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as string[]);
    expect(encodeArgv).toEqual(expect.arrayContaining(['-c:v', 'ffv1', '-level:v', '3', '-g:v', '1', '-slicecrc:v', '1', '-slices:v', '16', '-start_number', '100']));
    expect(encodeArgv).toContain(`${src.replace(/%/g, '%%')}/reel 1 100%%_%06d.dpx`);
    expect(existsSync(out)).toBe(false);
  });

  it('skips a finished sequence on a re-run, and redoes it with --force', async () => {
    const src = await sequenceFixture('dpx-y8');
    const out = join(work.dir, 'rerun');
    expect((await avpres(['seq2ffv1', '--engine', 'builtin', '-i', src, '-o', out])).exitCode).toBe(0);
    const mtime = (await stat(join(out, 'dpx-y8.mkv'))).mtimeMs;
    const again = await avpres(['seq2ffv1', '--engine', 'builtin', '--json', '-i', src, '-o', out]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).inputs[0]).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/every output matching its recorded md5/) });
    expect((await stat(join(out, 'dpx-y8.mkv'))).mtimeMs).toBe(mtime);
    // Other options would make another MKV: refused, not skipped.
    const other = await avpres(['seq2ffv1', '--engine', 'builtin', '--context', '--json', '-i', src, '-o', out]);
    expect(other.exitCode, other.stderr).toBe(2);
    expect(JSON.parse(other.stdout).inputs[0].reason).toMatch(/dpx-y8\.mkv exists but was made with other options \(--context off then, on now\); --force to replace it/);
    const forced = await avpres(['seq2ffv1', '--engine', 'builtin', '--force', '--json', '-i', src, '-o', out]);
    expect(JSON.parse(forced.stdout).inputs[0].status).toBe('done');
  });

  it('--sip packages the MKV and its sidecars as an IFI SIP that validates', async () => {
    const src = await sequenceFixture('dpx-rgb8');
    const out = join(work.dir, 'sip');
    const r = await avpres(['seq2ffv1', '--engine', 'builtin', '--json', '-i', src, '-o', out, '--sip', '--oe', 'oe1234']);
    expect(r.exitCode, r.stderr).toBe(0);
    const pkg = JSON.parse(r.stdout).inputs[0].details.sip as string;
    expect(pkg).toMatch(/\/oe1234\/[0-9a-f-]{36}$/);
    expect(existsSync(join(pkg, 'objects', 'dpx-rgb8.mkv'))).toBe(true);
    expect(existsSync(join(pkg, 'metadata', 'dpx-rgb8_source_manifest.md5'))).toBe(true);
    expect((await readdir(out)).sort()).toEqual(['.avpres-state', 'avpres-logs', 'oe1234']);
    const v = await avpres(['validate', pkg]);
    expect(v.exitCode, v.stderr).toBe(0);

    // A re-run finds the valid package of the same sequence and makes no second one.
    const again = await avpres(['seq2ffv1', '--engine', 'builtin', '--json', '-i', src, '-o', out, '--sip', '--oe', 'oe1234']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).inputs[0]).toMatchObject({ status: 'skipped', reason: `already packaged and valid: ${pkg}` });
    // --force rebuilds it under the same UUID.
    const forced = await avpres(['seq2ffv1', '--engine', 'builtin', '--force', '--json', '-i', src, '-o', out, '--sip', '--oe', 'oe1234']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout).inputs[0].details.sip).toBe(pkg);
    expect((await readdir(join(out, 'oe1234'))).filter((n) => !n.endsWith('.md5'))).toEqual([pkg.split('/').at(-1)]);
  });

  it('Ctrl-C stops ffmpeg, removes the partial files and exits 130', async () => {
    const twoK = await sequenceFixture('dpx-2k');
    const frames = (await readdir(twoK)).sort();
    const src = join(work.dir, 'long reel');
    await mkdir(src);
    for (let i = 0; i < 30; i++) await link(join(twoK, frames[i % frames.length]!), join(src, `long_${String(i).padStart(4, '0')}.dpx`));
    const out = join(work.dir, 'interrupted');
    const child = execa(process.execPath, [AVPRES, 'seq2ffv1', '--engine', 'builtin', '-i', src, '-o', out], { reject: false, stdin: 'ignore' });
    const started = Date.now();
    while (!existsSync(join(out, 'long reel.mkv.partial')) && Date.now() - started < 120_000) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(join(out, 'long reel.mkv.partial'))).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode, String(r.stderr)).toBe(130);
    expect((await readdir(out)).filter((n) => n !== 'avpres-logs')).toEqual([]);
  });

  it('fails a sequence that gets a new frame while it is encoded (the folder is listed again)', async () => {
    const twoK = await sequenceFixture('dpx-2k');
    const frames = (await readdir(twoK)).sort();
    const src = join(work.dir, 'growing reel');
    await mkdir(src);
    for (let i = 0; i < 20; i++) await link(join(twoK, frames[i % frames.length]!), join(src, `grow_${String(i).padStart(4, '0')}.dpx`));
    const out = join(work.dir, 'growing');
    const child = execa(process.execPath, [AVPRES, 'seq2ffv1', '--engine', 'builtin', '--json', '-i', src, '-o', out], { reject: false, stdin: 'ignore' });
    const started = Date.now();
    while (!existsSync(join(out, 'growing reel.mkv.partial')) && Date.now() - started < 120_000) await new Promise((r) => setTimeout(r, 50));
    await link(join(twoK, frames[0]!), join(src, 'grow_0020.dpx'));
    const r = await child;
    expect(r.exitCode, String(r.stderr)).toBe(2);
    expect(JSON.parse(String(r.stdout)).inputs[0].reason).toMatch(/changed while it was encoded \(grow_0020\.dpx added\)/);
    expect((await readdir(out)).filter((n) => n !== 'avpres-logs')).toEqual([]);
  });
});

describe('avpres seq2ffv1 re-runs skip only outputs proven made from this sequence and intact', () => {
  const run = (args: string[]) => avpres(['seq2ffv1', '--engine', 'builtin', '--json', ...args]);
  const only = (r: Awaited<ReturnType<typeof avpres>>) => JSON.parse(r.stdout).inputs[0];
  /** A copy of a fixture sequence the test may change (the fixtures are shared). */
  const copyOf = async (name: string, to: string) => {
    await cp(await sequenceFixture(name), to, { recursive: true });
    return to;
  };

  it('refuses a different sequence with the same folder name into the same -o; the other inputs complete', async () => {
    const day1 = await copyOf('dpx-y8', join(work.dir, 's_day1', 'reel'));
    const day2 = await copyOf('dpx-rgb8', join(work.dir, 's_day2', 'reel'));
    const sources = { day1: await md5Tree(day1), day2: await md5Tree(day2) };
    const out = join(work.dir, 'same-name');
    expect((await run(['-i', day1, '-o', out])).exitCode).toBe(0);
    const mkv = join(out, 'reel.mkv');
    const made = await md5File(mkv);

    const other = await copyOf('dpx-rgb12', join(work.dir, 's_day2', 'other'));
    const r = await run(['-i', day2, '-i', other, '-o', out]);
    expect(r.exitCode, r.stderr).toBe(2);
    const [refused, done] = JSON.parse(r.stdout).inputs;
    expect(refused).toMatchObject({ status: 'failed', exitCode: 2 });
    expect(refused.reason).toBe(`${mkv} exists but was not made from this sequence (it was made from ${day1}); --force to replace it`);
    expect(done.status).toBe('done');
    expect(await md5File(mkv)).toBe(made);
    expect(await md5Tree(day1)).toEqual(sources.day1);
    expect(await md5Tree(day2)).toEqual(sources.day2);
  });

  it('refuses a damaged MKV (same size or truncated) and an MKV without its record; --force redoes it, bit-identical on decode', async () => {
    const src = await sequenceFixture('dpx-rgb10-be');
    const before = await md5Tree(src);
    const out = join(work.dir, 'damaged');
    expect((await run(['-i', src, '-o', out])).exitCode).toBe(0);
    const mkv = join(out, 'dpx-rgb10-be.mkv');
    const { size } = await stat(mkv);

    const handle = await open(mkv, 'r+');
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, Math.floor(size / 2));
    await handle.write(Buffer.from([byte[0]! ^ 0xff]), 0, 1, Math.floor(size / 2));
    await handle.close();
    const flipped = await run(['-i', src, '-o', out]);
    expect(flipped.exitCode, flipped.stderr).toBe(2);
    expect(only(flipped)).toMatchObject({ status: 'failed', reason: `${mkv} exists but no longer matches its recorded md5 (damaged?); --force to replace it` });

    await truncate(mkv, Math.floor(size / 2));
    const cut = await run(['-i', src, '-o', out]);
    expect(cut.exitCode, cut.stderr).toBe(2);
    expect(only(cut)).toMatchObject({ status: 'failed', reason: `${mkv} exists but no longer matches its recorded md5 (damaged?); --force to replace it` });
    expect((await stat(mkv)).size).toBe(Math.floor(size / 2));

    const forced = await run(['--force', '-i', src, '-o', out]);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(only(forced).status).toBe('done');
    const back = join(work.dir, 'damaged-back');
    expect((await avpres(['seq2ffv1', '--decode', '-i', mkv, '-o', back])).exitCode).toBe(0);
    expect(await md5Tree(join(back, 'dpx-rgb10-be'))).toEqual(before);
    expect(await md5Tree(src)).toEqual(before);

    // An MKV with no record of what made it (another program, an older avpres) is not trusted either.
    await rm(join(out, 'dpx-rgb10-be_seq2ffv1.json'));
    const unknown = await run(['-i', src, '-o', out]);
    expect(unknown.exitCode, unknown.stderr).toBe(2);
    expect(only(unknown).reason).toMatch(/dpx-rgb10-be\.mkv exists but has no record of the run that made it .*; --force to replace it$/);
  });

  it('refuses after a source frame changed; --force encodes the changed sequence', async () => {
    const src = await copyOf('dpx-y8', join(work.dir, 'changed', 'reel_c'));
    const out = join(work.dir, 'changed-out');
    expect((await run(['-i', src, '-o', out])).exitCode).toBe(0);
    const mkv = join(out, 'reel_c.mkv');
    const made = await md5File(mkv);

    const frame = join(src, 'scan_0000002.dpx');
    const handle = await open(frame, 'r+');
    await handle.write(Buffer.from([0x12, 0x34, 0x56]), 0, 3, (await handle.stat()).size - 64); // image data, same size
    await handle.close();
    const changed = await md5Tree(src);
    const r = await run(['-i', src, '-o', out]);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(only(r)).toMatchObject({ status: 'failed', reason: `${mkv} exists but was not made from this sequence (${src} has changed since: scan_0000002.dpx changed); --force to replace it` });
    expect(await md5File(mkv)).toBe(made);

    const forced = await run(['--force', '-i', src, '-o', out]);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(await md5File(mkv)).not.toBe(made);
    const back = join(work.dir, 'changed-back');
    expect((await avpres(['seq2ffv1', '--decode', '-i', mkv, '-o', back])).exitCode).toBe(0);
    expect(await md5Tree(join(back, 'reel_c'))).toEqual(changed);
    expect(await md5Tree(src)).toEqual(changed);
  });
});
