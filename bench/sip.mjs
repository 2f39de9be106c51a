// sip and validate against the commands an archivist would otherwise run, on the same
// 1 GiB file in the same run (everything is in the page cache after the first read):
//  - sip: `cp` then `md5sum` of the copy (a copy and a manifest, no verification);
//    ours reads the source once while copying and re-reads the copy; the package check
//    before the rename re-reads every other file; plus MediaInfo and PREMIS.
//  - sip --link: `ln` then `md5sum` of the link.
//  - validate: `md5sum -c` of the IFI manifest in the oe folder.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readdirSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { best, measure } from './measure.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const SIZE_MIB = Number(process.env.BENCH_SIP_MIB ?? 1024);

export async function bench({ workDir, avpres, node, log }) {
  mkdirSync(workDir, { recursive: true });
  const src = join(workDir, `source ${SIZE_MIB} MiB.bin`);
  if (!existsSync(src)) {
    log(`making ${src}`);
    const fd = openSync(src, 'w');
    for (let i = 0; i < SIZE_MIB; i++) writeSync(fd, randomBytes(1024 * 1024));
    closeSync(fd);
  }
  const label = `${SIZE_MIB} MiB file`;
  const rows = [];
  const fresh = (name) => {
    const dir = join(workDir, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    return dir;
  };

  log('cp + md5sum');
  const base = { seconds: Infinity, peakMiB: 0 };
  for (let i = 0; i < RUNS; i++) {
    const dir = fresh('baseline');
    const cp = await measure('cp', [src, join(dir, 'copy.bin')]);
    const md5 = await measure('md5sum', [join(dir, 'copy.bin')]);
    if (cp.seconds + md5.seconds < base.seconds) Object.assign(base, { seconds: cp.seconds + md5.seconds, peakMiB: Math.max(cp.peakMiB, md5.peakMiB) });
  }
  log('avpres sip');
  let ours = { seconds: Infinity };
  for (let i = 0; i < RUNS; i++) {
    const r = await measure(node, [avpres, 'sip', '-q', '-i', src, '-o', fresh('sip'), '--oe', 'oe1']);
    if (r.seconds < ours.seconds) ours = r;
  }
  log('ln + md5sum');
  const linkBase = { seconds: Infinity, peakMiB: 0 };
  for (let i = 0; i < RUNS; i++) {
    const dir = fresh('baseline-link');
    const ln = await measure('ln', [src, join(dir, 'link.bin')]);
    const md5 = await measure('md5sum', [join(dir, 'link.bin')]);
    if (ln.seconds + md5.seconds < linkBase.seconds) Object.assign(linkBase, { seconds: ln.seconds + md5.seconds, peakMiB: Math.max(ln.peakMiB, md5.peakMiB) });
  }
  log('avpres sip --link');
  let linked = { seconds: Infinity };
  for (let i = 0; i < RUNS; i++) {
    const r = await measure(node, [avpres, 'sip', '-q', '--link', '-i', src, '-o', fresh('sip-link'), '--oe', 'oe1']);
    if (r.seconds < linked.seconds) linked = r;
  }

  const oe = join(workDir, 'sip', 'oe1');
  const manifest = readdirSync(oe).find((n) => n.endsWith('_manifest.md5'));
  log('md5sum -c');
  const check = await best(RUNS, 'md5sum', ['--quiet', '-c', manifest], { cwd: oe });
  log('avpres validate');
  const validate = await best(RUNS, node, [avpres, 'validate', '-q', oe]);

  rows.push(
    { tool: 'sip', case: label, label: 'cp + md5sum', ...base },
    { tool: 'sip', case: label, label: 'avpres sip', ...ours, ratio: ours.seconds / base.seconds, baseline: 'cp + md5sum', note: 'reads: the source once and the copy once, plus MediaInfo' },
    { tool: 'sip', case: label, label: 'ln + md5sum', ...linkBase },
    { tool: 'sip', case: label, label: 'avpres sip --link', ...linked, ratio: linked.seconds / linkBase.seconds, baseline: 'ln + md5sum' },
    { tool: 'validate', case: label, label: 'md5sum -c', ...check },
    { tool: 'validate', case: label, label: 'avpres validate', ...validate, ratio: validate.seconds / check.seconds, baseline: 'md5sum -c' },
  );
  return rows;
}
