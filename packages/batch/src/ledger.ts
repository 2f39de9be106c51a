import { open, readFile, mkdir, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { EnvironmentError, type OutputRecord, type Verification } from '@avpres/core';
import type { JobInput } from './job.js';

/**
 * planned -> running -> done | failed | skipped. `interrupted` closes a running job that
 * Ctrl-C stopped; a job whose last record is `running` was cut short by a crash or a kill.
 * Both are redone from scratch.
 */
export type JobState = 'planned' | 'running' | 'done' | 'failed' | 'skipped' | 'interrupted';

/** One line of the ledger. Only `planned` carries the job's description; later lines name the job. */
export interface LedgerRecord {
  time: string;
  job: string;
  state: JobState;
  tool?: string;
  input?: JobInput;
  rel?: string;
  outputDir?: string;
  /** The options that changed the output (identity), as planned. */
  options?: unknown;
  /** running: which process took the job. */
  pid?: number;
  attempt?: number;
  /** End records. */
  seconds?: number;
  exitCode?: number;
  reason?: string;
  outputs?: OutputRecord[];
  verification?: Verification;
  /** Each output's mtime when the job ended (path -> ms), for --quick-resume. */
  outputMtimes?: Record<string, number>;
  /** The job's own log (absolute). */
  log?: string;
  /** Thumbnail image (absolute) for video jobs. */
  thumbnail?: string;
}

/** A job's current state: the fold of its ledger lines. */
export interface JobSummary {
  id: string;
  tool: string;
  input: JobInput;
  rel: string;
  outputDir: string;
  state: JobState;
  /** Times the job was started (running records). */
  attempts: number;
  /** Times it reached done. */
  doneCount: number;
  /** The last end record (done, failed, skipped or interrupted). */
  last?: LedgerRecord;
  /** The last done (or skipped with outputs) record: what a resume verifies. */
  lastDone?: LedgerRecord;
  /** The pid of the process that last took it. */
  pid?: number;
}

/** Fold ledger lines into the current state of each job, in the order jobs were first planned. */
export function foldLedger(records: readonly LedgerRecord[]): Map<string, JobSummary> {
  const jobs = new Map<string, JobSummary>();
  for (const r of records) {
    let job = jobs.get(r.job);
    if (!job) {
      if (r.state !== 'planned' || !r.input || !r.tool || r.rel === undefined || !r.outputDir) continue;
      job = { id: r.job, tool: r.tool, input: r.input, rel: r.rel, outputDir: r.outputDir, state: 'planned', attempts: 0, doneCount: 0 };
      jobs.set(r.job, job);
      continue;
    }
    if (r.state === 'planned') continue;
    job.state = r.state;
    if (r.state === 'running') {
      job.attempts++;
      if (r.pid !== undefined) job.pid = r.pid;
      continue;
    }
    job.last = r;
    if (r.state === 'done') job.doneCount++;
    if (r.state === 'done' || (r.state === 'skipped' && (r.outputs?.length ?? 0) > 0)) job.lastDone = r;
  }
  return jobs;
}

/** Parse ledger text; a torn last line (a kill mid-write) is dropped and counted. */
export function parseLedger(text: string): { records: LedgerRecord[]; torn: number } {
  const records: LedgerRecord[] = [];
  let torn = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as LedgerRecord);
    } catch {
      torn++;
    }
  }
  return { records, torn };
}

export async function readLedger(path: string): Promise<{ records: LedgerRecord[]; torn: number }> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw new EnvironmentError(`cannot read the ledger ${path}: ${error.message}`, { file: path, cause: error });
  });
  return parseLedger(text);
}

/**
 * The append-only ledger of one batch: every state change is one JSON line, written and
 * fsynced before the work it announces goes on, so a crash loses at most the line being
 * written. One batch process at a time holds it (a lock file naming its pid).
 */
export class Ledger {
  private chain: Promise<void> = Promise.resolve();
  readonly records: LedgerRecord[];

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly lockPath: string,
    records: LedgerRecord[],
  ) {
    this.records = records;
  }

  static async open(path: string, pid: number): Promise<{ ledger: Ledger; torn: number }> {
    await mkdir(dirname(path), { recursive: true }).catch((error: Error) => {
      throw new EnvironmentError(`cannot make the folder of the ledger ${path}: ${error.message}`, { file: path, cause: error });
    });
    const lockPath = `${path}.lock`;
    await takeLock(lockPath, pid);
    try {
      const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? '' : Promise.reject(error)));
      const { records, torn } = parseLedger(text);
      const handle = await open(path, 'a');
      // A torn last line gets its newline, so the next record starts a line of its own.
      if (text !== '' && !text.endsWith('\n')) await handle.write('\n');
      return { ledger: new Ledger(path, handle, lockPath, records), torn };
    } catch (error) {
      await rm(lockPath, { force: true });
      throw new EnvironmentError(`cannot open the ledger ${path}: ${(error as Error).message}`, { file: path, cause: error });
    }
  }

  /** Append one record and fsync it; appends are serialised, in call order. */
  append(record: Omit<LedgerRecord, 'time'>): Promise<void> {
    return this.appendMany([record]);
  }

  /** Append several records with one write and one fsync (planning thousands of jobs). */
  appendMany(records: Omit<LedgerRecord, 'time'>[]): Promise<void> {
    const time = new Date().toISOString();
    const full: LedgerRecord[] = records.map((r) => ({ time, ...r }));
    this.records.push(...full);
    const write = async () => {
      if (full.length === 0) return;
      await this.handle.write(full.map((r) => JSON.stringify(r) + '\n').join(''));
      await this.handle.sync();
    };
    const next = this.chain.then(write);
    this.chain = next.catch(() => undefined);
    return next;
  }

  fold(): Map<string, JobSummary> {
    return foldLedger(this.records);
  }

  async close(): Promise<void> {
    await this.chain;
    await this.handle.close();
    await rm(this.lockPath, { force: true });
  }
}

async function takeLock(lockPath: string, pid: number): Promise<void> {
  for (let tries = 0; tries < 2; tries++) {
    try {
      await writeFile(lockPath, `${pid}\n`, { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== pid && isAlive(holder)) {
      throw new EnvironmentError(`another batch (pid ${holder}) is using the ledger ${lockPath.slice(0, -5)}; wait for it, or remove ${lockPath} if that process is gone`, {
        file: lockPath,
      });
    }
    // Left by a batch that was killed: take it over.
    await rm(lockPath, { force: true });
  }
  throw new EnvironmentError(`cannot lock the ledger: ${lockPath}`, { file: lockPath });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
