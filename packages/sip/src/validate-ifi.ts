import { stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { hashFile, readManifest, verifyFolder } from '@avpres/fixity';
import { chunkSizeFor } from './chunk-size.js';
import type { LocatedPackage } from './locate-package.js';
import type { PackageValidation, ValidateOptions } from './package-check.js';
import { PACKAGE_FOLDERS } from './package-folders.js';

/**
 * An IFI package: `<uuid>/{objects,logs,metadata}` and `<uuid>_manifest.md5` beside it,
 * whose lines (relative to the oe folder) must name every file under `<uuid>/` and only those.
 */
export async function validateIfi(pkg: Extract<LocatedPackage, { layout: 'ifi' }>, options: ValidateOptions): Promise<PackageValidation> {
  const problems: string[] = [];
  for (const folder of PACKAGE_FOLDERS.required) {
    const info = await stat(join(pkg.root, folder)).catch(() => undefined);
    if (!info?.isDirectory()) problems.push(`${pkg.uuid}/${folder}: required folder missing`);
  }
  const base = { layout: 'ifi' as const, warnings: [], packages: [pkg.root] };
  try {
    await readManifest(pkg.manifest);
  } catch (error) {
    problems.push(`manifest unreadable: ${(error as Error).message}`);
    return { ...base, valid: false, problems, files: 0, bytes: 0 };
  }
  const prefix = `${pkg.uuid}/`;
  const result = await verifyFolder(pkg.manifest, pkg.oeDir, {
    // Only this package's folder: the oe folder may hold other packages and manifests.
    exclude: (rel) => !(rel === pkg.uuid || rel.startsWith(prefix)),
    concurrency: options.concurrency ?? 2,
    hash: async (abs, o) => {
      const known = options.known?.get(relative(pkg.oeDir, abs).split(sep).join('/'));
      if (known !== undefined) return { digest: known };
      return hashFile(abs, { ...o, chunkSize: chunkSizeFor((await stat(abs)).size) });
    },
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const manifestName = `${pkg.uuid}_manifest.md5`;
  for (const path of result.missing) problems.push(`in ${manifestName} but missing from the package: ${path}`);
  for (const path of result.extra) problems.push(`in the package but not in ${manifestName}: ${path}`);
  for (const path of result.changed) problems.push(`checksum mismatch (md5): ${path}`);
  return { ...base, valid: problems.length === 0, problems, files: result.verified + result.changed.length, bytes: result.bytes };
}
