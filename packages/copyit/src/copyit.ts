import { setMaxListeners } from 'node:events';
import { lstat, mkdir, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { eachInput, exitCodeFor, InputError, InterruptedError, mostSerious, VerificationError, type InputResult, type OutputRecord } from '@avpres/core';
import {
  copyFileVerified,
  forEachConcurrently,
  fsError,
  fsyncDir,
  hashFile,
  pathExists,
  planCopies,
  Prefetcher,
  sharedHashPool,
  SyncGroup,
  type SyncTicket,
  type HashPool,
  writeManifest,
  type CheckMethod,
  type HashAlgorithm,
  type ManifestEntry,
} from '@avpres/fixity';
import type { ToolContext } from '@avpres/media';
import { copyPaths, type CopyPaths } from './copy-paths.js';
import { CopyProgress, formatRate } from './copy-progress.js';
import { decideExisting } from './decide-existing.js';
import { Journal } from './journal.js';
import { checkDestinationFolder, checkFreeSpace, checkNotInside, formatBytes } from './preflight.js';
import { scanSource, type SourceFile, type SourceScan } from './scan-source.js';

export interface CopyitOptions {
  /** Absolute paths of files or folders to copy. */
  sources: string[];
  /** Absolute path of an existing folder; each source lands in it under its own name. */
  destination: string;
  algorithm: HashAlgorithm;
  /**
   * How each copy, re-read, is checked against the source's bytes: default 'bytes' (every
   * byte compared with the bytes read, hashed and written: exact, and no second md5), or a
   * hash algorithm (md5: a second full md5 of the copy, compared with the source's). Either
   * way the copy's manifest holds the digest of the bytes it was proven to hold.
   */
  verifyAlgorithm?: CheckMethod;
  /** Redo files already copied and verified. */
  force: boolean;
  /** Replace destination files that differ from their source. */
  overwrite: boolean;
  /** A central folder for the manifests (default: beside each copy). */
  manifestDir?: string;
  /** Files under way at once; default 256 for a folder of files under 256 MB on average, else 2. */
  jobs?: number;
}

/** Files under way at once in a folder of small files (unless --jobs). */
const SMALL_FILE_JOBS = 256;

/** Copy each source into the destination folder, verified; one result per source. */
export async function copyit(options: CopyitOptions, ctx: ToolContext): Promise<InputResult[]> {
  await checkDestinationFolder(options.destination);
  // Every file under way listens for Ctrl-C on the same signal.
  setMaxListeners(4 * (options.jobs ?? SMALL_FILE_JOBS) + 16, ctx.signal);
  if (options.manifestDir) await checkDestinationFolder(options.manifestDir);
  // Copies run on the shared copy lanes (worker threads, one lane per core, see fixity);
  // re-checking existing copies on a re-run hashes on the shared pool's workers.
  // Both are shared by every copyit call in the process (a batch runs many at once).
  const pool = sharedHashPool();
  return eachInput(options.sources, (source) => copyOne(source, options, ctx, pool), {
    name: (source) => source,
    // Most messages name their file already: the source only where it does not.
    onFailure: (source, error) => ctx.logger.error(errorText(error).includes(source) ? errorText(error) : `${source}: ${errorText(error)}`),
  });
}

interface FileOutcome {
  file: SourceFile;
  action: 'copied' | 'skipped' | 'failed';
  hash?: string;
  error?: unknown;
}

async function copyOne(source: string, options: CopyitOptions, ctx: ToolContext, pool: HashPool): Promise<InputResult> {
  const { logger, signal } = ctx;
  const scan = await scanSource(source, signal);
  const paths = copyPaths(scan.name, options.destination, options.algorithm, options.manifestDir);
  await checkNotInside(source, options.destination, paths.target);
  for (const junk of scan.junk) logger.info(`skipped junk file: ${join(source, '..', junk)}`);
  for (const link of scan.skippedLinks) logger.warn(`not copied (link to a folder, or not a regular file): ${join(source, '..', link)}`);
  logger.info(
    `${source}: ${scan.files.length} file${scan.files.length === 1 ? '' : 's'}, ${formatBytes(scan.bytes)}` +
      (scan.junk.length ? `, ${scan.junk.length} junk skipped` : '') +
      ` -> ${paths.target}`,
  );

  // Into a new folder every file is new: no need to look for each one.
  const fresh = scan.kind === 'folder' && !(await pathExists(paths.target));
  const missing = fresh ? scan.files.map(() => true) : await Promise.all(scan.files.map((f) => lstat(join(paths.manifestRoot, f.rel)).then(() => false, () => true)));
  const newBytes = scan.files.reduce((n, f, i) => n + (missing[i] ? f.size : 0), 0);
  const space = await checkFreeSpace(options.destination, newBytes);
  logger.debug(`free space at ${options.destination}: ${formatBytes(space.free)}, needed ${formatBytes(space.needed)}`);

  if (ctx.dryRun) {
    for (const dir of scan.dirs) ctx.print(`mkdir ${join(paths.manifestRoot, dir)}`);
    for (const f of scan.files) ctx.print(`copy ${f.abs} -> ${join(paths.manifestRoot, f.rel)} (${options.algorithm} while copying, ${rereadText(verifyAlgorithmOf(options))})`);
    ctx.print(`write ${paths.sourceManifest}`);
    ctx.print(`write ${paths.manifest}`);
    return { input: source, status: 'skipped', exitCode: 0, reason: 'dry run: nothing copied', outputs: [] };
  }

  for (const dir of scan.dirs) {
    const abs = join(paths.manifestRoot, dir);
    await mkdir(abs, { recursive: true }).catch((error: unknown) => {
      throw fsError(abs, error, 'write');
    });
  }
  const journal = await Journal.open(paths.manifest);
  // Small files: many under way at once (the copy lanes take a few at a time), so that a
  // group waiting for its flush to disk never leaves the lanes idle; one file-system flush
  // makes each group durable (an fsync each would cost more than the copying). Large
  // files: each its own fsync.
  const { jobs, flushBatch } = planCopies(
    scan.files.map((f) => f.size),
    { manyAtOnce: SMALL_FILE_JOBS, jobs: options.jobs },
  );
  const syncGroup = flushBatch ? new SyncGroup(paths.manifestRoot, { batch: flushBatch }) : undefined;
  const progress = new CopyProgress(logger, `copyit ${scan.name}`, scan.bytes, scan.files.length);
  const outcomes: FileOutcome[] = new Array(scan.files.length);
  // One thread reads the files to copy in order, ahead of the copy, which then finds its
  // bytes in memory (see Prefetcher). Only files not at the destination yet: a resumed run
  // must not read what it will skip.
  const prefetch = new Prefetcher(scan.files.filter((_, i) => missing[i]).map((f) => ({ path: f.abs, size: f.size })));
  try {
    await forEachConcurrently(scan.files, jobs, async (file, index) => {
      let copied = 0;
      const onBytes = missing[index]
        ? (n: number) => {
            copied += n;
            prefetch.consumed(n);
          }
        : undefined;
      // Taken before the first wait: the group counts this copy until it flushes or gives up.
      const ticket = syncGroup?.ticket();
      try {
        outcomes[index] = await copyFile(file, paths, journal, options, ctx, pool, progress, { ticket, prefetch, onBytes, missing: missing[index]! });
      } catch (error) {
        if (error instanceof InterruptedError) throw error;
        logger.error(error instanceof Error ? error.message : String(error));
        outcomes[index] = { file, action: 'failed', error };
        progress.fileDone();
      } finally {
        ticket?.forgo();
        // Skipped, or failed part-way: the prefetcher counts the file as passed all the same.
        if (onBytes && copied < file.size) prefetch.consumed(file.size - copied);
      }
    });
  } finally {
    progress.end();
    await Promise.all([journal.close(), prefetch.close()]);
  }
  // The renames are durable once their folders are fsynced: once per folder, here.
  for (const dir of scan.kind === 'folder' ? scan.dirs : []) await fsyncDir(join(paths.manifestRoot, dir));
  if (scan.kind === 'file') await fsyncDir(paths.manifestRoot);
  return finish(scan, paths, outcomes, journal, progress.seconds, options, ctx);
}

async function copyFile(
  file: SourceFile,
  paths: CopyPaths,
  journal: Journal,
  options: CopyitOptions,
  ctx: ToolContext,
  pool: HashPool,
  progress: CopyProgress,
  {
    ticket,
    prefetch,
    onBytes,
    missing,
  }: { ticket: SyncTicket | undefined; prefetch: Prefetcher; onBytes: ((n: number) => void) | undefined; missing: boolean },
): Promise<FileOutcome> {
  const { logger, signal } = ctx;
  const dst = join(paths.manifestRoot, file.rel);
  // Found missing before the copies began: no second look (a failed stat each cost ~0.1 ms
  // of the main thread, 2,000 of them a fifth of a second).
  const existing: Awaited<ReturnType<typeof decideExisting>> = missing ? { decision: 'copy' } : await decideExisting(file, dst, journal, options, ctx, pool);
  if (existing.decision === 'skip') {
    logger.debug(`already copied and verified: ${dst}`);
    progress.fileDone(file.size);
    return { file, action: 'skipped', hash: existing.hash! };
  }
  if (existing.decision === 'conflict') {
    throw new InputError(`${dst} exists and differs from its source ${file.abs}; not replaced (use --overwrite to replace it)`, { file: dst });
  }
  if (existing.replacing) logger.warn(`replacing ${dst}${existing.identical ? ' (identical, --force)' : ' (differs from its source, --overwrite)'}`);

  const source = { path: file.abs, role: 'source' as const, size: file.size };
  const replication = logger.begin('replication', `copy ${file.rel}`, { objects: [source] });
  const check = verifyAlgorithmOf(options);
  // The re-read follows the writer, so the check runs alongside the copy.
  const fixity = logger.begin(
    'fixity check',
    check === 'bytes'
      ? `re-read of the copy of ${file.rel}, compared byte for byte with the source's bytes as read and hashed`
      : `${check} re-read of the copy of ${file.rel}, compared with the ${check} of the source's bytes`,
  );
  const testHook = ctx.testHook;
  try {
    const { hash, size } = await copyFileVerified(file.abs, dst, {
      algorithm: options.algorithm,
      checkAlgorithm: check,
      sizeHint: file.size,
      signal,
      ...(onBytes ? { onBytes } : {}),
      // The disk reads the sources ahead first; the copy's own write-back waits meanwhile.
      holdWriteBack: () => prefetch.reading,
      onVerifyBytes: (n) => progress.addBytes(n),
      ...(ticket ? { syncGroup: ticket } : {}),
      // Each folder is fsynced once when its files are in (see copyOne), not after every rename.
      syncFolder: false,
      ...(testHook ? { beforeVerify: (partial: string) => testHook('before-verify', partial) } : {}),
    });
    const hashes = { [options.algorithm]: hash };
    const outcome = { path: file.rel, role: 'outcome' as const, size, hashes };
    replication.addObjects(outcome);
    replication.succeed(`${dst}`);
    fixity.addObjects({ ...source, hashes }, outcome);
    fixity.succeed(
      check === options.algorithm
        ? `${hash} matches the source`
        : check === 'bytes'
          ? `every byte matches the source's; ${options.algorithm} ${hash}`
          : `the copy matches the source's bytes (${check}); ${options.algorithm} ${hash}`,
    );
    await journal.record({ path: file.rel, hash });
    progress.fileDone();
    return { file, action: 'copied', hash };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (!fixity.isClosed && error instanceof VerificationError) fixity.fail(reason);
    else if (!fixity.isClosed) fixity.fail(`not completed: ${reason}`);
    replication.fail(reason);
    throw error;
  }
}

async function finish(
  scan: SourceScan,
  paths: CopyPaths,
  outcomes: FileOutcome[],
  journal: Journal,
  seconds: number,
  options: CopyitOptions,
  ctx: ToolContext,
): Promise<InputResult> {
  const { logger } = ctx;
  const failed = outcomes.filter((o) => o.action === 'failed');
  const copied = outcomes.filter((o) => o.action === 'copied');
  const skipped = outcomes.filter((o) => o.action === 'skipped');
  const copiedBytes = copied.reduce((n, o) => n + o.file.size, 0);
  // Every byte was read at least once (copied, or its earlier copy re-hashed): the rate is over all.
  const rate = seconds > 0 ? scan.bytes / seconds : 0;
  const details = {
    files: scan.files.length,
    bytes: scan.bytes,
    copied: copied.length,
    skipped: skipped.length,
    failed: failed.length,
    seconds: Number(seconds.toFixed(3)),
    megabytesPerSecond: Number((rate / 1e6).toFixed(1)),
    junkSkipped: scan.junk,
    ...(failed.length ? { failedFiles: failed.map((o) => ({ file: o.file.rel, reason: errorText(o.error) })) } : {}),
  };
  const method = verificationMethod(options, { copying: skipped.length < scan.files.length, skipping: skipped.length > 0 });
  if (failed.length > 0) {
    const reason = `${failed.length} of ${scan.files.length} file${scan.files.length === 1 ? '' : 's'} failed: ${failed.map((o) => errorText(o.error)).join('; ')}`;
    logger.error(`${scan.path}: ${reason}; manifests not written (the journal ${paths.manifest}.partial lets a re-run resume)`);
    return {
      input: scan.path,
      status: 'failed',
      exitCode: mostSerious(failed.map((o) => exitCodeFor(o.error))),
      reason,
      outputs: [],
      verification: { method, outcome: 'fail', detail: `${failed.length} failed, ${copied.length + skipped.length} verified` },
      details,
    };
  }

  // Folder mtimes last (deepest first): writing files into a folder changes its mtime.
  if (scan.kind === 'folder') {
    for (const dir of [...scan.dirs].reverse()) {
      const info = await stat(join(scan.path, '..', dir)).catch(() => undefined);
      if (info) await utimes(join(paths.manifestRoot, dir), info.atime, info.mtime).catch(() => undefined);
    }
  }

  const entries: ManifestEntry[] = outcomes.map((o) => ({ path: o.file.rel, hash: o.hash! }));
  const digest = logger.begin('message digest calculation', `${options.algorithm} manifests of ${scan.files.length} files copied from ${scan.path}`);
  for (const file of [paths.sourceManifest, paths.manifest]) {
    await writeManifest(file, entries).catch((error: unknown) => {
      throw fsError(file, error, 'write');
    });
  }
  const manifestOutputs: OutputRecord[] = [];
  for (const [file, role] of [[paths.sourceManifest, 'source manifest'], [paths.manifest, 'manifest']] as const) {
    const { digest: md5, size } = await hashFile(file);
    manifestOutputs.push({ path: file, role, size, md5 });
    digest.addObjects({ path: file, role: 'sidecar', size, hashes: { md5 } });
  }
  digest.succeed(`${paths.sourceManifest}, ${paths.manifest}`);
  await journal.remove();

  const copyRecord: OutputRecord = {
    path: paths.target,
    role: scan.kind === 'folder' ? 'copied folder' : 'copy',
    size: scan.bytes,
    ...(scan.kind === 'file' && options.algorithm === 'md5' && entries[0] ? { md5: entries[0].hash } : {}),
  };
  logger.info(
    `${scan.path}: ${copied.length} copied (${formatBytes(copiedBytes)}), ${skipped.length} already verified, ` +
      `${scan.junk.length} junk skipped; ${formatBytes(scan.bytes)} in ${seconds.toFixed(1)} s, ${formatRate(rate)}; ` +
      `manifests ${paths.sourceManifest}, ${paths.manifest}`,
  );
  return {
    input: scan.path,
    status: copied.length === 0 && scan.files.length > 0 ? 'skipped' : 'done',
    exitCode: 0,
    ...(copied.length === 0 && scan.files.length > 0 ? { reason: 'already copied and verified' } : {}),
    outputs: [copyRecord, ...manifestOutputs],
    verification: {
      method,
      outcome: 'pass',
      detail: `${copied.length + skipped.length} of ${scan.files.length} files verified (${copied.length} copied, ${skipped.length} already present)`,
    },
    details,
  };
}

/** Each copy is compared byte for byte unless asked otherwise (--verify). */
export function verifyAlgorithmOf(options: Pick<CopyitOptions, 'verifyAlgorithm'>): CheckMethod {
  return options.verifyAlgorithm ?? 'bytes';
}

/**
 * How this run proved its files: the copies' check, and for copies already there (skipped)
 * the re-hash that let them stand (see decideExisting), each named only if it happened.
 */
function verificationMethod(options: CopyitOptions, { copying, skipping }: { copying: boolean; skipping: boolean }): string {
  const check = verifyAlgorithmOf(options);
  const copies =
    check === options.algorithm
      ? `${options.algorithm} of the source while copying, compared with a re-read of each copy`
      : check === 'bytes'
        ? `${options.algorithm} of the source while copying; every copy re-read and compared byte for byte with the source's bytes`
        : `${options.algorithm} and ${check} of the source while copying; every copy re-read and compared by ${check}`;
  const present = `${copying ? 'copies already there: ' : ''}${options.algorithm} of each existing copy, matched with the earlier run's record or with its source's`;
  return [...(copying ? [copies] : []), ...(skipping ? [present] : [])].join('; ');
}

function rereadText(check: CheckMethod): string {
  return check === 'bytes' ? 're-read and compared byte for byte' : `re-read and compared by ${check}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
