import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { hashFile, writeFileAtomic } from '@avpres/fixity';
import type { EncodeSettings, TrimRequest } from './access-plan.js';
import type { DeinterlaceMode } from './field-order.js';

/**
 * What a finished access copy was made from and how, kept in the output folder's
 * avpres-logs/ (not beside the MP4: access folders go to clients as they are). A re-run
 * skips a copy only when the source, the options and the MP4's md5 all still match.
 */
export interface AccessJobRecord {
  tool: 'avpres access';
  /** md5 of the job's identity: source path, size, mtime and every option that changes the copy. */
  key: string;
  source: { path: string; size: number; mtimeMs: number };
  output: { name: string; size: number; md5: string };
  finished: string;
}

export interface JobIdentity {
  source: { path: string; size: number; mtimeMs: number };
  trim: TrimRequest;
  deinterlace: DeinterlaceMode;
  settings: EncodeSettings;
}

export function accessJobKey(job: JobIdentity): string {
  const identity = {
    tool: 'avpres access',
    source: job.source,
    trim: { start: job.trim.start ?? 0, end: job.trim.end ?? null, duration: job.trim.duration ?? null },
    deinterlace: job.deinterlace,
    settings: { ...job.settings, copyright: job.settings.copyright ?? null },
  };
  return createHash('md5').update(JSON.stringify(identity)).digest('hex');
}

export function jobRecordPath(outputDir: string, output: string): string {
  return join(outputDir, 'avpres-logs', `${basename(output)}.job.json`);
}

export async function readJobRecord(path: string): Promise<AccessJobRecord | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as AccessJobRecord;
  } catch {
    return undefined;
  }
}

export async function writeJobRecord(path: string, record: AccessJobRecord): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, JSON.stringify(record, null, 2) + '\n');
}

/** The md5 of the copy when its record says it was made by this very job, else undefined. */
export async function sameJobDone(record: AccessJobRecord | undefined, key: string, output: string, signal: AbortSignal): Promise<string | undefined> {
  if (!record || record.key !== key) return undefined;
  try {
    const { digest } = await hashFile(output, { algorithm: 'md5', signal });
    return digest === record.output.md5 ? digest : undefined;
  } catch {
    return undefined;
  }
}
