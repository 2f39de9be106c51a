// copyit against the three-read workflow archives use today (cp, then md5sum of the
// source, then md5sum of the copy: IFIscripts copyit.py reads each file three times) and
// against plain cp (no proof at all) and cp + sync (the floor of a durable copy), on the same
// data in the same run:
//  - one 2 GB file,
//  - one folder of 2,000 files of 100-900 kB (about 1 GB), like a small scan or a card dump.
// Page cache: when /proc/sys/vm/drop_caches is writable (root), every variant starts cold
// (sync, then drop); otherwise every variant runs warm, and the note says so.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { best } from './measure.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 2);
// Wall time swings with the other jobs on a shared machine; CPU time (user + sys, GNU time)
// is steadier and shows what each variant costs. Writeback the kernel does later for cp is
// nobody's CPU time here; copyit's fsyncs do it in its own threads, so it counts for copyit.
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const BIG_BYTES = 2_000_000_000;
const FOLDER_FILES = 2000;

export async function bench({ workDir, avpres, node, log }) {
  const data = join(workDir, 'data');
  mkdirSync(data, { recursive: true });
  const big = join(data, 'big', 'capture.mov');
  const folder = join(data, 'scan_0001');
  makeBigFile(big, log);
  const folderBytes = makeFolder(folder, log);
  const cold = canDropCaches();
  const note = cold
    ? 'cold page cache: sync + drop_caches before each variant; copyit fsyncs every file, cp and md5sum do not'
    : 'warm page cache (drop_caches not writable); copyit fsyncs every file, cp and md5sum do not';

  const rows = [];
  for (const c of [
    { name: '1 file, 2.0 GB', src: big, bytes: BIG_BYTES, md5sumArgs: () => ['capture.mov'], srcDir: join(data, 'big'), name2: 'capture.mov' },
    { name: `${FOLDER_FILES} files, ${(folderBytes / 1e9).toFixed(1)} GB`, src: folder, bytes: folderBytes, srcDir: data, name2: 'scan_0001' },
  ]) {
    const out = join(workDir, 'out');
    const fresh = () => {
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out, { recursive: true });
      settle(cold);
    };
    // md5sum over every file of the item, relative names, in the item's parent folder.
    const files = listRelative(c.src, c.name2);

    log(`${c.name}: cp`);
    const cpuFile = join(workDir, 'cpu.txt');
    const run = (cmd, args, options) => timed(cmd, args, options, cpuFile);
    const cp = await bestOf(RUNS, fresh, async () => run('cp', ['-r', '--', c.src, out]));

    // The floor of any durable copy: one read, one write to disk, no proof at all.
    log(`${c.name}: cp + sync`);
    const cpSync = await bestOf(RUNS, fresh, async () => {
      const a = await run('cp', ['-r', '--', c.src, out]);
      const e = await best(1, 'sync', []);
      return { ...a, seconds: a.seconds + e.seconds };
    });

    log(`${c.name}: cp + md5sum source + md5sum copy`);
    const three = await bestOf(RUNS, fresh, async () => {
      const a = await run('cp', ['-r', '--', c.src, out]);
      const b = await run('md5sum', ['--', ...files], { cwd: c.srcDir });
      const d = await run('md5sum', ['--', ...files], { cwd: out });
      // What is still dirty then is the copy's data: writing it to disk is what copyit's fsyncs pay.
      const e = await best(1, 'sync', []);
      return { seconds: a.seconds + b.seconds + d.seconds, synced: e.seconds, peakMiB: Math.max(a.peakMiB, b.peakMiB, d.peakMiB), cpu: a.cpu + b.cpu + d.cpu };
    });

    log(`${c.name}: avpres copyit`);
    const ours = await bestOf(RUNS, fresh, async () => {
      const r = await run(node, [avpres, 'copyit', '-q', '--', c.src, out]);
      return { ...r, logged: loggedSeconds(join(out, 'avpres-logs')) };
    });
    log(`${c.name}: avpres copyit --verify md5`);
    const md5Check = await bestOf(RUNS, fresh, async () => run(node, [avpres, 'copyit', '-q', '--verify', 'md5', '--', c.src, out]));

    const mbps = (r) => `${((c.bytes / r.seconds) / 1e6).toFixed(0)} MB/s, CPU ${Number.isNaN(r.cpu) ? '?' : r.cpu.toFixed(1)} s`;
    rows.push(
      { tool: 'copyit', case: c.name, label: 'cp', ...cp, note: `${mbps(cp)}; ${note}` },
      { tool: 'copyit', case: c.name, label: 'cp + sync', ...cpSync, note: `${mbps(cpSync)}; the floor of a durable copy on this disk: the source read once, the copy written out, nothing hashed` },
      { tool: 'copyit', case: c.name, label: 'cp + md5sum src + md5sum dst', seconds: three.seconds, peakMiB: three.peakMiB, note: mbps(three) },
      {
        tool: 'copyit',
        case: c.name,
        label: '... then sync (for reference)',
        seconds: three.seconds + three.synced,
        peakMiB: three.peakMiB,
        note: `the same run plus its sync (${three.synced.toFixed(2)} s): copyit fsyncs each copy, the baseline leaves its data dirty`,
      },
      {
        tool: 'copyit',
        case: c.name,
        label: 'avpres copyit',
        ...ours,
        baseline: 'cp + md5sum x2',
        ratio: ours.seconds / three.seconds,
        note: `${mbps(ours)}; run log START to END ${ours.logged.toFixed(2)} s (the rest: node start-up, and the PREMIS XML written after END)`,
      },
      { tool: 'copyit', case: c.name, label: 'avpres copyit', ...ours, baseline: 'cp + md5sum x2 + sync', ratio: ours.seconds / (three.seconds + three.synced) },
      { tool: 'copyit', case: c.name, label: 'avpres copyit', ...ours, baseline: 'cp + sync', ratio: ours.seconds / cpSync.seconds },
      { tool: 'copyit', case: c.name, label: 'avpres copyit', ...ours, baseline: 'cp', ratio: ours.seconds / cp.seconds },
      {
        tool: 'copyit',
        case: c.name,
        label: 'avpres copyit --verify md5',
        ...md5Check,
        baseline: 'cp + md5sum x2',
        ratio: md5Check.seconds / three.seconds,
        note: `${mbps(md5Check)}; each copy re-hashed by a second md5 (the default before 'bytes')`,
      },
    );
  }
  rmSync(join(workDir, 'out'), { recursive: true, force: true });
  return rows;
}

/** best(1, ...) plus the CPU time of the command (NaN when GNU time is missing). */
async function timed(cmd, args, options, cpuFile) {
  if (!TIME) return { ...(await best(1, cmd, args, options)), cpu: NaN };
  const r = await best(1, TIME, ['-f', '%U %S', '-o', cpuFile, cmd, ...args], options);
  const [user, sys] = readFileSync(cpuFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  return { ...r, cpu: user + sys };
}

async function bestOf(n, prepare, run) {
  let found;
  for (let i = 0; i < n; i++) {
    prepare();
    const r = await run();
    if (!found || r.seconds < found.seconds) found = r;
  }
  return found;
}

/** Seconds between the START and END lines of the run log (the END line precedes the PREMIS XML). */
function loggedSeconds(dir) {
  const log = readdirSync(dir).find((f) => f.endsWith('.log'));
  const lines = readFileSync(join(dir, log), 'utf8').trim().split('\n');
  const time = (line) => Date.parse(line.slice(0, 24));
  return (time(lines.at(-1)) - time(lines[0])) / 1000;
}

function canDropCaches() {
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '3');
    return true;
  } catch {
    return false;
  }
}

/**
 * Write back what the previous variant left dirty, then (if we may) empty the page cache,
 * then wait a little: deleting the last variant's 1-2 GB (the disk is mounted with
 * `discard`) and the VM host's own write-back go on after `sync` returns, and slowed
 * whichever variant came next (copyit right after the baseline ran 7.11 s where alternating
 * runs by hand, 3 s apart, gave 4.8-5.5 s).
 */
function settle(cold) {
  execFileSync('sync');
  if (cold) writeFileSync('/proc/sys/vm/drop_caches', '3');
  execFileSync('sleep', ['3']);
}

function listRelative(src, name) {
  if (statSync(src).isFile()) return [name];
  return readdirSync(src, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(name, e.parentPath.slice(src.length + 1), e.name))
    .sort();
}

/** Incompressible-looking data, made once and reused (bench/work is kept between runs). */
function makeBigFile(path, log) {
  if (existsSync(path) && statSync(path).size === BIG_BYTES) return;
  log(`making ${path} (${BIG_BYTES} bytes)`);
  mkdirSync(join(path, '..'), { recursive: true });
  const fd = openSync(path, 'w');
  const block = randomBytes(8 << 20);
  for (let done = 0, i = 0; done < BIG_BYTES; i++) {
    block.writeUInt32LE(i, 0);
    const n = Math.min(block.length, BIG_BYTES - done);
    writeSync(fd, block, 0, n);
    done += n;
  }
  closeSync(fd);
}

function makeFolder(dir, log) {
  const marker = join(dir, '..', 'scan_0001.complete');
  const size = (i) => 100_000 + ((i * 7919) % 800_000);
  let total = 0;
  for (let i = 0; i < FOLDER_FILES; i++) total += size(i);
  if (existsSync(marker)) return total;
  log(`making ${dir} (${FOLDER_FILES} files)`);
  rmSync(dir, { recursive: true, force: true });
  const pool = randomBytes(1 << 20);
  for (let i = 0; i < FOLDER_FILES; i++) {
    const sub = join(dir, `reel_${String(Math.floor(i / 500) + 1).padStart(2, '0')}`);
    if (i % 500 === 0) mkdirSync(sub, { recursive: true });
    const buf = Buffer.from(pool.subarray(i % 1000, i % 1000 + size(i)));
    buf.writeUInt32LE(i, 0);
    writeFileSync(join(sub, `frame_${String(i).padStart(7, '0')}.dpx`), buf);
  }
  writeFileSync(marker, '');
  return total;
}
