import { join } from 'node:path';
import type { HashAlgorithm } from '@avpres/fixity';

export interface CopyPaths {
  /** Where the copied file or folder ends up: `<destination>/<name>`. */
  target: string;
  /** The folder manifest paths are relative to (the copy's parent): `<destination>`. */
  manifestRoot: string;
  /** Hashes re-read from the copy: `<manifest-dir>/<name>_manifest.md5`. */
  manifest: string;
  /** Hashes read from the source while copying: `<manifest-dir>/<name>_source_manifest.md5`. */
  sourceManifest: string;
}

/**
 * Names for one copy. Manifests sit beside the copied item (or in a central folder),
 * named after it the IFI way, with paths relative to the copy's parent (`X/a/b.dpx`), so
 * `md5sum -c` run in the destination folder checks them.
 */
export function copyPaths(name: string, destination: string, algorithm: HashAlgorithm, manifestDir?: string): CopyPaths {
  const dir = manifestDir ?? destination;
  return {
    target: join(destination, name),
    manifestRoot: destination,
    manifest: join(dir, `${name}_manifest.${algorithm}`),
    sourceManifest: join(dir, `${name}_source_manifest.${algorithm}`),
  };
}
