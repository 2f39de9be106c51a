import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, copyFile, cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, fixtureFfmpeg, makeCapture, SD_V210, sequenceFixture } from '@avpres/fixtures';
import { AVPRES, avpres, md5File, tempDir } from './helpers/cli.js';

// End-to-end: `avpres batch` run as a user would, over a folder of mixed inputs, with a
// kill in the middle; the ledger, the --json summary, the outputs and the HTML report
// must all tell the same story.

interface LedgerLine {
  job: string;
  state: string;
  input?: { path: string };
  rel?: string;
  reason?: string;
  outputs?: { path: string; role: string; md5?: string }[];
  thumbnail?: string;
}
interface JsonInput {
  input: string;
  status: string;
  reason?: string;
  exitCode: number;
  outputs: { path: string; md5?: string }[];
}

let work: { dir: string; cleanup: () => Promise<void> };
let capture: string;
beforeAll(async () => {
  work = await tempDir('avpres-batch-');
  capture = join(work.dir, 'capture.mov');
  await makeCapture(fixtureFfmpeg(), { ...SD_V210, seconds: 0.5 }, capture);
});
afterAll(async () => work.cleanup());

async function ledgerLines(file: string): Promise<LedgerLine[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as LedgerLine);
}

/** The state of each job after its last line, and how many times it reached done. */
function fold(lines: LedgerLine[]): Map<string, { rel: string; path: string; state: string; done: number; runs: number; last?: LedgerLine }> {
  const jobs = new Map<string, { rel: string; path: string; state: string; done: number; runs: number; last?: LedgerLine }>();
  for (const l of lines) {
    const job = jobs.get(l.job);
    if (!job) {
      expect(l.state).toBe('planned');
      jobs.set(l.job, { rel: l.rel!, path: l.input!.path, state: 'planned', done: 0, runs: 0 });
      continue;
    }
    job.state = l.state;
    if (l.state === 'running') job.runs++;
    else job.last = l;
    if (l.state === 'done') job.done++;
  }
  return jobs;
}

const VOID = new Set(['meta', 'img', 'br', 'hr', 'link', 'input']);

/**
 * A strict check of the report's markup (our own, XML-compatible subset of HTML): every tag
 * closed in order, void elements self-closed, attributes double-quoted, no raw '<' or bare
 * '&' in text or attributes. Returns the table rows' attributes and cell texts.
 */
function parseReport(html: string): { rows: { attrs: Record<string, string>; cells: string[] }[] } {
  expect(html.startsWith('<!DOCTYPE html>\n')).toBe(true);
  const body = html.slice('<!DOCTYPE html>\n'.length);
  const stack: string[] = [];
  const rows: { attrs: Record<string, string>; cells: string[] }[] = [];
  let row: { attrs: Record<string, string>; cells: string[] } | undefined;
  let cell: string | undefined;
  const checkText = (text: string) => {
    expect(text).not.toMatch(/[<>]/);
    expect(text.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
  };
  const unescape = (t: string) => t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  const tag = /<(\/?)([a-z0-9]+)((?:\s+[a-z-]+="[^"]*")*)\s*(\/?)>/g;
  let at = 0;
  for (let m = tag.exec(body); m; m = tag.exec(body)) {
    const text = body.slice(at, m.index);
    if (!stack.includes('style')) checkText(text);
    if (cell !== undefined) cell += unescape(text);
    at = m.index + m[0].length;
    const [, close, name, attrText, selfClose] = m as unknown as [string, string, string, string, string];
    const attrs: Record<string, string> = {};
    for (const a of attrText.matchAll(/([a-z-]+)="([^"]*)"/g)) {
      checkText(a[2]!);
      attrs[a[1]!] = unescape(a[2]!);
    }
    if (close) {
      expect(stack.pop(), `</${name}> closes the open element`).toBe(name);
      if (name === 'td' && row && cell !== undefined) {
        row.cells.push(cell);
        cell = undefined;
      }
      if (name === 'tr' && row) {
        if (stack.includes('tbody') && stack.at(-1) === 'tbody' && row.attrs['data-job']) rows.push(row);
        row = undefined;
      }
      continue;
    }
    if (VOID.has(name)) {
      expect(selfClose, `<${name}> is self-closed`).toBe('/');
      continue;
    }
    expect(selfClose).toBe('');
    stack.push(name);
    if (name === 'tr') row = { attrs, cells: [] };
    if (name === 'td') cell = '';
  }
  expect(body.slice(at).trim()).toBe('');
  expect(stack).toEqual([]);
  return { rows };
}

/** The report's rows must be the ledger's jobs, in the same states. */
async function expectReportMatchesLedger(report: string, ledger: string): Promise<void> {
  const { rows } = parseReport(await readFile(report, 'utf8'));
  const jobs = fold(await ledgerLines(ledger));
  expect(rows).toHaveLength(jobs.size);
  for (const r of rows) {
    const job = jobs.get(r.attrs['data-job']!);
    expect(job, `report row ${r.attrs['data-job']} is a ledger job`).toBeDefined();
    expect(r.attrs['data-state']).toBe(job!.state);
    expect(r.cells[1]).toBe(job!.rel);
    expect(r.cells[2]).toBe(job!.state);
    if (job!.last?.reason && job!.state !== 'done') expect(r.cells[3]).toBe(job!.last.reason);
  }
}

async function filesUnder(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const abs = join(dir, e.name);
      if (e.isDirectory()) await walk(abs);
      else out.push(relative(root, abs));
    }
  };
  await walk(root);
  return out.sort();
}

function json(stdout: string): { exitCode: number; inputs: JsonInput[] } {
  return JSON.parse(stdout) as { exitCode: number; inputs: JsonInput[] };
}

describe('avpres batch copyit over a collection of 30 files', () => {
  it('copies every good file once, lists the broken ones with reasons, resumes, and the report agrees with the ledger', async () => {
    const root = join(work.dir, 'copy');
    const src = join(root, 'in');
    const out = join(root, 'out');
    const tc = await fixture('sd-v210-timecode');
    const names: Record<string, string | Buffer | { from: string }> = {
      'video/tape_0001.mov': { from: tc },
      'video/tape 0002 é.mov': { from: tc },
      'video/-tape_0003.mov': { from: tc },
      'video/broken/not-media.mov': { from: await fixture('not-media') },
      'video/broken/truncated.mov': { from: await fixture('truncated') },
      'scratch/render.tmp': 'left out by --exclude',
      'video/.DS_Store': 'junk, never a job',
    };
    for (let i = 1; i <= 22; i++) names[`docs/box_${String(Math.ceil(i / 6)).padStart(2, '0')}/item ${String(i).padStart(3, '0')}.txt`] = `item ${i}\n`.repeat(i * 100);
    names['docs/東京 notes.txt'] = 'unicode name\n';
    for (const [rel, data] of Object.entries(names)) {
      await mkdir(join(src, rel, '..'), { recursive: true });
      if (typeof data === 'object' && 'from' in data) await copyFile(data.from, join(src, rel));
      else await writeFile(join(src, rel), data);
    }
    const sourceMd5 = new Map<string, string>();
    for (const rel of await filesUnder(src)) sourceMd5.set(rel, await md5File(join(src, rel)));
    const jobRels = [...sourceMd5.keys()].filter((r) => !r.endsWith('.tmp') && !r.endsWith('.DS_Store'));
    expect(jobRels).toHaveLength(28);

    // Two already copied (identical copies in place) and two in the way (different content).
    const already = ['docs/box_01/item 001.txt', 'docs/box_02/item 007.txt'];
    const inTheWay = ['docs/box_03/item 013.txt', 'docs/box_04/item 019.txt'];
    for (const rel of [...already, ...inTheWay]) {
      await mkdir(join(out, rel, '..'), { recursive: true });
      if (already.includes(rel)) await copyFile(join(src, rel), join(out, rel));
      else await writeFile(join(out, rel), 'a different file with the same name\n');
    }

    const args = ['batch', 'copyit', '-i', src, '-o', out, '--exclude', '*.tmp', '--json'];
    const first = await avpres(args);
    expect(first.exitCode, first.stderr).toBe(2);
    const r1 = json(first.stdout);
    expect(r1.inputs).toHaveLength(28);
    const byRel = (r: { inputs: JsonInput[] }) => new Map(r.inputs.map((i) => [relative(src, i.input), i]));
    const s1 = byRel(r1);
    for (const rel of jobRels) {
      const status = s1.get(rel)!.status;
      if (inTheWay.includes(rel)) {
        expect(status).toBe('failed');
        expect(s1.get(rel)!.reason).toMatch(/exists and differs from its source/);
        expect(s1.get(rel)!.exitCode).toBe(2);
      } else if (already.includes(rel)) {
        expect(status).toBe('skipped');
        expect(s1.get(rel)!.reason).toMatch(/already copied and verified/);
      } else {
        expect(status, rel).toBe('done');
        expect(await md5File(join(out, rel))).toBe(sourceMd5.get(rel));
      }
    }
    expect(first.stderr).toMatch(/exists and differs from its source/);
    expect(existsSync(join(out, 'scratch'))).toBe(false);

    const ledger = join(out, 'avpres-batch', 'copyit.ledger.jsonl');
    const report = join(out, 'avpres-batch', 'copyit-report.html');
    await expectReportMatchesLedger(report, ledger);
    // Video jobs get a thumbnail, embedded in the report.
    const lines1 = await ledgerLines(ledger);
    const videoDone = lines1.filter((l) => l.state === 'done' && l.thumbnail);
    expect(videoDone.length).toBeGreaterThanOrEqual(3);
    expect(await readFile(report, 'utf8')).toMatch(/src="data:image\/jpeg;base64,\/9j\//);

    // Resume: nothing done is redone; the conflicts stay failed until --retry-failed.
    const second = await avpres(args);
    expect(second.exitCode).toBe(2);
    const lines2 = await ledgerLines(ledger);
    expect(lines2.length).toBe(lines1.length);
    for (const i of json(second.stdout).inputs) {
      const rel = relative(src, i.input);
      if (inTheWay.includes(rel)) expect(i.reason).toMatch(/not retried \(--retry-failed/);
      else expect(i.reason, rel).toMatch(/done in an earlier batch|outputs still match/);
    }

    // The operator moves the files that were in the way, and retries.
    for (const rel of inTheWay) await rm(join(out, rel));
    const third = await avpres([...args, '--retry-failed', '--quick-resume']);
    expect(third.exitCode, third.stderr).toBe(0);
    const done3 = json(third.stdout).inputs.filter((i) => !inTheWay.includes(relative(src, i.input)));
    for (const i of done3) expect(i.reason, i.input).toMatch(/recorded size and mtime \(--quick-resume: not re-hashed\)/);
    for (const rel of inTheWay) expect(await md5File(join(out, rel))).toBe(sourceMd5.get(rel));

    const jobs = fold(await ledgerLines(ledger));
    expect(jobs.size).toBe(28);
    for (const job of jobs.values()) {
      const rel = relative(src, job.path);
      expect(job.done, `${rel} reached done once`).toBe(already.includes(rel) ? 0 : 1);
      expect(job.state).toBe(already.includes(rel) ? 'skipped' : 'done');
    }
    await expectReportMatchesLedger(report, ledger);
    for (const [rel, md5] of sourceMd5) expect(await md5File(join(src, rel)), `source ${rel} unchanged`).toBe(md5);
    expect((await filesUnder(out)).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });
});

describe('avpres batch normalise killed mid-job, then run again', () => {
  it('ends with every good capture done exactly once, the broken ones failed with reasons, and the report matching the ledger', async () => {
    const root = join(work.dir, 'norm');
    const src = join(root, 'in');
    const out = join(root, 'out');
    const captures = ['reel_a/tape_01.mov', 'reel_a/tape 02 é.mov', 'reel_b/-tape_03.mov', 'reel_b/tape_04.mov'];
    const broken = { 'reel_b/not-media.mov': await fixture('not-media'), 'reel_c/truncated.mov': await fixture('truncated') };
    for (const rel of captures) {
      await mkdir(join(src, rel, '..'), { recursive: true });
      await copyFile(capture, join(src, rel));
    }
    for (const [rel, from] of Object.entries(broken)) {
      await mkdir(join(src, rel, '..'), { recursive: true });
      await copyFile(from, join(src, rel));
    }
    await writeFile(join(src, 'reel_a', 'notes.txt'), 'not a capture: left out by extension\n');
    const sourceMd5 = new Map<string, string>();
    for (const rel of await filesUnder(src)) sourceMd5.set(rel, await md5File(join(src, rel)));

    // Already done before the batch: normalised on its own into the place the batch would use.
    const pre = await avpres(['normalise', '-i', join(src, 'reel_b', 'tape_04.mov'), '-o', join(out, 'reel_b')]);
    expect(pre.exitCode, pre.stderr).toBe(0);

    const ledger = join(out, 'avpres-batch', 'normalise.ledger.jsonl');
    const report = join(out, 'avpres-batch', 'normalise-report.html');
    const args = ['batch', 'normalise', '-i', src, '-o', out, '--json'];

    // A process group of its own, so SIGKILL takes ffmpeg with it, as a power cut would.
    const child = spawn(process.execPath, [AVPRES, ...args], { detached: true, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => done(signal)));
    let killedJob: string | undefined;
    for (let i = 0; i < 600 && !killedJob; i++) {
      await new Promise((r) => setTimeout(r, 50));
      killedJob = (await ledgerLines(ledger)).find((l) => l.state === 'running')?.job;
    }
    expect(killedJob, 'the first batch started a job').toBeDefined();
    await new Promise((r) => setTimeout(r, 400));
    process.kill(-child.pid!, 'SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const afterKill = fold(await ledgerLines(ledger));
    expect(afterKill.get(killedJob!)!.state).toBe('running');
    const killedRel = afterKill.get(killedJob!)!.rel;
    const killedMkv = join(out, killedRel.replace(/\.mov$/, '.mkv'));
    expect(existsSync(killedMkv), 'a killed job leaves no finished-looking MKV').toBe(false);

    const second = await avpres(args);
    expect(second.exitCode, second.stderr).toBe(2);
    expect(second.stderr).toMatch(/left running by an earlier batch \(pid \d+\) that stopped: redone from scratch/);
    const r2 = json(second.stdout);
    const s2 = new Map(r2.inputs.map((i) => [relative(src, i.input), i]));
    expect(s2.size).toBe(6);
    for (const rel of Object.keys(broken)) {
      expect(s2.get(rel)!.status).toBe('failed');
      expect(s2.get(rel)!.reason).toMatch(/not readable as media/);
    }
    expect(second.stderr).toMatch(/not-media\.mov: not readable as media/);
    expect(s2.get('reel_b/tape_04.mov')!.status).toBe('skipped');
    expect(s2.get('reel_b/tape_04.mov')!.reason).toMatch(/already normalised and verified/);

    const lines = await ledgerLines(ledger);
    const jobs = fold(lines);
    expect(jobs.size).toBe(6);
    for (const job of jobs.values()) {
      const rel = relative(src, job.path);
      if (rel in broken) {
        expect(job.state).toBe('failed');
        expect(job.last!.reason).toMatch(/not readable as media/);
      } else if (rel === 'reel_b/tape_04.mov') {
        expect(job.state).toBe('skipped');
        expect(job.done).toBe(0);
      } else {
        expect(job.state, rel).toBe('done');
        expect(job.done, `${rel} done exactly once`).toBe(1);
        expect(job.runs).toBe(job.path.endsWith(killedRel) ? 2 : 1);
        const mkv = job.last!.outputs!.find((o) => o.role === 'preservation master')!;
        expect(await md5File(mkv.path)).toBe(mkv.md5);
        expect(job.last!.thumbnail).toBeDefined();
      }
    }
    await expectReportMatchesLedger(report, ledger);
    expect((await filesUnder(out)).filter((f) => f.includes('.partial'))).toEqual([]);

    // A third run does nothing: done jobs verified from their recorded md5, failed ones listed.
    const third = await avpres(args);
    expect(third.exitCode).toBe(2);
    expect((await ledgerLines(ledger)).length).toBe(lines.length);
    const s3 = new Map(json(third.stdout).inputs.map((i) => [relative(src, i.input), i]));
    for (const rel of captures) expect(s3.get(rel)!.status).toBe('skipped');
    for (const rel of Object.keys(broken)) expect(s3.get(rel)!.reason).toMatch(/not retried/);

    for (const [rel, md5] of sourceMd5) expect(await md5File(join(src, rel)), `source ${rel} unchanged`).toBe(md5);
  });

  it('after Ctrl-C, --json lists the jobs that finished before it (their outputs stand)', async () => {
    const src = join(work.dir, 'int-json', 'in');
    const out = join(work.dir, 'int-json', 'out');
    await mkdir(src, { recursive: true });
    await copyFile(capture, join(src, 'tape_31.mov'));
    // Noise keeps FFV1 busy: this one is surely still encoding when Ctrl-C comes.
    await makeCapture(fixtureFfmpeg(), { ...SD_V210, seconds: 5, noise: 30 }, join(src, 'tape_32.mov'));
    const ledger = join(out, 'avpres-batch', 'normalise.ledger.jsonl');
    const child = spawn(process.execPath, [AVPRES, 'batch', 'normalise', '-i', src, '-o', out, '--jobs', '1', '--json'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    let ready = false;
    for (let i = 0; i < 1200 && !ready; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const jobs = fold(await ledgerLines(ledger));
      ready = [...jobs.values()].some((j) => j.state === 'done') && [...jobs.values()].some((j) => j.state === 'running');
    }
    expect(ready, 'one job done and the next running').toBe(true);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const summary = JSON.parse(stdout) as { exitCode: number; inputs: { input: string; status: string }[] };
    expect(summary.exitCode).toBe(130);
    expect(summary.inputs).toEqual([expect.objectContaining({ input: join(src, 'tape_31.mov'), status: 'done' })]);
    expect(existsSync(join(out, 'tape_31.mkv'))).toBe(true);
    expect(existsSync(join(out, 'tape_32.mkv'))).toBe(false);
  });

  it('Ctrl-C stops the batch with exit 130, records the running job as interrupted, and a re-run redoes it', async () => {
    const src = join(work.dir, 'int', 'in');
    const out = join(work.dir, 'int', 'out');
    await mkdir(src, { recursive: true });
    await copyFile(capture, join(src, 'tape_21.mov'));
    await copyFile(capture, join(src, 'tape_22.mov'));
    const ledger = join(out, 'avpres-batch', 'normalise.ledger.jsonl');
    const args = ['batch', 'normalise', '-i', src, '-o', out];
    const child = spawn(process.execPath, [AVPRES, ...args], { stdio: 'ignore' });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    let running: string | undefined;
    for (let i = 0; i < 600 && !running; i++) {
      await new Promise((r) => setTimeout(r, 50));
      running = (await ledgerLines(ledger)).find((l) => l.state === 'running')?.job;
    }
    await new Promise((r) => setTimeout(r, 400));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const jobs = fold(await ledgerLines(ledger));
    expect(jobs.get(running!)!.state).toBe('interrupted');
    expect([...jobs.values()].filter((j) => j.state === 'done')).toHaveLength(0);
    expect((await filesUnder(out)).filter((f) => f.endsWith('.mkv') || f.includes('.partial'))).toEqual([]);
    expect(await readFile(join(out, 'avpres-batch', 'normalise-report.html'), 'utf8')).toContain('The batch was interrupted');

    const again = await avpres([...args, '--json']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/interrupted in an earlier batch: redone from scratch/);
    const after = fold(await ledgerLines(ledger));
    for (const job of after.values()) expect(job.done).toBe(1);
  });

  it('--dry-run prints the plan and writes nothing', async () => {
    const src = join(work.dir, 'dry', 'in');
    const out = join(work.dir, 'dry', 'out');
    await mkdir(src, { recursive: true });
    await copyFile(capture, join(src, 'tape_09.mov'));
    await writeFile(join(src, 'small.mov'), 'tiny');
    const r = await avpres(['batch', 'normalise', '-i', src, '-o', out, '--min-size', '1k', '--dry-run']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(`run normalise  ${join(src, 'tape_09.mov')} -> ${out}`);
    expect(r.stdout).not.toContain('small.mov');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses bad options with exit 2 and an empty stdout', async () => {
    for (const extra of [['--jobs', '0'], ['--min-size', 'lots'], ['--since', 'yesterday'], ['--algorithm', 'md5x']]) {
      const r = await avpres(['batch', 'normalise', '-i', work.dir, '-o', join(work.dir, 'x'), ...extra]);
      expect(r.exitCode, extra.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
    }
    const unknownTool = await avpres(['batch', 'transcode', '-i', work.dir, '-o', join(work.dir, 'x')]);
    expect(unknownTool.exitCode).toBe(2);
  });
});

describe('avpres batch with the other tools', () => {
  it('access: one MP4 per master with the access options given, a broken master listed, and the report matching the ledger', async () => {
    const src = join(work.dir, 'acc', 'in');
    const out = join(work.dir, 'acc', 'out');
    await mkdir(join(src, 'reel_a'), { recursive: true });
    await copyFile(capture, join(src, 'reel_a', 'tape_31.mov'));
    await copyFile(capture, join(src, 'tape 32 é.mov'));
    await copyFile(await fixture('not-media'), join(src, 'reel_a', 'not-media.mov'));
    const r = await avpres(['batch', 'access', '-i', src, '-o', out, '--preset', 'veryfast', '--watermark', 'none', '--json']);
    expect(r.exitCode, r.stderr).toBe(2);
    const s = new Map(json(r.stdout).inputs.map((i) => [relative(src, i.input), i]));
    expect(s.get('reel_a/tape_31.mov')!.status).toBe('done');
    expect(s.get('tape 32 é.mov')!.status).toBe('done');
    expect(s.get('reel_a/not-media.mov')!.reason).toMatch(/not readable as media/);
    expect(existsSync(join(out, 'reel_a', 'tape_31_access.mp4'))).toBe(true);
    expect(existsSync(join(out, 'tape 32 é_access.mp4'))).toBe(true);
    await expectReportMatchesLedger(join(out, 'avpres-batch', 'access-report.html'), join(out, 'avpres-batch', 'access.ledger.jsonl'));
    const wrongTool = await avpres(['batch', 'copyit', '-i', src, '-o', out, '--crf', '20']);
    expect(wrongTool.exitCode).toBe(2);
    expect(wrongTool.stderr).toMatch(/--crf goes with batch access, not copyit/);
  });


  it('seq2ffv1: one job per sequence folder (a lone subfolder counts as its parent), outputs named after the folder, a truncated scan listed', async () => {
    const src = join(work.dir, 'seq', 'in');
    const out = join(work.dir, 'seq', 'out');
    await cp(await sequenceFixture('dpx-rgb10-be'), join(src, 'reels', 'reel_01'), { recursive: true });
    await cp(await sequenceFixture('dpx-nested'), join(src, 'reels', 'reel_02'), { recursive: true });
    await cp(await sequenceFixture('dpx-truncated'), join(src, 'reel_03'), { recursive: true });
    const r = await avpres(['batch', 'seq2ffv1', '-i', src, '-o', out, '--engine', 'builtin', '--json']);
    expect(r.exitCode, r.stderr).toBe(2);
    const s = new Map(json(r.stdout).inputs.map((i) => [relative(src, i.input), i]));
    expect([...s.keys()].sort()).toEqual(['reel_03', 'reels/reel_01', 'reels/reel_02']);
    expect(s.get('reels/reel_01')!.status).toBe('done');
    expect(s.get('reels/reel_02')!.status).toBe('done');
    expect(s.get('reel_03')!.reason).toMatch(/truncated DPX/);
    expect(existsSync(join(out, 'reels', 'reel_01.mkv'))).toBe(true);
    expect(existsSync(join(out, 'reels', 'reel_02.mkv'))).toBe(true);
    await expectReportMatchesLedger(join(out, 'avpres-batch', 'seq2ffv1-report.html'), join(out, 'avpres-batch', 'seq2ffv1.ledger.jsonl'));
  });

  it('validate: one job per package, a damaged one fails with exit 1; a re-run keeps unchanged packages and sees a changed one as a new job', async () => {
    const root = join(work.dir, 'val');
    const objects = join(root, 'objects');
    await mkdir(objects, { recursive: true });
    await writeFile(join(objects, 'a.txt'), 'first object\n');
    await writeFile(join(objects, 'b.txt'), 'second object\n');
    const sips = join(root, 'sips');
    for (const [file, oe, layout] of [['a.txt', 'oe0001', 'ifi'], ['b.txt', 'oe0002', 'ifi'], ['a.txt', 'oe0003', 'bagit']] as const) {
      const made = await avpres(['sip', '-i', join(objects, file), '-o', sips, '--oe', oe, '--layout', layout, '-q']);
      expect(made.exitCode, made.stderr).toBe(0);
    }
    const args = ['batch', 'validate', '-i', sips, '-o', join(root, 'out'), '--json'];
    const clean = await avpres(args);
    expect(clean.exitCode, clean.stderr).toBe(0);
    expect(json(clean.stdout).inputs.map((i) => i.status)).toEqual(['done', 'done', 'done']);

    const oe2 = join(sips, 'oe0002');
    const uuid = (await readdir(oe2)).find((n) => !n.includes('manifest') && !n.startsWith('.'))!;
    await appendFile(join(oe2, uuid, 'objects', 'b.txt'), 'damage');
    const again = await avpres(args);
    expect(again.exitCode, again.stderr).toBe(1);
    const byPath = new Map(json(again.stdout).inputs.map((i) => [relative(sips, i.input), i]));
    expect(byPath.get(`oe0002/${uuid}`)!.status).toBe('failed');
    expect(again.stderr).toMatch(/checksum mismatch/);
    for (const [rel, i] of byPath) if (!rel.startsWith('oe0002')) expect(i.reason, rel).toMatch(/input is unchanged/);

    // A package that lost its manifest is named, not silently left out; the others still run.
    const oe1 = join(sips, 'oe0001');
    const lost = (await readdir(oe1)).find((n) => !n.includes('manifest') && !n.startsWith('.'))!;
    await rm(join(oe1, `${lost}_manifest.md5`));
    const third = await avpres(args);
    // 1: the damaged package still fails its check, the graver outcome of the two.
    expect(third.exitCode, third.stderr).toBe(1);
    const named = new Map(json(third.stdout).inputs.map((i) => [relative(sips, i.input), i]));
    expect(named.get(`oe0001/${lost}`)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/looks like a package .*no .*_manifest\.md5 beside it/) });
    expect(named.get(`oe0002/${uuid}`)!.status).toBe('failed');
    expect([...named.keys()].filter((k) => k.startsWith('oe0003'))).toHaveLength(1);
    expect(third.stderr).toMatch(/1 not plannable/);
  });
});
