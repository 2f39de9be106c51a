// avpres batch: throughput of 8 SD captures (3 s each, noisy test pattern) normalised with
// --jobs 1 (the baseline), with --jobs 2, and through the queue by two local workers
// (when redis-server is installed: a private one on a free 127.0.0.1 port). Each run
// writes to a fresh output folder, so nothing is skipped by resume.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, delimiter } from 'node:path';
import { execFileSync } from 'node:child_process';
import { makeCapture, SD_V210, startLocalRedis } from '@avpres/fixtures';
import { measure } from './measure.mjs';

const COUNT = 8;
const SPEC = { ...SD_V210, seconds: 3, noise: 12 };

export async function bench({ workDir, ffmpeg, avpres, node, log }) {
  const src = join(workDir, 'captures');
  mkdirSync(src, { recursive: true });
  const master = join(workDir, 'sd-3s.mov');
  if (!existsSync(master)) {
    log(`making ${master}`);
    await makeCapture(ffmpeg, SPEC, master);
  }
  for (let i = 1; i <= COUNT; i++) {
    const file = join(src, `tape_${String(i).padStart(2, '0')}.mov`);
    if (!existsSync(file)) copyFileSync(master, file);
  }
  const rows = [];
  const run = async (label, jobs) => {
    const out = join(workDir, `out-jobs${jobs}`);
    rmSync(out, { recursive: true, force: true });
    log(`batch normalise --jobs ${jobs}`);
    const r = await measure(node, [avpres, 'batch', 'normalise', '-i', src, '-o', out, '--jobs', String(jobs), '--quiet']);
    rmSync(out, { recursive: true, force: true });
    return { tool: 'batch', case: `${COUNT} SD captures 3 s`, label, seconds: r.seconds, peakMiB: r.peakMiB };
  };
  const one = await run('--jobs 1', 1);
  rows.push(one);
  const two = await run('--jobs 2', 2);
  rows.push({ ...two, baseline: '--jobs 1', ratio: one.seconds / two.seconds, note: 'ratio here = throughput gain (jobs-1 time / this time)' });

  const redis = findRedis();
  if (!redis) {
    log('redis-server not installed: the two-worker run is left out');
    return rows;
  }
  const workers = await twoWorkers({ redis, src, workDir, avpres, node, log });
  rows.push({ ...workers, tool: 'batch', case: `${COUNT} SD captures 3 s`, baseline: '--jobs 1', ratio: one.seconds / workers.seconds, note: 'two worker processes, 1 job each, via BullMQ on a local redis-server; peak memory not sampled (several process trees)' });
  return rows;
}

function findRedis() {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'redis-server'))) return join(dir, 'redis-server');
  }
  return undefined;
}

async function twoWorkers({ redis, src, workDir, avpres, node, log }) {
  const server = await startLocalRedis(redis, workDir);
  const env = { ...process.env, REDIS_URL: server.url };
  const out = join(workDir, 'out-workers');
  rmSync(out, { recursive: true, force: true });
  const workers = [];
  try {
    log('two workers');
    const startMs = Date.now();
    execFileSync(node, [avpres, 'queue', 'add', 'normalise', '-i', src, '-o', out, '--quiet'], { env, stdio: 'ignore' });
    for (let i = 0; i < 2; i++) workers.push(spawn(node, [avpres, 'worker', '--concurrency', '1', '--quiet'], { env, stdio: 'ignore' }));
    // Polled slowly (each poll is a node process on a busy machine); the end time comes
    // from the workers' ledgers, whose last record is written when the last job ends.
    for (;;) {
      await new Promise((r) => setTimeout(r, 2000));
      const status = JSON.parse(execFileSync(node, [avpres, 'queue', 'status', '--json'], { env, encoding: 'utf8' }));
      const finished = (status.counts.completed ?? 0) + (status.counts.failed ?? 0);
      if (status.counts.failed) throw new Error(`a job failed: ${JSON.stringify(status.failed)}`);
      if (finished === COUNT) break;
    }
    let last = 0;
    const dir = join(out, 'avpres-batch', 'workers');
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.ledger.jsonl'))) {
      for (const line of readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean)) last = Math.max(last, Date.parse(JSON.parse(line).time));
    }
    const seconds = (last - startMs) / 1000;
    return { label: '2 workers', seconds, peakMiB: 0 };
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r() : w.on('exit', r)))));
    server.stop();
    rmSync(out, { recursive: true, force: true });
  }
}
