// avpres access against the single bare ffmpeg command it runs: the same filter graph and
// encoder settings, taken from our own --dry-run, so the ratio is our overhead (probe,
// capability check, ffprobe verification, md5, rename, node) and nothing else.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { HD_UYVY, SD_V210, makeCapture } from '@avpres/fixtures';
import { measure } from './measure.mjs';

const CASES = [
  { name: 'SD v210 20 s', file: 'sd-v210-20s.mov', spec: { ...SD_V210, seconds: 20 } },
  { name: '1080i uyvy 10 s', file: 'hd-1080i-10s.mov', spec: { ...HD_UYVY, seconds: 10 } },
];
const RUNS = 3; // best of three each, alternating ours and bare so drift on a shared machine hits both
const TIME = '/usr/bin/time';

/**
 * Wall time and peak memory (measure.mjs), plus the CPU seconds (user + sys) of the whole
 * process tree from GNU time: on a shared, loaded machine wall time swings by 2x between
 * identical runs, CPU time hardly moves, so both ratios are reported.
 */
async function run(cmd, args, cpuFile) {
  if (!existsSync(TIME)) return { ...(await measure(cmd, args)), cpu: undefined };
  const r = await measure(TIME, ['-f', '%U %S', '-o', cpuFile, cmd, ...args]);
  const [user, sys] = readFileSync(cpuFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { ...r, cpu: user + sys };
}

export async function bench({ workDir, ffmpeg, avpres, node, log }) {
  mkdirSync(workDir, { recursive: true });
  const rows = [];
  for (const c of CASES) {
    const src = join(workDir, c.file);
    if (!existsSync(src)) {
      log(`making ${c.file}`);
      await makeCapture(ffmpeg, c.spec, src);
    }
    const ours = join(workDir, 'ours');
    const bareOut = join(workDir, 'bare.mp4');
    const oursArgs = [avpres, 'access', '-i', src, '-o', ours, '--force', '-q', '--ffmpeg', ffmpeg];
    const bareArgs = bareCommand({ node, avpres, src, ours, ffmpeg, out: bareOut });
    log(`${c.name}: bare = ffmpeg ${bareArgs.join(' ')}`);
    const best = { ours: undefined, bare: undefined };
    const cpu = { ours: Infinity, bare: Infinity };
    for (let i = 0; i < RUNS; i++) {
      for (const which of ['ours', 'bare']) {
        rmSync(bareOut, { force: true });
        const r = which === 'ours' ? await run(node, oursArgs, join(workDir, 'cpu.txt')) : await run(ffmpeg, bareArgs, join(workDir, 'cpu.txt'));
        log(`${c.name}: ${which} ${r.seconds.toFixed(2)} s wall, ${r.cpu?.toFixed(2) ?? '?'} s CPU`);
        if (!best[which] || r.seconds < best[which].seconds) best[which] = r;
        if (r.cpu !== undefined) cpu[which] = Math.min(cpu[which], r.cpu);
      }
    }
    const x = (r) => (c.spec.seconds / r.seconds).toFixed(2);
    const cpuRatio = Number.isFinite(cpu.ours) ? ` CPU ${cpu.ours.toFixed(1)} s vs ${cpu.bare.toFixed(1)} s = ${(cpu.ours / cpu.bare).toFixed(3)}x;` : '';
    const { cpu: _b, ...bareRow } = best.bare;
    const { cpu: _o, ...oursRow } = best.ours;
    rows.push({ tool: 'access', case: c.name, label: 'bare ffmpeg (same graph + x264 settings)', ...bareRow, note: `encode ${x(best.bare)}x realtime` });
    rows.push({
      tool: 'access',
      case: c.name,
      label: 'avpres access (defaults: slow, CRF 18, watermark)',
      ...oursRow,
      baseline: 'bare ffmpeg',
      ratio: best.ours.seconds / best.bare.seconds,
      cpuRatio: Number.isFinite(cpu.ours) ? cpu.ours / cpu.bare : undefined,
      note: `${cpuRatio} encode ${x(best.ours)}x realtime (wall, includes node start, probe, ffprobe check, md5, rename)`,
    });
  }
  return rows;
}

/** Our own --dry-run's ffmpeg argv, minus the progress pipe, writing to a plain .mp4. */
function bareCommand({ node, avpres, src, ours, ffmpeg, out }) {
  const r = spawnSync(node, [avpres, 'access', '-i', src, '-o', ours, '--dry-run', '--json', '--force', '--ffmpeg', ffmpeg], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dry run failed: ${r.stderr}`);
  const args = [...JSON.parse(r.stdout).inputs[0].details.ffmpegArgs];
  const progress = args.indexOf('-progress');
  if (progress !== -1) args.splice(progress, 2);
  args[args.length - 1] = out;
  return args;
}
