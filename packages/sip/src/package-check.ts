import type { FolderProgress } from '@avpres/fixity';
import type { PackageLayout } from './locate-package.js';

/** What `validate` found in one package (or several, merged, when given an oe folder). */
export interface PackageValidation {
  layout: PackageLayout;
  valid: boolean;
  /** Each a sentence naming the file: missing, unlisted, changed, malformed. */
  problems: string[];
  /** Worth knowing, not invalidating: a run log without its END line, fetch.txt. */
  warnings: string[];
  /** Files checked against a manifest, and their bytes (each read once). */
  files: number;
  bytes: number;
  /** The package folders checked. */
  packages: string[];
}

export interface ValidateOptions {
  signal?: AbortSignal;
  onProgress?: (progress: FolderProgress) => void;
  /** Files read at once; default 2. */
  concurrency?: number;
  /**
   * Hashes already established by a read of these very files (package-relative paths as
   * in the manifest: `<uuid>/objects/x` or `data/objects/x`): taken as they are, not re-read.
   * For the builder's own final check only; `validate` reads everything.
   */
  known?: ReadonlyMap<string, string>;
}
