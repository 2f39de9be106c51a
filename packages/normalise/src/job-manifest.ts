import { basename, dirname } from 'node:path';
import { stat } from 'node:fs/promises';
import { hashFile, writeManifest, type ManifestEntry } from '@avpres/fixity';

/** md5 manifest of a job's outputs, beside them (paths relative to the manifest's folder). */
export async function writeJobManifest(manifest: string, files: readonly string[], known: ReadonlyMap<string, string> = new Map()): Promise<void> {
  const entries: ManifestEntry[] = [];
  for (const file of files) {
    if (!(await stat(file).catch(() => undefined))) continue;
    const hash = known.get(file) ?? (await hashFile(file)).digest;
    entries.push({ path: basename(file), hash });
  }
  if (dirname(manifest) === '') throw new Error('manifest needs a folder');
  await writeManifest(manifest, entries);
}
