import { open, rename, rm } from 'node:fs/promises';

/**
 * Write text so the file either does not exist or holds all of it (`.partial`, fsync,
 * rename). The log package depends on nothing internal, so it keeps this small writer
 * rather than importing the fixity package's general one.
 */
export async function writeTextAtomic(path: string, text: string | ((write: (part: string) => Promise<void>) => Promise<void>)): Promise<void> {
  const partial = `${path}.partial`;
  try {
    const handle = await open(partial, 'w');
    try {
      // A function writes its text in parts, so a long document need not be held whole.
      if (typeof text === 'string') await handle.writeFile(text, 'utf8');
      else await text((part) => handle.writeFile(part, 'utf8'));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}
