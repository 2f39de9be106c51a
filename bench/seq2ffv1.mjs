// seq2ffv1 (pre-pass + FFV1 encode + full reversal check) against a bare ffmpeg FFV1 encode
// of the same 2K 10-bit DPX sequence with the same settings. The sequence (48 frames of
// 2048x1556 RGB 10-bit, ~612 MB, film grain from ffmpeg's noise filter) is made once in
// bench/work/seq2ffv1 by ffmpeg's DPX encoder.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { best } from './measure.mjs';

const FRAMES = 48;

function folderBytes(dir) {
  return readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

// The machine is shared: wall time swings with the other jobs, CPU time (user + sys of the
// whole process tree, from GNU time) much less. Both are reported.
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

async function timed(n, cmd, args, cpuFile) {
  if (!TIME) return { ...(await best(n, cmd, args)), cpu: undefined };
  let found;
  for (let i = 0; i < n; i++) {
    const r = await best(1, TIME, ['-f', '%U %S', '-o', cpuFile, cmd, ...args]);
    const [user, sys] = readFileSync(cpuFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
    r.cpu = user + sys;
    if (!found || r.seconds < found.seconds) found = r;
  }
  return found;
}

export async function bench({ workDir, ffmpeg, avpres, node, log }) {
  mkdirSync(workDir, { recursive: true });
  const scan = join(workDir, 'reel_2k');
  if (!existsSync(scan)) {
    log(`making ${FRAMES} frames of 2048x1556 RGB 10-bit DPX`);
    const tmp = `${scan}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp);
    execFileSync(ffmpeg, [
      '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=2048x1556:r=24',
      '-vf', 'format=yuv444p,noise=alls=8:allf=t,format=gbrp10be',
      '-frames:v', String(FRAMES), '-c:v', 'dpx', join(tmp, 'reel_2k_%07d.dpx'),
    ]);
    renameSync(tmp, scan);
  }
  const dpxBytes = folderBytes(scan);
  const bareMkv = join(workDir, 'bare.mkv');
  const cpuFile = join(workDir, 'cpu.txt');
  const bare = await timed(2, ffmpeg, [
    '-y', '-v', 'error', '-f', 'image2', '-framerate', '24', '-start_number', '1', '-i', join(scan, 'reel_2k_%07d.dpx'),
    '-map', '0:v:0', '-c:v', 'ffv1', '-level', '3', '-g', '1', '-slicecrc', '1', '-slices', '24', '-pix_fmt', 'gbrp10le', '-f', 'matroska', bareMkv,
  ], cpuFile);
  const out = join(workDir, 'out');
  const run = async () => {
    rmSync(out, { recursive: true, force: true });
    return timed(1, node, [avpres, 'seq2ffv1', '-q', '--engine', 'builtin', '-i', scan, '-o', out], cpuFile);
  };
  let tool = await run();
  const second = await run();
  if (second.seconds < tool.seconds) tool = second;
  const mkvBytes = statSync(join(out, 'reel_2k.mkv')).size;
  const caseName = `2K 10-bit DPX, ${FRAMES} frames (${(dpxBytes / 1e6).toFixed(0)} MB)`;
  const cpu = (r) => (r.cpu === undefined ? 'CPU time not measured' : `CPU ${r.cpu.toFixed(1)} s`);
  const { cpu: bareCpu, ...bareRow } = bare;
  const { cpu: toolCpu, ...toolRow } = tool;
  return [
    { tool: 'seq2ffv1', case: caseName, label: 'bare ffmpeg FFV1 encode', ...bareRow, note: cpu(bare) },
    {
      tool: 'seq2ffv1',
      case: caseName,
      label: 'seq2ffv1 builtin: encode + full reversal check',
      ...toolRow,
      baseline: 'bare ffmpeg FFV1 encode',
      ratio: tool.seconds / bare.seconds,
      note: `${cpu(tool)}${toolCpu !== undefined && bareCpu !== undefined ? ` = ${(toolCpu / bareCpu).toFixed(2)}x the bare encode's CPU` : ''}; MKV ${(mkvBytes / 1e6).toFixed(0)} MB = ${(mkvBytes / dpxBytes).toFixed(3)} of the DPX size (bare ffmpeg MKV ${(statSync(bareMkv).size / 1e6).toFixed(0)} MB)`,
    },
  ];
}
