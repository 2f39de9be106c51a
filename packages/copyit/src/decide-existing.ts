import { stat } from 'node:fs/promises';
import { InputError } from '@avpres/core';
import type { HashPool } from '@avpres/fixity';
import type { ToolContext } from '@avpres/media';
import type { CopyitOptions } from './copyit.js';
import type { Journal } from './journal.js';
import type { SourceFile } from './scan-source.js';

export type Decision = 'copy' | 'skip' | 'conflict';

/**
 * What to do with a file whose copy may already exist. A copy is skipped only once its
 * hash has been re-read and found equal: to the journal of an earlier run (with the same
 * size and mtime as the source), or else to the source itself.
 */
export async function decideExisting(
  file: SourceFile,
  dst: string,
  journal: Journal,
  options: CopyitOptions,
  ctx: ToolContext,
  pool: HashPool,
): Promise<{ decision: Decision; hash?: string; replacing?: boolean; identical?: boolean }> {
  const info = await stat(dst).catch(() => undefined);
  if (!info) return { decision: 'copy' };
  if (!info.isFile()) throw new InputError(`${dst} exists and is not a file`, { file: dst });
  const hashOpts = { algorithm: options.algorithm, signal: ctx.signal };
  const different = () => (options.overwrite ? { decision: 'copy' as const, replacing: true } : { decision: 'conflict' as const });
  if (info.size !== file.size) return different();
  const recorded = journal.known.get(file.rel);
  if (recorded !== undefined && Math.trunc(info.mtimeMs) === Math.trunc(file.mtimeMs)) {
    if (options.force) return { decision: 'copy', replacing: true, identical: true };
    const { digest } = await pool.hashFile(dst, hashOpts);
    const check = ctx.logger.begin('fixity check', `${options.algorithm} of the existing copy ${dst} against the earlier run's record`);
    if (digest === recorded) {
      check.succeed(digest);
      return { decision: 'skip', hash: digest };
    }
    check.fail(`${digest}, recorded ${recorded}`);
    return different();
  }
  const [ours, theirs] = await Promise.all([pool.hashFile(file.abs, hashOpts), pool.hashFile(dst, hashOpts)]);
  const check = ctx.logger.begin('fixity check', `${options.algorithm} of the existing ${dst} against its source`);
  if (ours.digest !== theirs.digest) {
    check.fail(`differs: ${theirs.digest}, source ${ours.digest}`);
    return different();
  }
  check.succeed(`identical: ${ours.digest}`);
  if (options.force) return { decision: 'copy', replacing: true, identical: true };
  await journal.record({ path: file.rel, hash: ours.digest });
  return { decision: 'skip', hash: ours.digest };
}
