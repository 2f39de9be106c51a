// normalise against its baselines, on the same files in the same run:
//  - a bare ffmpeg FFV1 encode (what the encode alone costs),
//  - the two-pass pipeline archives use today: pass 1 encodes and writes the source
//    framemd5 in the same ffmpeg run, pass 2 decodes the MKV for its framemd5.
// Media: noisy test patterns (as hard to compress as real video), 20 s SD v210 and 10 s 1080i.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeCapture, SD_V210, HD_COLOUR } from '@avpres/fixtures';
import { best } from './measure.mjs';

const CASES = [
  { name: 'SD v210 20 s', file: 'sd-v210-20s.mov', spec: { ...SD_V210, seconds: 20, noise: 12 }, slices: 16, pix: 'yuv422p10le' },
  {
    name: '1080i v210 10 s',
    file: 'hd-v210-1080i-10s.mov',
    spec: { width: 1920, height: 1080, rate: '25', seconds: 10, codec: 'v210', pixFmt: 'yuv422p10le', fieldOrder: 'tt', sar: '1/1', audioChannels: 2, colour: HD_COLOUR, noise: 12 },
    slices: 24,
    pix: 'yuv422p10le',
  },
];

const RUNS = Number(process.env.BENCH_RUNS ?? 2);

export async function bench({ workDir, ffmpeg, avpres, node, log }) {
  mkdirSync(workDir, { recursive: true });
  const rows = [];
  for (const c of CASES) {
    const src = join(workDir, c.file);
    if (!existsSync(src)) {
      log(`making ${c.name}: ${src}`);
      await makeCapture(ffmpeg, c.spec, src);
    }
    const ffv1 = ['-c:v', 'ffv1', '-level', '3', '-g', '1', '-slicecrc', '1', '-slices', String(c.slices), '-c:a', 'flac'];
    const hashOut = ['-map', '0:v', '-map', '0:a', '-pix_fmt', c.pix, '-c:a', 'pcm_s24le', '-af', 'asetnsamples=n=1920:p=0', '-f', 'framemd5'];
    const bareOut = join(workDir, 'bare.mkv');
    log(`${c.name}: bare encode`);
    const bare = await best(RUNS, ffmpeg, ['-y', '-v', 'error', '-i', src, '-map', '0:v', '-map', '0:a', ...ffv1, bareOut]);

    log(`${c.name}: two-pass pipeline`);
    const twoPass = { seconds: Infinity, peakMiB: 0 };
    for (let i = 0; i < RUNS; i++) {
      const p1 = await best(1, ffmpeg, ['-y', '-v', 'error', '-i', src, '-map', '0:v', '-map', '0:a', ...ffv1, join(workDir, 'two.mkv'), ...hashOut, join(workDir, 'two_src.framemd5')]);
      const p2 = await best(1, ffmpeg, ['-y', '-v', 'error', '-i', join(workDir, 'two.mkv'), ...hashOut, join(workDir, 'two_out.framemd5')]);
      if (p1.seconds + p2.seconds < twoPass.seconds) Object.assign(twoPass, { seconds: p1.seconds + p2.seconds, peakMiB: Math.max(p1.peakMiB, p2.peakMiB) });
    }

    log(`${c.name}: avpres normalise`);
    const out = join(workDir, 'out');
    const ours = { seconds: Infinity, peakMiB: 0 };
    for (let i = 0; i < RUNS; i++) {
      rmSync(out, { recursive: true, force: true });
      const r = await best(1, node, [avpres, 'normalise', '-q', '-i', src, '-o', out, '--ffmpeg', ffmpeg]);
      if (r.seconds < ours.seconds) Object.assign(ours, r);
    }
    rows.push(
      { tool: 'normalise', case: c.name, label: 'bare ffmpeg FFV1 encode', ...bare },
      { tool: 'normalise', case: c.name, label: 'two-pass pipeline', ...twoPass, ratio: twoPass.seconds / bare.seconds, baseline: 'bare encode' },
      { tool: 'normalise', case: c.name, label: 'avpres normalise', ...ours, ratio: ours.seconds / bare.seconds, baseline: 'bare encode' },
      { tool: 'normalise', case: c.name, label: 'avpres normalise', ...ours, ratio: ours.seconds / twoPass.seconds, baseline: 'two-pass pipeline' },
    );
  }
  return rows;
}
