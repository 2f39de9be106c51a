// normalise against its baselines, on the same files in the same run:
//  - a bare ffmpeg FFV1 encode (what the encode alone costs),
//  - the two-pass pipeline archives use today: pass 1 encodes and writes the source
//    framemd5 in the same ffmpeg run, pass 2 decodes the MKV for its framemd5.
// Media, each 20 s SD v210 and 10 s 1080i v210 with 24-bit stereo PCM:
//  - "plain": the bare testsrc2 pattern, cheap to encode (the kind of media issue 6 was
//    measured on: there md5 hashing and single-threaded decoding weigh most);
//  - "noise 12": the same pattern with film-grain-like noise, as hard to compress as a real
//    tape transfer; here the FFV1 encode alone keeps both cores busy.
// Wall time swings with the other jobs on a shared machine, so each row's note also gives
// its CPU time (user + sys, GNU time): what the run costs whatever else was running.
// BENCH_RUNS (default 2) runs per figure, best kept; BENCH_CASES=plain (or noise, SD, 1080i)
// runs only the cases whose name contains that text.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeCapture, SD_V210, HD_COLOUR } from '@avpres/fixtures';
import { runProgram } from '@avpres/media';
import { best } from './measure.mjs';

const HD_1080I = { width: 1920, height: 1080, rate: '25', seconds: 10, codec: 'v210', pixFmt: 'yuv422p10le', fieldOrder: 'tt', sar: '1/1', audioChannels: 2, colour: HD_COLOUR };
const CASES = [
  { name: 'SD v210 20 s, plain', file: 'sd-v210-20s-plain.mov', spec: { ...SD_V210, seconds: 20 }, slices: 16 },
  { name: 'SD v210 20 s, noise 12', file: 'sd-v210-20s.mov', spec: { ...SD_V210, seconds: 20, noise: 12 }, slices: 16 },
  { name: '1080i v210 10 s, plain', file: 'hd-v210-1080i-10s-plain.mov', spec: HD_1080I, slices: 24 },
  { name: '1080i v210 10 s, noise 12', file: 'hd-v210-1080i-10s.mov', spec: { ...HD_1080I, noise: 12 }, slices: 24 },
];

const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

export async function bench({ workDir, ffmpeg, avpres, node, log }) {
  mkdirSync(workDir, { recursive: true });
  const version = (await runProgram(ffmpeg, ['-version'], { captureStdout: true })).stdout.split('\n')[0];
  const which = `ffmpeg: ${ffmpeg} (${version})`;
  log(which);
  const cpuFile = join(workDir, 'cpu.txt');
  /** Best of `n` by wall time, with that run's CPU time (NaN without GNU time). */
  const timed = async (n, cmd, args) => {
    let found;
    for (let i = 0; i < n; i++) {
      let r;
      if (TIME) {
        r = await best(1, TIME, ['-f', '%U %S', '-o', cpuFile, cmd, ...args]);
        const [user, sys] = readFileSync(cpuFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
        r.cpu = user + sys;
      } else r = { ...(await best(1, cmd, args)), cpu: NaN };
      if (!found || r.seconds < found.seconds) found = r;
    }
    return found;
  };
  const cpuNote = (r) => `CPU ${r.cpu.toFixed(1)} s (${(r.cpu / r.seconds).toFixed(2)} cores)`;

  const rows = [];
  const wanted = CASES.filter((c) => !process.env.BENCH_CASES || c.name.toLowerCase().includes(process.env.BENCH_CASES.toLowerCase()));
  for (const c of wanted) {
    const src = join(workDir, c.file);
    if (!existsSync(src)) {
      log(`making ${c.name}: ${src}`);
      await makeCapture(ffmpeg, c.spec, src);
    }
    const ffv1 = ['-c:v', 'ffv1', '-level', '3', '-g', '1', '-slicecrc', '1', '-slices', String(c.slices), '-c:a', 'flac'];
    const hashOut = ['-map', '0:v', '-map', '0:a', '-pix_fmt', 'yuv422p10le', '-c:a', 'pcm_s24le', '-af', 'asetnsamples=n=1920:p=0', '-f', 'framemd5'];
    log(`${c.name}: bare encode`);
    const bare = await timed(RUNS, ffmpeg, ['-y', '-v', 'error', '-i', src, '-map', '0:v', '-map', '0:a', ...ffv1, join(workDir, 'bare.mkv')]);

    log(`${c.name}: two-pass pipeline`);
    let twoPass;
    for (let i = 0; i < RUNS; i++) {
      const p1 = await timed(1, ffmpeg, ['-y', '-v', 'error', '-i', src, '-map', '0:v', '-map', '0:a', ...ffv1, join(workDir, 'two.mkv'), ...hashOut, join(workDir, 'two_src.framemd5')]);
      const p2 = await timed(1, ffmpeg, ['-y', '-v', 'error', '-i', join(workDir, 'two.mkv'), ...hashOut, join(workDir, 'two_out.framemd5')]);
      const sum = { seconds: p1.seconds + p2.seconds, peakMiB: Math.max(p1.peakMiB, p2.peakMiB), cpu: p1.cpu + p2.cpu };
      if (!twoPass || sum.seconds < twoPass.seconds) twoPass = sum;
    }

    log(`${c.name}: avpres normalise`);
    const out = join(workDir, 'out');
    let ours;
    for (let i = 0; i < RUNS; i++) {
      rmSync(out, { recursive: true, force: true });
      const r = await timed(1, node, [avpres, 'normalise', '-q', '-i', src, '-o', out, '--ffmpeg', ffmpeg]);
      if (!ours || r.seconds < ours.seconds) ours = r;
    }
    rmSync(out, { recursive: true, force: true });
    const row = (label, r, extra = {}) => ({ tool: 'normalise', case: c.name, label, seconds: r.seconds, peakMiB: r.peakMiB, note: cpuNote(r), ...extra });
    rows.push(
      row('bare ffmpeg FFV1 encode', bare, c === wanted[0] ? { note: `${cpuNote(bare)}; ${which}` } : {}),
      row('two-pass pipeline', twoPass, { ratio: twoPass.seconds / bare.seconds, baseline: 'bare encode' }),
      row('avpres normalise', ours, { ratio: ours.seconds / bare.seconds, baseline: 'bare encode' }),
      { ...row('avpres normalise', ours, { ratio: ours.seconds / twoPass.seconds, baseline: 'two-pass pipeline' }), note: undefined },
    );
  }
  return rows;
}
