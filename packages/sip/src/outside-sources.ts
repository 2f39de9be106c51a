import { isAbsolute, relative, sep } from 'node:path';
import { UsageError } from '@avpres/core';

/**
 * Refuses an output that is a source folder or inside one: the package, and the run's state
 * and logs written in the output folder, would change the source. By path alone, so it can
 * run before anything is created (the CLI, before it opens the run log there).
 */
export function checkOutputOutsideSources(sourceFolders: readonly string[], output: string): void {
  for (const source of sourceFolders) {
    const rel = relative(source, output);
    if (rel === '' || (rel !== '..' && !rel.startsWith('..' + sep) && !isAbsolute(rel))) {
      throw new UsageError(`the output ${output} is inside the source folder ${source} (sources are read-only: nothing may be written there); choose an output outside it`);
    }
  }
}
