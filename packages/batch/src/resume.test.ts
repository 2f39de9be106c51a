import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSummary } from './ledger.js';
import { decideResume } from './resume.js';

let dir: string;
let output: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'avpres-resume-'));
  output = join(dir, 'a.mkv');
  await writeFile(output, 'hello\n');
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const HELLO_MD5 = 'b1946ac92492d2347c6235b4d2611184';
const base: JobSummary = { id: 'j', tool: 'normalise', input: { path: '/in/a.mov', size: 1, mtimeMs: 1 }, rel: 'a.mov', outputDir: '/out', state: 'planned', attempts: 0, doneCount: 0 };
const done = (md5: string, path = output): JobSummary => {
  const record = { time: '2026-01-01T00:00:00Z', job: 'j', state: 'done' as const, outputs: [{ path, role: 'preservation master', size: 6, md5 }] };
  return { ...base, state: 'done', attempts: 1, doneCount: 1, last: record, lastDone: record };
};
const opts = { force: false, retryFailed: false };

describe('decideResume', () => {
  it('runs a new or merely planned job', async () => {
    expect((await decideResume(undefined, opts)).action).toBe('run');
    expect((await decideResume(base, opts)).action).toBe('run');
  });
  it('redoes a job left running or interrupted, saying why', async () => {
    expect(await decideResume({ ...base, state: 'running', pid: 42 }, opts)).toEqual({ action: 'run', note: expect.stringMatching(/left running .*pid 42.*from scratch/) });
    expect(await decideResume({ ...base, state: 'interrupted' }, opts)).toMatchObject({ action: 'run', note: expect.stringMatching(/interrupted/) });
  });
  it('skips a done job whose outputs still have their recorded md5', async () => {
    expect(await decideResume(done(HELLO_MD5), opts)).toMatchObject({ action: 'keep', status: 'skipped', exitCode: 0 });
  });
  it('redoes a done job whose output changed or went missing', async () => {
    expect(await decideResume(done('0'.repeat(32)), opts)).toMatchObject({ action: 'run', note: expect.stringMatching(/changed/) });
    expect(await decideResume(done(HELLO_MD5, join(dir, 'gone.mkv')), opts)).toMatchObject({ action: 'run', note: expect.stringMatching(/missing/) });
  });
  it('redoes a done job with --force', async () => {
    expect((await decideResume(done(HELLO_MD5), { ...opts, force: true })).action).toBe('run');
  });
  it('keeps a failed job failed, with its reason and exit code, until --retry-failed', async () => {
    const failed: JobSummary = { ...base, state: 'failed', last: { time: 't', job: 'j', state: 'failed', reason: 'not readable as media', exitCode: 2 } };
    expect(await decideResume(failed, opts)).toMatchObject({ action: 'keep', status: 'failed', exitCode: 2, reason: expect.stringMatching(/--retry-failed.*not readable as media/) });
    expect((await decideResume(failed, { ...opts, retryFailed: true })).action).toBe('run');
  });
});

describe('decideResume --quick-resume', () => {
  it('takes an output with its recorded size and mtime as unchanged without hashing it', async () => {
    const { stat } = await import('node:fs/promises');
    const info = await stat(output);
    // A wrong md5 on purpose: only a re-hash would notice, and quick mode does not re-hash.
    const job = done('0'.repeat(32));
    job.lastDone = { ...job.lastDone!, outputs: [{ path: output, role: 'preservation master', size: info.size, md5: '0'.repeat(32) }], outputMtimes: { [output]: info.mtimeMs } };
    expect(await decideResume(job, { ...opts, quick: true })).toMatchObject({ action: 'keep', reason: expect.stringMatching(/size and mtime/) });
    expect((await decideResume(job, opts)).action).toBe('run');
  });
  it('re-hashes an output whose mtime moved', async () => {
    const job = done(HELLO_MD5);
    job.lastDone = { ...job.lastDone!, outputMtimes: { [output]: 1 } };
    expect(await decideResume(job, { ...opts, quick: true })).toMatchObject({ action: 'keep', reason: expect.stringMatching(/still matches its recorded md5/) });
  });
});
