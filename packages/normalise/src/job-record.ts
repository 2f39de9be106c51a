import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { hashFile, writeFileAtomic } from '@avpres/fixity';

/**
 * The verification record beside each MKV: what was normalised (source identity), how,
 * and the MKV's md5 once proven. A re-run skips a job whose record matches and whose MKV
 * still has that md5.
 */
export interface JobRecord {
  tool: 'avpres normalise';
  version: string;
  source: { path: string; size: number; mtimeMs: number };
  options: { slices: number | null; allowLossy: boolean };
  mkv: { name: string; size: number; md5: string };
  verification: { method: string; outcome: 'pass'; detail: string };
  ffmpeg: { path: string; version: string };
  finished: string;
}

export async function writeJobRecord(path: string, record: JobRecord): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(record, null, 2) + '\n');
}

export async function readJobRecord(path: string): Promise<JobRecord | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as JobRecord;
  } catch {
    return undefined;
  }
}

/** What an earlier run left at a job's MKV path. */
export type ExistingJob =
  /** No MKV there: the job is (re)done. */
  | { kind: 'none' }
  /** Made from this source with these options, and still holding the md5 it was proven with. */
  | { kind: 'done'; reason: string }
  /** Anything else: another source's master, a damaged one, one made by hand. Never replaced silently. */
  | { kind: 'other'; reason: string };

/**
 * Whether the MKV at `mkvPath` is this job's, finished and intact. The source is recognised
 * by size and modification time (a moved folder is still the same capture), the MKV by
 * re-hashing it against its record.
 */
export async function existingJob(
  record: JobRecord | undefined,
  expected: { source: JobRecord['source']; options: JobRecord['options']; mkvPath: string; recordPath: string },
  signal?: AbortSignal,
): Promise<ExistingJob> {
  if (!(await stat(expected.mkvPath).catch(() => undefined))) return { kind: 'none' };
  if (!record) return { kind: 'other', reason: `has no normalise record beside it (${basename(expected.recordPath)}), so it was not made from this source here` };
  if (record.source.size !== expected.source.size || record.source.mtimeMs !== expected.source.mtimeMs) {
    const made = `${record.source.path}, ${record.source.size} bytes, modified ${new Date(record.source.mtimeMs).toISOString()}`;
    return { kind: 'other', reason: `was made from another source, or from this one before it changed (its record: ${made})` };
  }
  if (record.options.slices !== expected.options.slices || record.options.allowLossy !== expected.options.allowLossy) {
    return { kind: 'other', reason: `was made with other options (its record: ${describeOptions(record.options)}; asked: ${describeOptions(expected.options)})` };
  }
  let digest: string;
  try {
    ({ digest } = await hashFile(expected.mkvPath, { algorithm: 'md5', ...(signal ? { signal } : {}) }));
  } catch (error) {
    if (signal?.aborted) throw error;
    return { kind: 'other', reason: `cannot be read to check it against its record (${error instanceof Error ? error.message : String(error)})` };
  }
  if (digest !== record.mkv.md5) return { kind: 'other', reason: `no longer matches its record (md5 ${digest}, recorded ${record.mkv.md5}): damaged or changed since` };
  return { kind: 'done', reason: `already normalised and verified (MKV md5 ${digest} matches its record)` };
}

function describeOptions(options: JobRecord['options']): string {
  return `slices ${options.slices ?? 'auto'}, ${options.allowLossy ? '' : 'no '}--allow-lossy`;
}
