import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError } from '@avpres/core';
import { manifestUuid, packageLikeness } from './package-lookalike.js';

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

/** Something in an oe folder that looks like a package but cannot be checked as one, and why. */
export interface UncheckablePackage {
  root: string;
  reason: string;
}

/**
 * The packages at `path`: given a bag, a uuid folder (manifest beside it), an IFI manifest,
 * or an oe folder holding packages. Anything else is an InputError ("not a package").
 */
export async function locatePackages(path: string): Promise<LocatedPackage[]> {
  const { packages } = await searchPackages(path);
  if (packages.length === 0) throw notAPackage(path);
  return packages;
}

/**
 * As locatePackages, and in an oe folder also what looks like a package but is not one
 * (a UUID-named folder, or one holding objects/, logs/ or metadata/, without its manifest
 * or bagit.txt; a UUID manifest without its folder): what `validate` must report, not skip.
 */
export async function searchPackages(path: string): Promise<{ packages: LocatedPackage[]; uncheckable: UncheckablePackage[] }> {
  const what = await kind(path);
  if (what === undefined) throw new InputError(`${path}: not found`, { file: path });
  if (what === 'file') {
    const name = basename(path);
    const uuid = name.endsWith(IFI_MANIFEST_SUFFIX) ? name.slice(0, -IFI_MANIFEST_SUFFIX.length) : '';
    if (uuid && (await kind(join(dirname(path), uuid))) === 'dir') return { packages: [ifi(dirname(path), uuid)], uncheckable: [] };
    throw notAPackage(path);
  }
  const single = await packageAt(path);
  if (single) return { packages: [single], uncheckable: [] };
  const packages: LocatedPackage[] = [];
  const uncheckable: UncheckablePackage[] = [];
  for (const entry of (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    // Hidden folders are packages under construction (.<uuid>.partial): not finished, not ours to judge.
    if (entry.name.startsWith('.')) continue;
    const inside = join(path, entry.name);
    if (entry.isDirectory()) {
      const found = await packageAt(inside);
      if (found) packages.push(found);
      const looks = found ? undefined : await packageLikeness(inside);
      if (looks) uncheckable.push({ root: inside, reason: `looks like a package (${looks}) but has no ${entry.name}${IFI_MANIFEST_SUFFIX} beside it and no bagit.txt in it: not validated` });
    } else if (entry.isFile()) {
      const uuid = manifestUuid(entry.name, IFI_MANIFEST_SUFFIX);
      if (uuid && (await kind(join(path, uuid))) !== 'dir') uncheckable.push({ root: inside, reason: `a package manifest without its package folder ${uuid}/: not validated` });
    }
  }
  if (packages.length === 0 && uncheckable.length === 0) throw notAPackage(path);
  return { packages, uncheckable };
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
