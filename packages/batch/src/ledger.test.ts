import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { foldLedger, Ledger, parseLedger, type LedgerRecord } from './ledger.js';

const planned = (job: string, rel = `${job}.mov`): LedgerRecord => ({
  time: 't',
  job,
  state: 'planned',
  tool: 'normalise',
  input: { path: `/in/${rel}`, size: 10, mtimeMs: 1 },
  rel,
  outputDir: '/out',
});
const at = (job: string, state: LedgerRecord['state'], extra: Partial<LedgerRecord> = {}): LedgerRecord => ({ time: 't', job, state, ...extra });

describe('foldLedger', () => {
  it('gives each job its last state, attempts and done count, in planning order', () => {
    const jobs = foldLedger([
      planned('a'),
      planned('b'),
      at('a', 'running', { pid: 1 }),
      at('b', 'running', { pid: 1 }),
      at('b', 'failed', { reason: 'bad', exitCode: 2 }),
      // a killed: still running; the next batch redoes it
      at('a', 'running', { pid: 2 }),
      at('a', 'done', { outputs: [{ path: '/out/a.mkv', role: 'preservation master', size: 1, md5: 'x' }] }),
      planned('a'),
    ]);
    expect([...jobs.keys()]).toEqual(['a', 'b']);
    expect(jobs.get('a')).toMatchObject({ state: 'done', attempts: 2, doneCount: 1, pid: 2 });
    expect(jobs.get('a')!.lastDone!.outputs![0]!.md5).toBe('x');
    expect(jobs.get('b')).toMatchObject({ state: 'failed', attempts: 1, doneCount: 0 });
    expect(jobs.get('b')!.last!.reason).toBe('bad');
  });

  it('keeps a job running when the batch died after starting it', () => {
    const jobs = foldLedger([planned('a'), at('a', 'running', { pid: 7 })]);
    expect(jobs.get('a')).toMatchObject({ state: 'running', pid: 7 });
  });

  it('counts a tool-skipped job with outputs as verified-done for resume, but not as done', () => {
    const jobs = foldLedger([planned('a'), at('a', 'running'), at('a', 'skipped', { outputs: [{ path: '/o', role: 'copy', size: 1, md5: 'y' }] })]);
    expect(jobs.get('a')).toMatchObject({ state: 'skipped', doneCount: 0 });
    expect(jobs.get('a')!.lastDone).toBeDefined();
  });

  it('ignores lines about jobs never planned', () => {
    expect(foldLedger([at('zz', 'done')]).size).toBe(0);
  });
});

describe('parseLedger', () => {
  it('drops a torn last line and counts it', () => {
    const text = JSON.stringify(planned('a')) + '\n' + '{"time":"t","job":"a","sta';
    const { records, torn } = parseLedger(text);
    expect(records).toHaveLength(1);
    expect(torn).toBe(1);
  });
});

describe('Ledger', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'avpres-ledger-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('appends whole lines in call order and reads them back', async () => {
    const path = join(dir, 'sub', 'x.ledger.jsonl');
    const { ledger } = await Ledger.open(path, process.pid);
    await Promise.all([ledger.append(planned('a')), ledger.append(at('a', 'running')), ledger.append(at('a', 'done'))]);
    await ledger.close();
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as LedgerRecord);
    expect(lines.map((l) => l.state)).toEqual(['planned', 'running', 'done']);
    const again = await Ledger.open(path, process.pid);
    expect(again.ledger.fold().get('a')!.state).toBe('done');
    await again.ledger.close();
  });

  it('appends many records in one write, keeping them whole and in order', async () => {
    const path = join(dir, 'many.jsonl');
    const { ledger } = await Ledger.open(path, process.pid);
    await ledger.appendMany(Array.from({ length: 500 }, (_, i) => planned(`j${i}`)));
    await ledger.append(at('j7', 'running'));
    await ledger.close();
    const { records, torn } = parseLedger(await readFile(path, 'utf8'));
    expect(torn).toBe(0);
    expect(records).toHaveLength(501);
    expect(foldLedger(records).get('j7')!.state).toBe('running');
    expect([...foldLedger(records).keys()][499]).toBe('j499');
  });

  it('starts a new line after a torn one, so the next record stays readable', async () => {
    const path = join(dir, 'x.jsonl');
    await writeFile(path, JSON.stringify(planned('a')) + '\n{"job":"a","sta');
    const { ledger, torn } = await Ledger.open(path, process.pid);
    expect(torn).toBe(1);
    await ledger.append(at('a', 'running'));
    await ledger.close();
    const { records, torn: after } = parseLedger(await readFile(path, 'utf8'));
    expect(after).toBe(1);
    expect(records.map((r) => r.state)).toEqual(['planned', 'running']);
  });

  it('refuses a ledger held by a live process, and takes over one left by a dead process', async () => {
    const path = join(dir, 'x.jsonl');
    const held = await Ledger.open(path, process.pid);
    await expect(Ledger.open(path, process.pid + 1)).rejects.toThrow(/another batch \(pid \d+\) is using the ledger/);
    await held.ledger.close();
    await writeFile(`${path}.lock`, '2147483646\n');
    const taken = await Ledger.open(path, process.pid);
    expect(await readFile(`${path}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    await taken.ledger.close();
  });
});
