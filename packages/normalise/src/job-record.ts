import { readFile } from 'node:fs/promises';
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

/** Why a finished job can be skipped, or undefined if it must be (re)done. */
export async function stillValid(
  record: JobRecord | undefined,
  expected: { source: JobRecord['source']; options: JobRecord['options']; mkvPath: string },
  signal?: AbortSignal,
): Promise<string | undefined> {
  if (!record) return undefined;
  const same =
    record.source.size === expected.source.size &&
    record.source.mtimeMs === expected.source.mtimeMs &&
    record.options.slices === expected.options.slices &&
    record.options.allowLossy === expected.options.allowLossy;
  if (!same) return undefined;
  try {
    const { digest } = await hashFile(expected.mkvPath, { algorithm: 'md5', ...(signal ? { signal } : {}) });
    return digest === record.mkv.md5 ? `already normalised and verified (MKV md5 ${digest} matches its record)` : undefined;
  } catch {
    return undefined;
  }
}
