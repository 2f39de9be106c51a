import { open, stat, statfs } from 'node:fs/promises';
import { EnvironmentError, InputError } from '@avpres/core';

export interface SourceIdentity {
  path: string;
  size: number;
  mtimeMs: number;
}

/** Size and mtime of a source we can actually read (root passes access(); a read proves it). */
export async function readableSource(path: string): Promise<SourceIdentity> {
  let handle;
  try {
    handle = await open(path, 'r');
    await handle.read(Buffer.alloc(1), 0, 1, 0);
    const info = await handle.stat();
    if (!info.isFile()) throw new InputError(`${path}: not a regular file`, { file: path });
    return { path, size: info.size, mtimeMs: info.mtimeMs };
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EACCES' || code === 'EPERM' ? 'permission denied (cannot read)' : code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new InputError(`${path}: ${reason}`, { file: path, cause: error });
  } finally {
    await handle?.close();
  }
}

/** A source that changed while we worked (still being written?) must not be finalised. */
export async function assertUnchanged(before: SourceIdentity): Promise<void> {
  const now = await stat(before.path);
  if (now.size !== before.size || now.mtimeMs !== before.mtimeMs) {
    throw new InputError(`${before.path}: the source changed during the run (size or modification time); is it still being written?`, {
      file: before.path,
    });
  }
}

/** FFV1 of uncompressed video is rarely over 70% of the source; ask for that plus a margin. */
export async function assertFreeSpace(dir: string, sourceSize: number): Promise<void> {
  const fs = await statfs(dir);
  const free = fs.bavail * fs.bsize;
  const needed = Math.ceil(sourceSize * 0.75) + 64 * 1024 * 1024;
  if (free < needed) {
    throw new EnvironmentError(
      `not enough free space in ${dir}: ${(free / 1e9).toFixed(2)} GB free, about ${(needed / 1e9).toFixed(2)} GB needed`,
      { file: dir },
    );
  }
}
