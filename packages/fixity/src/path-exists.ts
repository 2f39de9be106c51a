import { lstat } from 'node:fs/promises';

/** Whether anything is at `path` (file, folder or link, even a dangling one). */
export async function pathExists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}
