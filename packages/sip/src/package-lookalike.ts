import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { validate as isUuid } from 'uuid';
import { PACKAGE_FOLDERS } from './package-folders.js';

/**
 * What makes a folder look like a package, or undefined: a UUID name, or any of
 * objects/, logs/, metadata/ inside. Such a folder that is not a package (its manifest
 * lost, say) must be reported, never passed over as if it were not there.
 */
export async function packageLikeness(dir: string): Promise<string | undefined> {
  const signs: string[] = [];
  if (isUuid(basename(dir))) signs.push('a UUID name');
  const held: string[] = [];
  for (const folder of PACKAGE_FOLDERS.required) {
    if ((await stat(join(dir, folder)).catch(() => undefined))?.isDirectory()) held.push(`${folder}/`);
  }
  if (held.length > 0) signs.push(`holds ${held.join(', ')}`);
  return signs.length > 0 ? signs.join('; ') : undefined;
}

/** `<uuid>` when `name` is `<uuid><suffix>` (an IFI manifest's name), else undefined. */
export function manifestUuid(name: string, suffix: string): string | undefined {
  const uuid = name.endsWith(suffix) ? name.slice(0, -suffix.length) : '';
  return isUuid(uuid) ? uuid : undefined;
}
