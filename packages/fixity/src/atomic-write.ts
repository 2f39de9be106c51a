import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The name a file has while it is being written: never mistaken for a finished one. */
export function partialPath(path: string): string {
  return `${path}.partial`;
}

export function isPartialPath(path: string): boolean {
  return path.endsWith('.partial');
}

/**
 * Write `data` so that `path` either does not exist or holds all of it: write the partial,
 * fsync it, rename it over `path`, fsync the folder so the rename survives a power cut.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const partial = partialPath(path);
  try {
    const handle = await open(partial, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await renameIntoPlace(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/** Rename a finished partial to its final name and make the rename durable. */
export async function renameIntoPlace(partial: string, final: string): Promise<void> {
  await rename(partial, final);
  await fsyncDir(dirname(final));
}

/** fsync a file by name (its data and size). */
export async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsync a folder (its entries); ignored where the platform refuses (some file systems, Windows). */
export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF') throw error;
  } finally {
    await handle?.close();
  }
}
