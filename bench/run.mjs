// `npm run bench [tool...]`: each tool against its baseline, measured in the same run on the
// same generated media. Prints ratios (tool time / baseline time) and peak memory, and
// writes bench/results.json. Each bench/<tool>.mjs exports `bench(ctx)` returning rows:
// { tool, case, label, seconds, peakMiB, baseline?: string, ratio?: number, note?: string }.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireTool } from '@avpres/media';

const here = dirname(fileURLToPath(import.meta.url));
const ALL = ['copyit', 'normalise', 'seq2ffv1', 'access', 'sip', 'batch'];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : ALL.filter((t) => existsSync(join(here, `${t}.mjs`)));
const workDir = join(here, 'work');
mkdirSync(workDir, { recursive: true });
const ffmpeg = requireTool('ffmpeg', { env: process.env, cwd: process.cwd() }).path;
const avpres = join(here, '..', 'bin', 'avpres.js');

const rows = [];
for (const tool of wanted) {
  const file = join(here, `${tool}.mjs`);
  if (!existsSync(file)) {
    console.error(`no benchmark for ${tool} (bench/${tool}.mjs)`);
    process.exitCode = 2;
    continue;
  }
  const { bench } = await import(file);
  console.error(`== ${tool}`);
  const got = await bench({ workDir: join(workDir, tool), ffmpeg, avpres, node: process.execPath, log: (s) => console.error(s) });
  rows.push(...got);
}

const table = [['tool', 'case', 'run', 'seconds', 'peak MiB', 'ratio', 'vs']];
for (const r of rows) {
  table.push([r.tool, r.case, r.label, r.seconds.toFixed(2), r.peakMiB.toFixed(0), r.ratio === undefined ? '' : r.ratio.toFixed(2) + 'x', r.baseline ?? '']);
}
const widths = table[0].map((_, i) => Math.max(...table.map((row) => String(row[i]).length)));
for (const row of table) console.log(row.map((c, i) => String(c).padEnd(widths[i])).join('  '));
const notes = rows.filter((r) => r.note).map((r) => `${r.tool}/${r.case}/${r.label}: ${r.note}`);
if (notes.length) console.log('\n' + notes.join('\n'));
writeFileSync(join(here, 'results.json'), JSON.stringify({ date: new Date().toISOString(), ffmpeg, rows }, null, 2) + '\n');
console.error(`wrote ${join(here, 'results.json')}`);
