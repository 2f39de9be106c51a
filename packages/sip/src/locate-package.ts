import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError } from '@avpres/core';

export type PackageLayout = 'ifi' | 'bagit';

/** A package found on disk: an IFI uuid folder with its manifest beside it, or a bag. */
export type LocatedPackage =
  | { layout: 'ifi'; root: string; oeDir: string; uuid: string; manifest: string }
  | { layout: 'bagit'; root: string };

export const IFI_MANIFEST_SUFFIX = '_manifest.md5';

async function kind(path: string): Promise<'file' | 'dir' | undefined> {
  const info = await stat(path).catch(() => undefined);
  return info?.isDirectory() ? 'dir' : info?.isFile() ? 'file' : undefined;
}

/**
 * The packages at `path`: given a bag, a uuid folder (manifest beside it), an IFI manifest,
 * or an oe folder holding packages. Anything else is an InputError ("not a package").
 */
export async function locatePackages(path: string): Promise<LocatedPackage[]> {
  const what = await kind(path);
  if (what === undefined) throw new InputError(`${path}: not found`, { file: path });
  if (what === 'file') {
    const name = basename(path);
    const uuid = name.endsWith(IFI_MANIFEST_SUFFIX) ? name.slice(0, -IFI_MANIFEST_SUFFIX.length) : '';
    if (uuid && (await kind(join(dirname(path), uuid))) === 'dir') return [ifi(dirname(path), uuid)];
    throw notAPackage(path);
  }
  const single = await packageAt(path);
  if (single) return [single];
  const found: LocatedPackage[] = [];
  for (const entry of (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    // Hidden folders are packages under construction (.<uuid>.partial): not finished, not ours to judge.
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const inside = await packageAt(join(path, entry.name));
    if (inside) found.push(inside);
  }
  if (found.length === 0) throw notAPackage(path);
  return found;
}

async function packageAt(dir: string): Promise<LocatedPackage | undefined> {
  if ((await kind(join(dir, 'bagit.txt'))) === 'file') return { layout: 'bagit', root: dir };
  const uuid = basename(dir);
  if ((await kind(join(dirname(dir), uuid + IFI_MANIFEST_SUFFIX))) === 'file') return ifi(dirname(dir), uuid);
  return undefined;
}

function ifi(oeDir: string, uuid: string): LocatedPackage {
  return { layout: 'ifi', root: join(oeDir, uuid), oeDir, uuid, manifest: join(oeDir, uuid + IFI_MANIFEST_SUFFIX) };
}

function notAPackage(path: string): InputError {
  return new InputError(
    `${path}: not a package (no bagit.txt, no <name>${IFI_MANIFEST_SUFFIX} beside it, and no package inside)`,
    { file: path },
  );
}
