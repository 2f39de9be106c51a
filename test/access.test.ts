import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '@avpres/fixtures';
import { ROOT, avpres, ffmpegPath, ffprobeJson, md5File, tempDir, type CliRun } from './helpers/cli.js';

// End-to-end: the built `avpres access` on generated masters, checked with ffmpeg/ffprobe
// and by reading the MP4 ourselves.

let work: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  work = await tempDir('avpres-access-');
});
afterAll(async () => work.cleanup());

const COPYRIGHT = '© 2026 Example Film Archive — access copy';

interface Summary {
  ok: boolean;
  exitCode: number;
  inputs: Array<{
    input: string;
    status: string;
    reason?: string;
    outputs: Array<{ path: string; role: string; size: number; md5?: string }>;
    verification?: { method: string; outcome: string; detail: string };
    details?: Record<string, unknown> & { filterGraph: string; ffmpegArgs: string[]; deinterlace: { deinterlace: boolean; basis: string; evidence: string } };
  }>;
  log?: { human: string; events: string };
}

async function runJson(args: string[]): Promise<{ run: CliRun; summary: Summary }> {
  const run = await avpres(['access', ...args, '--json']);
  expect(run.exitCode, run.stderr).toBe(0);
  return { run, summary: JSON.parse(run.stdout) as Summary };
}

async function events(summary: Summary): Promise<Array<{ type: string; outcome: string; detail: string; program?: { args: string[] } }>> {
  const text = await readFile(summary.log!.events, 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((r) => r.kind === 'event')
    .map((r) => r.event);
}

/** Top-level MP4 boxes, or the children of a box's payload, read from the bytes. */
function boxes(data: Buffer, from = 0, to = data.length): Array<{ type: string; start: number; end: number }> {
  const found = [];
  let at = from;
  while (at + 8 <= to) {
    let size = data.readUInt32BE(at);
    const type = data.toString('latin1', at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      size = Number(data.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) size = to - at;
    found.push({ type, start: at + header, end: at + size });
    at += size;
  }
  return found;
}

/**
 * The luma plane of one decoded frame, by ffmpeg alone. Luma, not RGB: converting to RGB
 * depends on which matrix each decoder's frames claim, which differs between ffmpeg builds.
 */
async function lumaFrame(args: { file: string; frame: number; before?: string[]; filters?: string }): Promise<Buffer> {
  const vf = [args.filters, `select=eq(n\\,${args.frame})`].filter(Boolean).join(',');
  const r = await execa(ffmpegPath(), ['-hide_banner', '-nostdin', '-v', 'error', ...(args.before ?? []), '-i', args.file, '-map', '0:v:0', '-vf', vf, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], {
    encoding: 'buffer',
    stdin: 'ignore',
  });
  return Buffer.from(r.stdout as Uint8Array);
}

/** Pixels the default watermark covers (alpha over one half) at a frame size. */
async function watermarkMask(png: string, width: number, height: number): Promise<boolean[]> {
  const r = await execa(ffmpegPath(), ['-hide_banner', '-v', 'error', '-i', png, '-vf', `scale=${width}:${height},format=rgba`, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], { encoding: 'buffer', stdin: 'ignore' });
  const rgba = Buffer.from(r.stdout as Uint8Array);
  return Array.from({ length: width * height }, (_, i) => rgba[i * 4 + 3]! > 128);
}

/** Mean absolute difference of two luma planes, inside and outside a mask. */
function meanDiff(a: Buffer, b: Buffer, mask: boolean[]): { inside: number; outside: number } {
  expect(a.length).toBe(mask.length);
  expect(b.length).toBe(mask.length);
  let inSum = 0;
  let inN = 0;
  let outSum = 0;
  let outN = 0;
  for (let p = 0; p < mask.length; p++) {
    const d = Math.abs(a[p]! - b[p]!);
    if (mask[p]) {
      inSum += d;
      inN++;
    } else {
      outSum += d;
      outN++;
    }
  }
  return { inside: inSum / inN, outside: outSum / outN };
}

describe('SD interlaced v210 with the defaults (slow preset, © watermark) and a copyright', () => {
  let source: string;
  let sourceMd5: string;
  let out: string;
  let summary: Summary;
  let mp4: string;
  beforeAll(async () => {
    source = await fixture('sd-v210');
    sourceMd5 = await md5File(source);
    out = join(work.dir, 'sd');
    ({ summary } = await runJson(['-i', source, '-o', out, '--copyright', COPYRIGHT]));
    mp4 = join(out, 'sd-v210-tff_access.mp4');
  });

  it('reports the access copy with its md5 and the ffprobe check in --json', async () => {
    expect(summary).toMatchObject({ ok: true, exitCode: 0 });
    const [input] = summary.inputs;
    expect(input!.status).toBe('done');
    expect(input!.outputs).toEqual([{ path: mp4, role: 'access copy', size: expect.any(Number), md5: await md5File(mp4) }]);
    expect(input!.verification).toMatchObject({ method: 'ffprobe check', outcome: 'pass' });
    expect((await readdir(out)).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('leaves the source untouched', async () => {
    expect(await md5File(source)).toBe(sourceMd5);
  });

  it('is progressive H.264 High 4:2:0 at 768x576 square pixels (4:3), tagged BT.601, with AAC 48 kHz stereo', async () => {
    const probe = await ffprobeJson(mp4);
    const video = probe.streams.find((s) => s['codec_type'] === 'video')!;
    const audio = probe.streams.find((s) => s['codec_type'] === 'audio')!;
    expect(video).toMatchObject({
      codec_name: 'h264',
      profile: 'High',
      pix_fmt: 'yuv420p',
      width: 768,
      height: 576,
      sample_aspect_ratio: '1:1',
      display_aspect_ratio: '4:3',
      field_order: 'progressive',
      level: 31,
      color_primaries: 'bt470bg',
      color_transfer: 'bt709',
    });
    expect(['smpte170m', 'bt470bg']).toContain(video['color_space']);
    expect(audio).toMatchObject({ codec_name: 'aac', sample_rate: '48000', channels: 2 });
    expect(Number(video['nb_frames'])).toBe(50);
  });

  it('was deinterlaced because the tag said TFF: the decision event and the graph agree', async () => {
    const details = summary.inputs[0]!.details!;
    expect(details.deinterlace).toMatchObject({ deinterlace: true, parity: 'tff', basis: 'field-order tag', evidence: 'field_order tt' });
    expect(details.filterGraph).toMatch(/^\[0:0\]bwdif=mode=send_frame:parity=tff,scale=w=768:h=576/);
    const all = await events(summary);
    const decision = all.find((e) => e.type === 'metadata extraction')!;
    expect(decision.detail).toMatch(/deinterlace with bwdif, top field first \(field-order tag: field_order tt\)/);
    const creation = all.find((e) => e.type === 'creation')!;
    expect(creation.outcome).toBe('success');
    expect(creation.program!.args).toContain(details.filterGraph);
  });

  it('carries the copyright in the MP4 metadata (moov/udta/meta/ilst/cprt), readable by ffprobe', async () => {
    const probe = await ffprobeJson(mp4);
    expect(probe.format['tags']).toMatchObject({ copyright: COPYRIGHT });
    // ffmpeg's mp4 muxer writes the copyright as the iTunes-style "cprt" item of the
    // metadata list (not the 3GPP udta/cprt box, which it writes only for .3gp).
    const data = await readFile(mp4);
    const child = (parent: { start: number; end: number }, type: string, skip = 0) =>
      boxes(data, parent.start + skip, parent.end).find((b) => b.type === type);
    const moov = boxes(data).find((b) => b.type === 'moov')!;
    const udta = child(moov, 'udta')!;
    const meta = child(udta, 'meta')!;
    const ilst = child(meta, 'ilst', 4)!; // meta is a full box: version and flags first
    const cprt = child(ilst, 'cprt');
    expect(cprt, 'moov/udta/meta/ilst/cprt').toBeDefined();
    const value = child(cprt!, 'data')!;
    // data box: type indicator (1 = UTF-8) and locale, then the text.
    expect(data.readUInt32BE(value.start)).toBe(1);
    expect(data.subarray(value.start + 8, value.end).toString('utf8')).toBe(COPYRIGHT);
  });

  it('puts moov before mdat, so browsers can play it while it downloads', async () => {
    const top = boxes(await readFile(mp4)).map((b) => b.type);
    expect(top.indexOf('moov')).toBeGreaterThan(-1);
    expect(top.indexOf('moov')).toBeLessThan(top.indexOf('mdat'));
  });

  it('leaks no source metadata (languages, encoder names, timecode)', async () => {
    const probe = await ffprobeJson(mp4);
    const formatTags = Object.keys((probe.format['tags'] as Record<string, string>) ?? {});
    expect(formatTags.filter((k) => !['major_brand', 'minor_version', 'compatible_brands', 'encoder', 'copyright'].includes(k))).toEqual([]);
    for (const s of probe.streams) {
      const tags = (s['tags'] as Record<string, string>) ?? {};
      expect(tags['timecode']).toBeUndefined();
      expect(tags['encoder'] ?? '').not.toMatch(/v210/);
      expect(tags['language'] ?? 'und').toBe('und');
    }
  });
});

describe('trim and watermark', () => {
  let source: string;
  let marked: string;
  let plain: string;
  beforeAll(async () => {
    source = await fixture('sd-v210');
    const common = ['-i', source, '--start', '0.4', '--duration', '1', '--preset', 'veryfast'];
    await Promise.all([
      runJson([...common, '-o', join(work.dir, 'marked')]),
      runJson([...common, '-o', join(work.dir, 'plain'), '--watermark', 'none']),
    ]);
    marked = join(work.dir, 'marked', 'sd-v210-tff_access.mp4');
    plain = join(work.dir, 'plain', 'sd-v210-tff_access.mp4');
  });

  it('lasts the requested second, within one frame', async () => {
    const video = (await ffprobeJson(marked)).streams.find((s) => s['codec_type'] === 'video')!;
    expect(Math.abs(Number(video['duration']) - 1)).toBeLessThanOrEqual(0.04);
    expect(Number(video['nb_frames'])).toBe(25);
  });

  it('starts at the requested frame (the copy matches the source decoded from 0.4 s)', async () => {
    const reference = await lumaFrame({ file: source, frame: 0, before: ['-ss', '0.4'], filters: 'bwdif=mode=send_frame:parity=tff,scale=768:576,format=yuv420p' });
    const wrongStart = await lumaFrame({ file: source, frame: 0, before: ['-ss', '0.2'], filters: 'bwdif=mode=send_frame:parity=tff,scale=768:576,format=yuv420p' });
    const copy = await lumaFrame({ file: plain, frame: 0 });
    const all = Array<boolean>(768 * 576).fill(true);
    const right = meanDiff(copy, reference, all).inside;
    const wrong = meanDiff(copy, wrongStart, all).inside;
    expect(right).toBeLessThan(wrong / 2);
  });

  it('shows the © where the watermark is, and only there; none shows nothing', async () => {
    const mask = await watermarkMask(join(ROOT, 'watermarks', 'copyright-4x3.png'), 768, 576);
    expect(mask.filter(Boolean).length).toBeGreaterThan(2000);
    const reference = await lumaFrame({ file: source, frame: 12, before: ['-ss', '0.4'], filters: 'bwdif=mode=send_frame:parity=tff,scale=768:576,format=yuv420p' });
    const withMark = meanDiff(await lumaFrame({ file: marked, frame: 12 }), reference, mask);
    const without = meanDiff(await lumaFrame({ file: plain, frame: 12 }), reference, mask);
    console.log(`watermark pixel check, mean |difference| from the source: with the mark ${JSON.stringify(withMark)}, with none ${JSON.stringify(without)}`);
    // Encoding noise is small everywhere; the mark moves luma 20% of the way to white or black.
    expect(withMark.inside).toBeGreaterThan(8);
    expect(withMark.inside).toBeGreaterThan(4 * withMark.outside);
    expect(withMark.inside - without.inside).toBeGreaterThan(10);
    expect(without.inside).toBeLessThan(withMark.inside / 4);
  });
});

describe('other archive sizes', () => {
  it('widens 1440x1080 HDV (SAR 4:3, TFF, mono) to 1920x1080 16:9 with stereo sound', async () => {
    const source = await fixture('hdv-1440');
    const out = join(work.dir, 'hdv');
    const { summary } = await runJson(['-i', source, '-o', out, '--preset', 'superfast']);
    const probe = await ffprobeJson(summary.inputs[0]!.outputs[0]!.path);
    const video = probe.streams.find((s) => s['codec_type'] === 'video')!;
    expect(video).toMatchObject({ width: 1920, height: 1080, sample_aspect_ratio: '1:1', display_aspect_ratio: '16:9', profile: 'High', pix_fmt: 'yuv420p', field_order: 'progressive', color_primaries: 'bt709', color_space: 'bt709' });
    expect(probe.streams.find((s) => s['codec_type'] === 'audio')).toMatchObject({ codec_name: 'aac', channels: 2, sample_rate: '48000' });
    expect(summary.inputs[0]!.details!.filterGraph).toContain('bwdif=mode=send_frame:parity=tff');
    expect(summary.inputs[0]!.details!.filterGraph).toContain('pan=stereo|c0=c0|c1=c0');
  });

  it('does not deinterlace a progressive 720p source: not in the graph, the event, or the picture', async () => {
    const source = await fixture('hd-prores-prog');
    const out = join(work.dir, 'prog');
    const { summary } = await runJson(['-i', source, '-o', out, '--preset', 'veryfast', '--watermark', 'none']);
    const input = summary.inputs[0]!;
    expect(input.details!.filterGraph).not.toContain('bwdif');
    expect(input.details!.deinterlace).toMatchObject({ deinterlace: false, basis: 'field-order tag', evidence: 'field_order progressive' });
    const decision = (await events(summary)).find((e) => e.type === 'metadata extraction')!;
    expect(decision.detail).toMatch(/not deinterlaced \(field-order tag: field_order progressive\)/);
    const creation = (await events(summary)).find((e) => e.type === 'creation')!;
    expect(creation.program!.args.join(' ')).not.toContain('bwdif');

    const mp4 = input.outputs[0]!.path;
    const video = (await ffprobeJson(mp4)).streams.find((s) => s['codec_type'] === 'video')!;
    expect(video).toMatchObject({ width: 1280, height: 720, field_order: 'progressive' });
    // The picture is the source's own frame, not a bwdif reconstruction of it: where the two
    // differ (moving edges), the copy follows the source.
    const copy = await lumaFrame({ file: mp4, frame: 10 });
    const asIs = await lumaFrame({ file: source, frame: 10, filters: 'format=yuv420p' });
    const deinterlaced = await lumaFrame({ file: source, frame: 10, filters: 'bwdif=mode=send_frame:parity=tff,format=yuv420p' });
    const differs = Array.from({ length: 1280 * 720 }, (_, p) => Math.abs(asIs[p]! - deinterlaced[p]!) > 8);
    expect(differs.filter(Boolean).length).toBeGreaterThan(1000);
    const fromSource = meanDiff(copy, asIs, differs).inside;
    const fromBwdif = meanDiff(copy, deinterlaced, differs).inside;
    console.log(`progressive check, where bwdif would change the picture the copy is ${fromSource.toFixed(2)} from the source frame, ${fromBwdif.toFixed(2)} from a bwdif'd one`);
    expect(fromSource).toBeLessThan(fromBwdif / 3);
  });
});

describe('an AVI without a field-order tag, with 5.1 sound', () => {
  it('asks idet, logs its counts, acts on a clear verdict and folds 5.1 down to stereo', async () => {
    const source = await fixture('sd-untagged');
    const { summary } = await runJson(['-i', source, '-o', join(work.dir, 'untagged'), '--preset', 'superfast']);
    const input = summary.inputs[0]!;
    const decision = input.details!.deinterlace;
    expect(decision.basis).toBe('idet');
    expect(decision.evidence).toMatch(/^field_order absent; idet multi-frame: TFF \d+, BFF \d+, progressive \d+/);
    expect(input.details!.filterGraph.includes('bwdif')).toBe(decision.deinterlace);
    const event = (await events(summary)).find((e) => e.type === 'metadata extraction')!;
    expect(event.program!.args).toContain('idet');
    expect(event.detail).toContain(decision.evidence);
    expect(input.details!.audio).toMatch(/5\.1 folded down to stereo/);
    const probe = await ffprobeJson(input.outputs[0]!.path);
    expect(probe.streams.find((s) => s['codec_type'] === 'audio')).toMatchObject({ channels: 2, sample_rate: '48000' });
    // Untagged SD: BT.601 by default, 720x576 without an aspect tag shown at 4:3.
    expect(probe.streams.find((s) => s['codec_type'] === 'video')).toMatchObject({ width: 768, height: 576, color_primaries: 'bt470bg', color_space: 'smpte170m' });
  });
});

describe('Ctrl-C', () => {
  it('stops ffmpeg, removes the partial and exits 130', async () => {
    const source = await fixture('sd-v210');
    const out = join(work.dir, 'interrupted');
    const child = execa(process.execPath, [join(ROOT, 'bin', 'avpres.js'), 'access', '-i', source, '-o', out, '--preset', 'veryslow'], { reject: false, stdin: 'ignore' });
    const partial = join(out, 'sd-v210-tff_access.mp4.partial');
    const deadline = Date.now() + 60_000;
    while (!existsSync(partial) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(partial)).toBe(true);
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(existsSync(partial)).toBe(false);
    expect(existsSync(join(out, 'sd-v210-tff_access.mp4'))).toBe(false);
  });
});
