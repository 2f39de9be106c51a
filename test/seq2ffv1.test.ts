import { link, mkdir, readdir, readFile, stat } from 'node:fs/promises';
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
    expect(JSON.parse(again.stdout).inputs[0].status).toBe('skipped');
    expect((await stat(join(out, 'dpx-y8.mkv'))).mtimeMs).toBe(mtime);
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
