import { stat } from 'node:fs/promises';
import { InputError } from '@avpres/core';

/** What tells us a source is the same file: size and modification time. */
export interface SourceIdentity {
  size: number;
  mtimeMs: number;
}

export async function sourceStat(source: string): Promise<SourceIdentity> {
  try {
    const s = await stat(source);
    if (!s.isFile()) throw new InputError(`${source}: not a file`, { file: source });
    return { size: s.size, mtimeMs: s.mtimeMs };
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${source}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(error)})`}`, { file: source, cause: error });
  }
}

/** A source still being written must not give a copy that looks finished. */
export async function assertUnchanged(source: string, before: SourceIdentity): Promise<void> {
  const after = await sourceStat(source);
  if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
    throw new InputError(`${source}: changed while it was being read (still being written?): copy not finalised`, { file: source });
  }
}
