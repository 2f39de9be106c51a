import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, fixtureFfmpeg, freeLocalPort, makeCapture, SD_V210, startLocalRedis, type LocalRedis } from '@avpres/fixtures';
import { findOnPath } from '@avpres/media';
import { AVPRES, avpres, md5File, tempDir } from './helpers/cli.js';

// End-to-end: `avpres queue` and two `avpres worker` processes over a redis-server this test
// starts on a free 127.0.0.1 port (never any other address). One worker is killed mid-job.

const redisServer = findOnPath('redis-server', process.env['PATH']);
if (!redisServer && process.env['CI']) throw new Error('redis-server is not installed, and CI must run the queue tests (.ci/run installs it)');
const title = redisServer ? 'avpres queue and worker over a real redis-server' : 'avpres queue and worker: SKIPPED, redis-server is not installed';

// How many times a test asks `avpres queue status` (each a CLI start, ~0.5-1 s under load,
// then 0.5 s of sleep) before it gives up: few enough that a stuck queue ends in the
// assertion that says what never happened, inside the 180 s test timeout (240 could
// outlast it). Run alone, the tests here need 6, 4 and 3.
const STATUS_POLLS = 100;

interface LedgerLine {
  job: string;
  state: string;
  input?: { path: string };
  outputs?: { path: string; role: string; md5?: string }[];
}

async function filesUnder(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const abs = join(dir, e.name);
      if (e.isDirectory()) await walk(abs);
      else out.push(relative(root, abs));
    }
  };
  await walk(root);
  return out.sort();
}

async function workerLedgers(out: string): Promise<Map<string, LedgerLine[]>> {
  const dir = join(out, 'avpres-batch', 'workers');
  const found = new Map<string, LedgerLine[]>();
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.endsWith('.ledger.jsonl')) continue; // not the .lock files
    const text = await readFile(join(dir, name), 'utf8');
    found.set(
      name,
      text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as LedgerLine),
    );
  }
  return found;
}

describe.skipIf(!redisServer)(title, () => {
  let work: { dir: string; cleanup: () => Promise<void> };
  let redis: LocalRedis | undefined;
  let env: Record<string, string>;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    work = await tempDir('avpres-queue-');
    redis = await startLocalRedis(redisServer!, work.dir);
    env = { REDIS_URL: redis.url };
    await makeCapture(fixtureFfmpeg(), { ...SD_V210, seconds: 0.5 }, join(work.dir, 'capture.mov'));
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) process.kill(-w.pid!, 'SIGKILL');
    redis?.stop();
    await work?.cleanup();
  });

  it('two workers, one killed mid-job: every job finishes exactly once with verified outputs; duplicates and bad inputs handled', async () => {
    const src = join(work.dir, 'in');
    const out = join(work.dir, 'out');
    const capture = join(work.dir, 'capture.mov');
    const captures = ['reel_a/tape_01.mov', 'reel_a/tape 02 é.mov', 'reel_b/-tape_03.mov', 'reel_b/tape_04.mov', 'reel_b/tape_05.mov'];
    for (const rel of captures) {
      await mkdir(join(src, rel, '..'), { recursive: true });
      await copyFile(capture, join(src, rel));
    }
    await copyFile(await fixture('not-media'), join(src, 'reel_b', 'not-media.mov'));
    const sourceMd5 = new Map<string, string>();
    for (const rel of await filesUnder(src)) sourceMd5.set(rel, await md5File(join(src, rel)));
    // Already done before it is queued: a worker must complete it without redoing it.
    const pre = await avpres(['normalise', '-i', join(src, 'reel_b', 'tape_05.mov'), '-o', join(out, 'reel_b')]);
    expect(pre.exitCode, pre.stderr).toBe(0);

    const add = await avpres(['queue', 'add', 'normalise', '-i', src, '-o', out, '--attempts', '3', '--backoff', '1', '--json'], { env });
    expect(add.exitCode, add.stderr).toBe(0);
    const added = JSON.parse(add.stdout) as { jobs: { id: string; input: string; outcome: string }[] };
    expect(added.jobs).toHaveLength(6);
    expect(added.jobs.every((j) => j.outcome === 'queued')).toBe(true);
    const again = await avpres(['queue', 'add', 'normalise', '-i', src, '-o', out, '--json'], { env });
    expect((JSON.parse(again.stdout) as typeof added).jobs.map((j) => j.outcome)).toEqual(Array(6).fill('waiting'));

    const startWorker = () => {
      const w = spawn(process.execPath, [AVPRES, 'worker', '--concurrency', '1', '--lock', '3'], { env: { ...process.env, ...env }, detached: true, stdio: 'ignore' });
      workers.push(w);
      return w;
    };
    const [w1, w2] = [startWorker(), startWorker()];

    // Kill (the whole process group, ffmpeg included) the first worker seen running a capture.
    let victim: ChildProcess | undefined;
    let killedJob: string | undefined;
    for (let i = 0; i < 600 && !victim; i++) {
      await new Promise((r) => setTimeout(r, 50));
      for (const [name, lines] of await workerLedgers(out)) {
        const running = lines.find((l) => l.state === 'running');
        const w = [w1, w2].find((x) => name.endsWith(`-${x.pid}.ledger.jsonl`));
        if (running && w && !lines.some((l) => l.job === running.job && l.state !== 'running' && l.state !== 'planned')) {
          const planned = lines.find((l) => l.job === running.job && l.state === 'planned');
          if (planned?.input?.path.endsWith('not-media.mov')) continue;
          victim = w;
          killedJob = running.job;
          break;
        }
      }
    }
    expect(victim, 'a worker started a job').toBeDefined();
    await new Promise((r) => setTimeout(r, 300));
    process.kill(-victim!.pid!, 'SIGKILL');

    type Status = { counts: Record<string, number>; completed: { done: number; skipped: number }; failed: { input: string; reason: string; attempts: number }[] };
    let status: Status | undefined;
    for (let i = 0; i < STATUS_POLLS; i++) {
      const s = await avpres(['queue', 'status', '--json'], { env });
      expect(s.exitCode, s.stderr).toBe(0);
      status = JSON.parse(s.stdout) as Status;
      if ((status.counts['completed'] ?? 0) + (status.counts['failed'] ?? 0) === 6) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(status!.counts['completed']).toBe(5);
    expect(status!.completed).toEqual({ done: 4, skipped: 1 });
    expect(status!.failed).toHaveLength(1);
    expect(status!.failed[0]!.input).toBe(join(src, 'reel_b', 'not-media.mov'));
    expect(status!.failed[0]!.reason).toMatch(/not readable as media/);
    expect(status!.failed[0]!.attempts).toBe(1);
    const human = await avpres(['queue', 'status'], { env });
    expect(human.stdout).toMatch(/5 completed \(4 done, 1 skipped: outputs already verified\), 1 failed/);
    expect(human.stdout).toMatch(/FAILED {2}.*not-media\.mov .*not readable as media/);

    // Exactly once: across every worker's ledger, each capture reached done once (the
    // pre-normalised one none: it was skipped), and the killed job was started twice.
    const ledgers = await workerLedgers(out);
    expect(ledgers.size).toBe(2);
    const done = new Map<string, number>();
    const started = new Map<string, number>();
    const paths = new Map<string, string>();
    for (const lines of ledgers.values()) {
      for (const l of lines) {
        if (l.state === 'planned') paths.set(l.job, l.input!.path);
        if (l.state === 'done') done.set(l.job, (done.get(l.job) ?? 0) + 1);
        if (l.state === 'running') started.set(l.job, (started.get(l.job) ?? 0) + 1);
        for (const o of l.state === 'done' ? (l.outputs ?? []) : []) if (o.md5) expect(await md5File(o.path), o.path).toBe(o.md5);
      }
    }
    for (const rel of captures) {
      const id = [...paths].find(([, p]) => p === join(src, rel))![0];
      expect(done.get(id) ?? 0, `${rel} done once`).toBe(rel === 'reel_b/tape_05.mov' ? 0 : 1);
    }
    expect(started.get(killedJob!)).toBe(2);
    const outFiles = await filesUnder(out);
    expect(outFiles.filter((f) => f.includes('.partial'))).toEqual([]);
    for (const rel of captures) expect(outFiles).toContain(rel.replace(/\.mov$/, '.mkv'));

    // The survivor stops cleanly on SIGTERM.
    const survivor = victim === w1 ? w2 : w1;
    const exited = new Promise<number | null>((resolve) => survivor.on('exit', (code) => resolve(code)));
    survivor.kill('SIGTERM');
    expect([0, 2]).toContain(await exited);
    for (const [rel, md5] of sourceMd5) expect(await md5File(join(src, rel)), `source ${rel} unchanged`).toBe(md5);
  });

  it('retries a job that fails verification, with backoff, up to --attempts, then lists it failed with its error', async () => {
    const src = join(work.dir, 'retry-in');
    const out = join(work.dir, 'retry-out');
    await mkdir(src, { recursive: true });
    await copyFile(join(work.dir, 'capture.mov'), join(src, 'tape_77.mov'));
    const add = await avpres(['queue', 'add', 'normalise', '-i', src, '-o', out, '--attempts', '2', '--backoff', '1'], { env });
    expect(add.exitCode, add.stderr).toBe(0);
    // The test hook flips a byte of the output before each verification: every attempt fails with exit 1.
    const w = spawn(process.execPath, [AVPRES, 'worker', '--lock', '3'], {
      env: { ...process.env, ...env, AVPRES_TEST_HOOK: 'corrupt-before-verify' },
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    workers.push(w);
    let stderr = '';
    w.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    type Status = { failed: { input: string; reason: string; attempts: number }[] };
    let failed: Status['failed'][number] | undefined;
    for (let i = 0; i < STATUS_POLLS && !failed; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const s = JSON.parse((await avpres(['queue', 'status', '--json'], { env })).stdout) as Status;
      failed = s.failed.find((f) => f.input === join(src, 'tape_77.mov'));
    }
    expect(failed, 'the job ends failed').toBeDefined();
    expect(failed!.attempts).toBe(2);
    expect(failed!.reason).toMatch(/framemd5|differ|verif/i);
    expect(stderr).toMatch(/attempt 1 of 2 failed; it will be retried/);
    expect((await filesUnder(out)).filter((f) => f.endsWith('tape_77.mkv'))).toEqual([]);
    const exited = new Promise<number | null>((resolve) => w.on('exit', (code) => resolve(code)));
    w.kill('SIGTERM');
    expect(await exited).toBe(1);
  });

  it('SIGTERM on a worker mid-job puts the job back without using an attempt; another worker finishes it', async () => {
    const src = join(work.dir, 'term-in');
    const out = join(work.dir, 'term-out');
    await mkdir(src, { recursive: true });
    await copyFile(join(work.dir, 'capture.mov'), join(src, 'tape_88.mov'));
    const add = await avpres(['queue', 'add', 'normalise', '-i', src, '-o', out, '--attempts', '1', '--json'], { env });
    expect(add.exitCode, add.stderr).toBe(0);
    const id = (JSON.parse(add.stdout) as { jobs: { id: string }[] }).jobs[0]!.id;
    const first = spawn(process.execPath, [AVPRES, 'worker', '--lock', '3'], { env: { ...process.env, ...env }, detached: true, stdio: 'ignore' });
    workers.push(first);
    let running = false;
    for (let i = 0; i < 600 && !running; i++) {
      await new Promise((r) => setTimeout(r, 50));
      running = [...(await workerLedgers(out)).values()].some((lines) => lines.some((l) => l.job === id && l.state === 'running'));
    }
    expect(running).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    const exited = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
    first.kill('SIGTERM');
    await exited;
    const firstLedger = [...(await workerLedgers(out)).values()][0]!;
    expect(firstLedger.filter((l) => l.job === id).map((l) => l.state)).toEqual(['planned', 'running', 'interrupted']);
    expect((await filesUnder(out)).filter((f) => f.endsWith('.mkv') || f.includes('.partial'))).toEqual([]);

    // With --attempts 1, a failed attempt would have been final: the job must be waiting, not failed.
    const second = spawn(process.execPath, [AVPRES, 'worker', '--lock', '3'], { env: { ...process.env, ...env }, detached: true, stdio: 'ignore' });
    workers.push(second);
    type Status = { counts: Record<string, number>; failed: unknown[] };
    let status: Status | undefined;
    for (let i = 0; i < STATUS_POLLS; i++) {
      status = JSON.parse((await avpres(['queue', 'status', '--json'], { env })).stdout) as Status;
      if (existsSync(join(out, 'tape_88.mkv')) && (status.counts['active'] ?? 0) === 0 && (status.counts['waiting'] ?? 0) === 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(existsSync(join(out, 'tape_88.mkv'))).toBe(true);
    const done = [...(await workerLedgers(out)).values()].flat().filter((l) => l.job === id && l.state === 'done');
    expect(done).toHaveLength(1);
    const stop = new Promise<number | null>((resolve) => second.on('exit', (code) => resolve(code)));
    second.kill('SIGTERM');
    await stop;
  });

  it('queue commands report an unreachable Redis as an environment error (exit 3)', async () => {
    const port = await freeLocalPort();
    const r = await avpres(['queue', 'status'], { env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/cannot reach Redis/);
  });
});
