import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The built script of a worker thread. Built output sits beside this file; under the test
 * runner this file is the .ts source, and workers still run the built .js (so build first).
 */
export function workerFile(name: string): string {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.ts') ? join(dirname(here), '..', 'dist', name) : join(dirname(here), name);
}
