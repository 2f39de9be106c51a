import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@avpres/fixity';
import type { FileState, Sequence } from './find-sequence.js';
import { relativeName } from './prepass.js';
import type { Engine } from './seq2ffv1.js';

/** The options that change what the MKV holds (a re-run with others is another job). */
export interface RecordOptions {
  engine: Engine;
  context: boolean;
  partBytes: number | null;
}

export interface RecordedOutput {
  /** File name in the output folder. */
  name: string;
  role: string;
  size: number;
  md5: string;
}

/**
 * Written beside the MKV once every output is in place: what the MKV was made from, how,
 * and the md5 of each output. A re-run skips the sequence only when all of it still holds
 * (the project's access and normalise records do the same for single files).
 *
 * The source is recorded as names, sizes and modification times, not md5s: the MKV's
 * reversal check already proved it equal to the md5 manifest of that scan, and re-hashing
 * a scan (10,000 files of 12 MB) on every re-run would cost as much as the first read.
 * The outputs' md5s are re-hashed on a re-run: they are what the archive keeps.
 */
export interface JobRecord {
  tool: 'avpres seq2ffv1';
  version: 1;
  /** Absolute folder given as input, and its files (paths relative to it, as in the manifest). */
  source: { folder: string; files: FileState[] };
  options: RecordOptions;
  engine: 'builtin' | 'rawcooked';
  /** The MKV and its sidecars, the MKV last. */
  outputs: RecordedOutput[];
  finished: string;
}

/** The files of a sequence that go into its MKV, as the record keeps them. */
export function sourceFiles(seq: Sequence): FileState[] {
  return [...seq.files, ...seq.audio].map((f) => ({ name: relativeName(seq, f.path), size: f.size, mtimeMs: f.mtimeMs }));
}

export async function readJobRecord(path: string): Promise<JobRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(path, 'utf8')) as JobRecord;
    return record.tool === 'avpres seq2ffv1' && record.version === 1 ? record : undefined;
  } catch {
    return undefined;
  }
}

export async function writeJobRecord(path: string, record: JobRecord): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(record, null, 2) + '\n');
}
