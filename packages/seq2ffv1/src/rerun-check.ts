import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError, type OutputRecord } from '@avpres/core';
import { hashFile } from '@avpres/fixity';
import { fileChanges, type FileState } from './find-sequence.js';
import type { JobRecord, RecordOptions } from './job-record.js';

/** Why the recorded source is not this one, or undefined when it is (same folder, same files). */
export function sourceDifference(recorded: JobRecord['source'], folder: string, files: readonly FileState[]): string | undefined {
  // The folder counts too: two scans called reel_01 (day 1, day 2) must not pass for each other.
  if (recorded.folder !== folder) return `it was made from ${recorded.folder}`;
  const changes = fileChanges(recorded.files, files);
  if (changes.length === 0) return undefined;
  return `${folder} has changed since: ${changes.slice(0, 3).join(', ')}${changes.length > 3 ? ` and ${changes.length - 3} more` : ''}`;
}

/** Which options differ from the recorded ones, or undefined. */
export function optionsDifference(recorded: RecordOptions, now: RecordOptions): string | undefined {
  const show = { engine: (v: unknown) => String(v), context: (v: unknown) => (v ? 'on' : 'off'), partBytes: (v: unknown) => (v === null ? 'default' : String(v)) };
  const flags = { engine: '--engine', context: '--context', partBytes: '--part-bytes' };
  const differing = (Object.keys(show) as Array<keyof RecordOptions>).filter((k) => (recorded[k] ?? null) !== now[k]);
  if (differing.length === 0) return undefined;
  return differing.map((k) => `${flags[k]} ${show[k](recorded[k] ?? null)} then, ${show[k](now[k])} now`).join('; ');
}

/**
 * Whether an existing MKV can stand for this run: its record must name this sequence as it
 * is now and these options, and every recorded output must still have its md5 (sizes
 * first, so a truncated MKV is caught without reading it). Returns the outputs when all
 * holds; otherwise an InputError naming the MKV and why: never skipped, never replaced
 * without --force.
 */
export async function checkExistingOutputs(
  mkv: string,
  record: JobRecord | undefined,
  now: { folder: string; files: readonly FileState[]; options: RecordOptions },
  signal: AbortSignal,
): Promise<OutputRecord[]> {
  const refuse = (why: string) => new InputError(`${mkv} ${why}; --force to replace it`, { file: mkv });
  if (!record) throw refuse('exists but has no record of the run that made it (made by another program or an older avpres?)');
  const source = sourceDifference(record.source, now.folder, now.files);
  if (source) throw refuse(`exists but was not made from this sequence (${source})`);
  const options = optionsDifference(record.options, now.options);
  if (options) throw refuse(`exists but was made with other options (${options})`);

  const dir = dirname(mkv);
  const sizes = await Promise.all(record.outputs.map((o) => stat(join(dir, o.name)).then((s) => s.size, () => undefined)));
  const damaged = (name: string) => (name === basename(mkv) ? 'exists but no longer matches its recorded md5 (damaged?)' : `exists but its sidecar ${name} no longer matches its recorded md5 (damaged?)`);
  for (const [i, o] of record.outputs.entries()) {
    if (sizes[i] === undefined) throw refuse(`exists but its sidecar ${o.name} is missing`);
    if (sizes[i] !== o.size) throw refuse(damaged(o.name));
  }
  const outputs: OutputRecord[] = [];
  for (const o of record.outputs) {
    const path = join(dir, o.name);
    const { digest } = await hashFile(path, { algorithm: 'md5', signal });
    if (digest !== o.md5) throw refuse(damaged(o.name));
    outputs.push({ path, role: o.role, size: o.size, md5: digest });
  }
  return outputs;
}
