import { chmod, copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mediaInfoFactory from 'mediainfo.js';
import { fixture, makeCapture, SD_V210 } from '@avpres/fixtures';
import { AVPRES, audioStreamMd5, avpres, ff, ffmpegPath, ffprobeJson, md5File, tempDir, videoFrameHashes } from './helpers/cli.js';

let work: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  work = await tempDir('avpres-normalise-');
});
afterAll(async () => work.cleanup());

async function mediainfoTracks(file: string): Promise<Record<string, unknown>[]> {
  const mi = await mediaInfoFactory({ format: 'object' });
  const data = await readFile(file);
  const result = await mi.analyzeData(data.length, (size, offset) => data.subarray(offset, offset + size));
  mi.close();
  return result.media?.track as unknown as Record<string, unknown>[];
}

describe('avpres normalise on an SD interlaced v210 capture', () => {
  let source: string;
  let sourceMd5: string;
  let out: string;
  let run: Awaited<ReturnType<typeof avpres>>;
  beforeAll(async () => {
    source = await fixture('sd-v210');
    sourceMd5 = await md5File(source);
    out = join(work.dir, 'sd');
    run = await avpres(['normalise', '-i', source, '-o', out, '--json', '--user', 'Test Operator']);
  });

  it('exits 0 and reports the MKV and its proof in --json', () => {
    expect(run.exitCode, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ tool: 'normalise', ok: true, exitCode: 0 });
    const [input] = summary.inputs;
    expect(input.status).toBe('done');
    expect(input.verification).toMatchObject({ method: 'framemd5', outcome: 'pass' });
    const mkv = input.outputs.find((o: { role: string }) => o.role === 'preservation master');
    expect(mkv.path).toBe(join(out, 'sd-v210-tff.mkv'));
    expect(mkv.md5).toMatch(/^[0-9a-f]{32}$/);
  });

  it('leaves the source untouched', async () => {
    expect(await md5File(source)).toBe(sourceMd5);
  });

  it('writes an MKV whose decoded frames and samples equal the source (checked by ffmpeg alone)', async () => {
    const mkv = join(out, 'sd-v210-tff.mkv');
    const [a, b] = await Promise.all([videoFrameHashes(source, 'yuv422p10le'), videoFrameHashes(mkv, 'yuv422p10le')]);
    expect(a.length).toBe(50);
    expect(b).toEqual(a);
    expect(await audioStreamMd5(mkv, 0, 'pcm_s24le')).toBe(await audioStreamMd5(source, 0, 'pcm_s24le'));
  });

  it('makes FFV1 version 3 with slice CRCs and 24-bit FLAC, as ffprobe reads them', async () => {
    const mkv = join(out, 'sd-v210-tff.mkv');
    const probe = await ffprobeJson(mkv);
    const [video, audio] = probe.streams;
    expect(video).toMatchObject({ codec_name: 'ffv1', pix_fmt: 'yuv422p10le', sample_aspect_ratio: '16:15', display_aspect_ratio: '4:3' });
    expect(audio).toMatchObject({ codec_name: 'flac', bits_per_raw_sample: '24', channels: 2 });
    expect(String(probe.format['format_name'])).toContain('matroska');
    // The FFV1 decoder states the bitstream version and error correction in its debug output.
    const r = await execa(ffmpegPath().replace(/ffmpeg$/, 'ffmpeg'), ['-hide_banner', '-v', 'debug', '-debug', 'pict', '-i', mkv, '-frames:v', '1', '-f', 'null', '-'], { reject: false });
    expect(r.stderr).toMatch(/global: ver:3\.\d+.*ec:1.*intra:1/);
    expect(r.stderr).toMatch(/slices:16/);
  });

  it('keeps field order (TFF to MediaInfo), colour tags and display aspect', async () => {
    const tracks = await mediainfoTracks(join(out, 'sd-v210-tff.mkv'));
    const video = tracks.find((t) => t['@type'] === 'Video')!;
    expect(video).toMatchObject({ Format: 'FFV1', ScanType: 'Interlaced', ScanOrder: 'TFF', colour_primaries: 'BT.601 PAL' });
    expect(Number(video['DisplayAspectRatio'])).toBeCloseTo(4 / 3, 2);
    const probe = await ffprobeJson(join(out, 'sd-v210-tff.mkv'));
    expect(probe.streams[0]).toMatchObject({ color_primaries: 'bt470bg', color_transfer: 'bt709' });
    // ffprobe reads Matroska's "top field first, bottom coded first" back as tb.
    expect(['tt', 'tb']).toContain(probe.streams[0]!['field_order']);
  });

  it('writes sidecars, a manifest that matches them, and events naming the operator', async () => {
    const names = await readdir(out);
    for (const n of ['sd-v210-tff_source.framemd5', 'sd-v210-tff_output.framemd5', 'sd-v210-tff_mediainfo.xml', 'sd-v210-tff_source_mediainfo.xml', 'sd-v210-tff_ffmpeg.log', 'sd-v210-tff_manifest.md5', 'sd-v210-tff_events.jsonl', 'sd-v210-tff.log']) {
      expect(names).toContain(n);
    }
    expect(names.filter((n) => n.includes('.partial'))).toEqual([]);
    // Each MediaInfo report describes its own file (they are made on a worker thread).
    const formats = async (n: string) => [...(await readFile(join(out, n), 'utf8')).matchAll(/<Format>([^<]*)<\/Format>/g)].map((m) => m[1]);
    expect(await formats('sd-v210-tff_mediainfo.xml')).toEqual(expect.arrayContaining(['Matroska', 'FFV1', 'FLAC']));
    expect(await formats('sd-v210-tff_source_mediainfo.xml')).toEqual(expect.arrayContaining(['MPEG-4', 'PCM']));
    const manifest = await readFile(join(out, 'sd-v210-tff_manifest.md5'), 'utf8');
    const lines = manifest.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(9);
    for (const line of lines) {
      const [hash, name] = line.split(/  /);
      expect(await md5File(join(out, name!))).toBe(hash);
    }
    const events = (await readFile(join(out, 'sd-v210-tff_events.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    const types = events.filter((e) => e.kind === 'event').map((e) => `${e.event.type}:${e.event.outcome}`);
    expect(types).toEqual(expect.arrayContaining(['normalization:success', 'fixity check:success', 'metadata extraction:success']));
    const normalization = events.find((e) => e.kind === 'event' && e.event.type === 'normalization').event;
    expect(normalization.agents).toEqual(expect.arrayContaining([{ role: 'person', name: 'Test Operator' }]));
    expect(normalization.program.args).toContain('ffv1');
    const sourceFm = await readFile(join(out, 'sd-v210-tff_source.framemd5'), 'utf8');
    expect(sourceFm).toMatch(/#hash: MD5/);
  });

  it('skips the finished job on a re-run, and redoes it with --force', async () => {
    const again = await avpres(['normalise', '-i', source, '-o', out, '--json']);
    expect(again.exitCode).toBe(0);
    expect(JSON.parse(again.stdout).inputs[0].status).toBe('skipped');
    // Named twice, it is one job (it was refused as overwriting its own outputs).
    const twice = await avpres(['normalise', '-i', source, '-i', source, '-o', out, '--json']);
    expect(twice.exitCode, twice.stderr).toBe(0);
    expect(JSON.parse(twice.stdout).inputs.map((i: { status: string }) => i.status)).toEqual(['skipped']);
    const forced = await avpres(['normalise', '-i', source, '-o', out, '--json', '--force']);
    expect(forced.exitCode).toBe(0);
    expect(JSON.parse(forced.stdout).inputs[0].status).toBe('done');
  });
});

describe('avpres normalise, other captures', () => {
  it('keeps a QuickTime timecode track as a start-timecode tag', async () => {
    const out = join(work.dir, 'tc');
    const r = await avpres(['normalise', '-i', await fixture('sd-v210-timecode'), '-o', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    const probe = await ffprobeJson(join(out, 'sd-v210-timecode.mkv'));
    const tags = probe.format['tags'] as Record<string, string>;
    expect(tags['TIMECODE'] ?? tags['timecode']).toBe('10:00:00:00');
    expect(probe.streams.every((s) => s['codec_type'] !== 'data')).toBe(true);
    expect(await readFile(join(out, 'sd-v210-timecode.log'), 'utf8')).toMatch(/timecode track \(10:00:00:00\) kept as tags/);
  });

  it('keeps the field order of an AVI that ffprobe reads as unknown, as MediaInfo reads it (vprp)', async () => {
    const source = join(work.dir, 'avi', 'tape tff.avi');
    await mkdir(dirname(source), { recursive: true });
    // Rewrapped from a TFF MOV, as a capture's AVI is: the AVI muxer records the order in vprp.
    const mov = join(work.dir, 'avi', 'tff.mov');
    await makeCapture(ffmpegPath(), { ...SD_V210, seconds: 0.4 }, mov);
    await ff('ffmpeg', ['-loglevel', 'error', '-i', mov, '-map', '0', '-c', 'copy', source]);
    expect((await ffprobeJson(source)).streams[0]!['field_order'] ?? 'unknown').toBe('unknown');
    expect((await mediainfoTracks(source)).find((t) => t['@type'] === 'Video')).toMatchObject({ ScanType: 'Interlaced', ScanOrder: 'TFF' });
    const out = join(work.dir, 'avi out');
    const r = await avpres(['normalise', '-i', source, '-o', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('field order top field first, as MediaInfo reads it (ffprobe: unknown)');
    const video = (await mediainfoTracks(join(out, 'tape tff.mkv'))).find((t) => t['@type'] === 'Video')!;
    expect(video).toMatchObject({ Format: 'FFV1', ScanType: 'Interlaced', ScanOrder: 'TFF' });
  });

  it('normalises HD uyvy422 to FFV1 with the same pixels', async () => {
    const source = await fixture('hd-uyvy');
    const out = join(work.dir, 'hd');
    const r = await avpres(['normalise', '-i', source, '-o', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    const mkv = join(out, 'hd-uyvy422-tff.mkv');
    expect((await ffprobeJson(mkv)).streams[0]).toMatchObject({ codec_name: 'ffv1', width: 1920, height: 1080 });
    expect(await videoFrameHashes(mkv, 'uyvy422')).toEqual(await videoFrameHashes(source, 'uyvy422'));
  });

  it('skips lossy video unless --allow-lossy', async () => {
    const source = await fixture('hd-prores-prog');
    const out = join(work.dir, 'lossy');
    const skipped = await avpres(['normalise', '-i', source, '-o', out, '--json']);
    expect(skipped.exitCode).toBe(0);
    expect(JSON.parse(skipped.stdout).inputs[0]).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/lossy \(prores\)/) });
    expect(existsSync(join(out, 'hd-prores-720p.mkv'))).toBe(false);
    const allowed = await avpres(['normalise', '-i', source, '-o', out, '--allow-lossy']);
    expect(allowed.exitCode, allowed.stderr).toBe(0);
    expect(existsSync(join(out, 'hd-prores-720p.mkv'))).toBe(true);
  });
});

describe('avpres normalise --sip', () => {
  it('builds an IFI package that validates, and a re-run reuses it instead of making a second', async () => {
    const source = await fixture('sd-v210-timecode');
    const out = join(work.dir, 'sip out');
    const r = await avpres(['normalise', '-i', source, '-o', out, '--sip', '--oe', 'oe4321', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const input = JSON.parse(r.stdout).inputs[0];
    const pkg: string = input.details.package;
    expect(pkg).toMatch(/oe4321\/[0-9a-f-]{36}$/);
    const uuid = pkg.split('/').pop()!;
    expect(existsSync(join(pkg, 'objects', 'sd-v210-timecode.mkv'))).toBe(true);
    const metadata = await readdir(join(pkg, 'metadata'));
    expect(metadata).toEqual(expect.arrayContaining(['sd-v210-timecode_source.framemd5', 'sd-v210-timecode_output.framemd5', `${uuid}_premis.xml`]));
    expect(await readdir(join(pkg, 'logs'))).toEqual(expect.arrayContaining(['sd-v210-timecode.log', 'sd-v210-timecode_ffmpeg.log']));
    const manifest = await readFile(join(out, 'oe4321', `${uuid}_manifest.md5`), 'utf8');
    expect(manifest).toContain(`  ${uuid}/objects/sd-v210-timecode.mkv`);
    const valid = await avpres(['validate', pkg]);
    expect(valid.exitCode, valid.stderr).toBe(0);
    expect(valid.stderr).not.toMatch(/did not finish/);
    expect(await readdir(out)).not.toContain('.avpres-work');

    const again = await avpres(['normalise', '-i', source, '-o', out, '--sip', '--oe', 'oe4321', '--json']);
    expect(JSON.parse(again.stdout).inputs[0]).toMatchObject({ status: 'skipped' });
    expect(await readdir(join(out, 'oe4321'))).toEqual([uuid, `${uuid}_manifest.md5`].sort());
  });

  it('a re-run finds the UUID a previous version recorded in its own state format, and makes no second package', async () => {
    const folder = join(work.dir, 'older state in');
    await mkdir(join(folder, 'reel 2'), { recursive: true });
    const source = join(folder, 'reel 2', 'tape 7.mov');
    await makeCapture(ffmpegPath(), { ...SD_V210, seconds: 1 }, source);
    const out = join(work.dir, 'older state out');
    const args = ['normalise', '-i', folder, '-o', out, '--sip', '--oe', 'oe55', '--json'];
    const first = await avpres(args);
    expect(first.exitCode, first.stderr).toBe(0);
    const { uuid } = JSON.parse(first.stdout).inputs[0].details;
    // What a previous version left beside its package: its own state format, one file per source.
    await rm(join(out, '.avpres-state'), { recursive: true });
    const stateFile = join(out, '.avpres-state', 'normalise', 'reel 2', 'tape 7.json');
    await mkdir(dirname(stateFile), { recursive: true });
    const { size, mtimeMs } = await stat(source);
    await writeFile(stateFile, JSON.stringify({ source: { path: source, size, mtimeMs }, oe: 'oe55', uuid, slices: null }, null, 2) + '\n');

    const again = await avpres(args);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).inputs[0]).toMatchObject({ status: 'skipped', reason: `already packaged and valid: ${join(out, 'oe55', uuid)}` });
    expect(await readdir(join(out, 'oe55'))).toEqual([uuid, `${uuid}_manifest.md5`].sort());
    // Written again in the current format, which the next run reads.
    expect(JSON.parse(await readFile(stateFile, 'utf8'))).toEqual({ oe: 'oe55', uuid, identity: { size, mtimeMs, slices: null } });
  });

  it('refuses --sip without a well-formed --oe (exit 2)', async () => {
    const r = await avpres(['normalise', '-i', await fixture('sd-v210'), '-o', join(work.dir, 'nosip'), '--sip', '--oe', '1234']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--oe in the form oe1234, got 1234/);
  });
});

describe('avpres normalise with bad inputs', () => {
  it('finishes the good files of a folder, names the broken ones, exits 2', async () => {
    const folder = join(work.dir, 'mixed in');
    await mkdir(join(folder, 'sub'), { recursive: true });
    await copyFile(await fixture('awkward-name'), join(folder, '-tape 01 é ü 東京.mov'));
    await copyFile(await fixture('not-media'), join(folder, 'notes.mov'));
    await copyFile(await fixture('truncated'), join(folder, 'sub', 'cut off.mov'));
    await writeFile(join(folder, 'readme.txt'), 'left alone\n');
    const before = await md5File(join(folder, '-tape 01 é ü 東京.mov'));
    const out = join(work.dir, 'mixed out');
    const r = await avpres(['normalise', '-i', folder, '-o', out, '--json']);
    expect(r.exitCode).toBe(2);
    const summary = JSON.parse(r.stdout);
    const byName = Object.fromEntries(summary.inputs.map((i: { input: string }) => [i.input.split('/').pop(), i]));
    expect(byName['-tape 01 é ü 東京.mov'].status).toBe('done');
    expect(byName['notes.mov']).toMatchObject({ status: 'failed', exitCode: 2 });
    expect(byName['cut off.mov']).toMatchObject({ status: 'failed', exitCode: 2 });
    expect(r.stderr).toMatch(/notes\.mov: .*not (readable as )?media/);
    expect(r.stderr).toMatch(/cut off\.mov/);
    expect(existsSync(join(out, '-tape 01 é ü 東京.mkv'))).toBe(true);
    expect(existsSync(join(out, 'sub', 'cut off.mkv'))).toBe(false);
    expect(await md5File(join(folder, '-tape 01 é ü 東京.mov'))).toBe(before);
  });

  it('fails a capture cut off after its header (fewer frames decode than its container declares), exit 2, no MKV', async () => {
    const dir = join(work.dir, 'cut');
    await mkdir(dir, { recursive: true });
    // The index at the front (faststart), as a capture tool that pre-allocates writes it: the
    // file still opens and decodes cleanly, up to the cut.
    const whole = join(dir, 'whole.mov');
    await makeCapture(ffmpegPath(), { ...SD_V210, seconds: 1, extra: ['-movflags', '+faststart'] }, whole);
    const bytes = await readFile(whole);
    const source = join(dir, 'tape cut é.mov');
    await writeFile(source, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const before = await md5File(source);
    const out = join(work.dir, 'cut out');
    const r = await avpres(['normalise', '-i', source, '-o', out, '--json']);
    expect(r.exitCode).toBe(2);
    const said = r.stderr.match(/tape cut é\.mov: truncated or damaged: its (\d+) decodable video frames cover ([\d.]+) s of the ([\d.]+) s its container declares; not normalised/);
    expect(said, r.stderr).not.toBeNull();
    expect(Number(said![1])).toBeGreaterThan(0);
    expect(Number(said![2])).toBeLessThan(Number(said![3]) - 0.1);
    expect(JSON.parse(r.stdout).inputs[0]).toMatchObject({ status: 'failed', exitCode: 2 });
    expect((await readdir(out)).filter((n) => n.includes('.mkv'))).toEqual([]);
    expect(await md5File(source)).toBe(before);
    // The whole file normalises: the check counts what is missing, not what is there.
    expect((await avpres(['normalise', '-i', whole, '-o', out])).exitCode).toBe(0);
  });

  it("never replaces an MKV that is not this capture's (another tape of the same name, a damaged one, one made by hand); --force does", async () => {
    const out = join(work.dir, 'same name out');
    const day1 = join(work.dir, 'day1', 'tape.mov');
    const day2 = join(work.dir, 'day2', 'tape.mov');
    await mkdir(dirname(day1), { recursive: true });
    await mkdir(dirname(day2), { recursive: true });
    await makeCapture(ffmpegPath(), { ...SD_V210, seconds: 0.5 }, day1);
    await makeCapture(ffmpegPath(), { ...SD_V210, seconds: 0.5, noise: 20 }, day2);
    const sources = [await md5File(day1), await md5File(day2)];
    const first = await avpres(['normalise', '-i', day1, '-o', out]);
    expect(first.exitCode, first.stderr).toBe(0);
    const mkv = join(out, 'tape.mkv');
    const made = await md5File(mkv);

    const other = await avpres(['normalise', '-i', day2, '-o', out, '--json']);
    expect(other.exitCode).toBe(2);
    expect(other.stderr).toContain(`${mkv} exists and was made from another source, or from this one before it changed (its record: ${day1}, `);
    expect(other.stderr).toContain('not replaced (--force to replace it)');
    expect(JSON.parse(other.stdout).inputs[0]).toMatchObject({ status: 'failed', exitCode: 2 });
    expect(await md5File(mkv)).toBe(made);

    const bytes = await readFile(mkv);
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff;
    await writeFile(mkv, bytes);
    const damaged = await md5File(mkv);
    const again = await avpres(['normalise', '-i', day1, '-o', out]);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/tape\.mkv exists and no longer matches its record \(md5 [0-9a-f]{32}, recorded [0-9a-f]{32}\): damaged or changed since: not replaced/);
    expect(await md5File(mkv)).toBe(damaged);

    const forced = await avpres(['normalise', '-i', day2, '-o', out, '--force', '--json']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout).inputs[0].status).toBe('done');
    expect([made, damaged]).not.toContain(await md5File(mkv));
    expect((await avpres(['normalise', '-i', day2, '-o', out])).exitCode).toBe(0);

    const loose = join(work.dir, 'loose out');
    await mkdir(loose);
    await writeFile(join(loose, 'tape.mkv'), 'made by hand\n');
    const byHand = await avpres(['normalise', '-i', day1, '-o', loose]);
    expect(byHand.exitCode).toBe(2);
    expect(byHand.stderr).toContain(`${join(loose, 'tape.mkv')} exists and has no normalise record beside it (tape_normalise.json)`);
    expect(await readFile(join(loose, 'tape.mkv'), 'utf8')).toBe('made by hand\n');
    expect([await md5File(day1), await md5File(day2)]).toEqual(sources);
  });

  it('exits 1 when the stored MKV is changed between encode and verification, leaving no finished-looking MKV', async () => {
    const out = join(work.dir, 'corrupt');
    const r = await avpres(['normalise', '-i', await fixture('sd-v210-timecode'), '-o', out], {
      env: { AVPRES_TEST_HOOK: 'corrupt-before-verify' },
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/sd-v210-timecode\.mkv: the stored file differs from what was verified/);
    const names = await readdir(out);
    expect(names).not.toContain('sd-v210-timecode.mkv');
    expect(names).toContain('sd-v210-timecode.mkv.failed');
  });

  it('exits 2 naming a missing input, with nothing on stdout for usage errors', async () => {
    const missing = await avpres(['normalise', '-i', join(work.dir, 'nope.mov'), '-o', join(work.dir, 'x')]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/nope\.mov: no such file/);
    const usage = await avpres(['normalise', '-i', 'a.mov', '--json']);
    expect(usage.exitCode).toBe(2);
    expect(usage.stdout).toBe('');
    const bogus = await avpres(['normalise', '--bogus']);
    expect(bogus.exitCode).toBe(2);
  });

  it('exits 3 with one line when --ffmpeg does not exist', async () => {
    const r = await avpres(['normalise', '-i', await fixture('sd-v210'), '-o', join(work.dir, 'noff'), '--ffmpeg', '/nonexistent/ffmpeg']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/ffmpeg not found or not executable: \/nonexistent\/ffmpeg/);
  });

  it('prints the ffmpeg commands with --dry-run and writes nothing', async () => {
    const out = join(work.dir, 'dry');
    const r = await avpres(['normalise', '-i', await fixture('sd-v210'), '-o', out, '--dry-run']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/-c:v:0 ffv1 -level:v:0 3 -g:v:0 1 -slicecrc:v:0 1 -slices:v:0 16/);
    expect(existsSync(out)).toBe(false);
  });

  it('stops on Ctrl-C mid-encode with exit 130, leaving no partial nor finished-looking file; a capture done before it stands, listed in --json', async () => {
    const source = join(work.dir, 'long.mov');
    // Noise makes FFV1 work hard, so the encode is surely still running when Ctrl-C comes.
    await makeCapture(ffmpegPath(), { ...SD_V210, seconds: 5, noise: 30 }, source);
    const short = join(work.dir, 'short.mov');
    await makeCapture(ffmpegPath(), { ...SD_V210, seconds: 0.3 }, short);
    const out = join(work.dir, 'interrupted');
    const missing = join(work.dir, 'no such tape.mov');
    const child = execa(process.execPath, [AVPRES, 'normalise', '-i', short, '-i', missing, '-i', source, '-o', out, '--json'], { reject: false });
    // Wait until the MKV is being written, then interrupt.
    const started = Date.now();
    while (!existsSync(join(out, 'long.mkv.partial')) && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(join(out, 'long.mkv.partial'))).toBe(true);
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    const left = await readdir(out);
    expect(left.filter((n) => n.includes('.partial') || n.startsWith('long') && n.endsWith('.mkv'))).toEqual([]);
    expect(left).toContain('short.mkv');
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ ok: false, exitCode: 130, error: expect.stringMatching(/interrupted/) });
    // The one found missing before the run and the one done: neither is lost to the interruption.
    expect(summary.inputs).toEqual([expect.objectContaining({ input: missing, status: 'failed' }), expect.objectContaining({ input: short, status: 'done' })]);
    expect(r.stderr).toMatch(/DONE {5}.*short\.mov/);
    expect((await stat(source)).size).toBeGreaterThan(0);
  });
});

describe('avpres normalise against the environment', () => {
  const canMount = process.getuid?.() === 0;
  // Root reads and writes anything: these runs drop to the nobody user.
  const asNobody = (args: string[]) =>
    execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, AVPRES, ...args], { reject: false, env: { HOME: '/tmp' } });
  /** A capture in a folder of its own under the work folder, both open to nobody; `mode` for the capture. */
  const captureFor = async (name: string, file: string, mode?: number) => {
    const dir = join(work.dir, name);
    await mkdir(dir, { recursive: true });
    const source = join(dir, file);
    await copyFile(await fixture('sd-v210-timecode'), source);
    if (mode !== undefined) await chmod(source, mode);
    await chmod(dir, 0o777);
    await chmod(work.dir, 0o777);
    return { dir, source };
  };

  it('exits 2 naming a source it cannot read (run as an ordinary user)', async () => {
    const { dir, source } = await captureFor('unreadable', 'locked.mov', 0o000);
    const r = await asNobody(['normalise', '-i', source, '-o', join(dir, 'out')]);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/locked\.mov: permission denied \(cannot read\)/);
  });

  it('exits 3, not as a bug, when the output folder may not be written (normalise, access, sip run as an ordinary user)', async () => {
    const { dir, source } = await captureFor('read-only out', 'tape.mov');
    const out = join(dir, 'out');
    await mkdir(out);
    await chmod(out, 0o555);
    for (const args of [
      ['normalise', '-i', source, '-o', out],
      ['access', '-i', source, '-o', out],
      ['sip', '-i', source, '-o', out, '--oe', 'oe1234'],
    ]) {
      const r = await asNobody(args);
      expect(r.exitCode, `${args[0]}: ${r.stderr}`).toBe(3);
      expect(r.stderr, args[0]).toMatch(/permission denied/i);
      expect(r.stderr, args[0]).not.toMatch(/a bug|\n {4}at /);
    }
    expect(await readdir(out)).toEqual([]);
  });

  it.runIf(canMount)('refuses up front, exit 3, when the output disk is too small (needs root to mount a tmpfs)', async () => {
    const mnt = join(work.dir, 'small-disk');
    await mkdir(mnt, { recursive: true });
    await execa('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mnt]);
    try {
      const r = await avpres(['normalise', '-i', await fixture('sd-v210'), '-o', join(mnt, 'out')]);
      expect(r.exitCode).toBe(3);
      expect(r.stderr).toMatch(/not enough free space in .*small-disk\/out/);
    } finally {
      await execa('umount', [mnt]);
    }
  });

  it.runIf(canMount)('exits 3 and leaves no partial when the disk fills during the encode (needs root to mount a tmpfs)', async () => {
    const source = join(work.dir, 'noisy.mov');
    await makeCapture(ffmpegPath(), { ...SD_V210, seconds: 4, noise: 30 }, source);
    const size = (await stat(source)).size;
    const mnt = join(work.dir, 'filling-disk');
    await mkdir(mnt, { recursive: true });
    // Room for the preflight estimate (75% of the source + 64 MB), then another process fills it.
    const room = Math.ceil(size * 0.75) + 80 * 1024 * 1024;
    await execa('mount', ['-t', 'tmpfs', '-o', `size=${room}`, 'tmpfs', mnt]);
    try {
      const out = join(mnt, 'out');
      const child = execa(process.execPath, [AVPRES, 'normalise', '-i', source, '-o', out], { reject: false });
      const started = Date.now();
      while (!existsSync(join(out, 'noisy.mkv.partial')) && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 20));
      await writeFile(join(mnt, 'filler.bin'), Buffer.alloc(room)).catch(() => undefined); // fills the disk
      const r = await child;
      expect(r.exitCode, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/no space left/i);
      // Not even the run's own log (its PREMIS) failing to fit is reported as a bug.
      expect(r.stderr).not.toMatch(/a bug/);
      expect((await readdir(out)).filter((n) => n.includes('.partial') || n.endsWith('.mkv'))).toEqual([]);
    } finally {
      await execa('umount', [mnt]);
    }
  });
});
