import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { ExitCode, InputError, type InputResult } from '@avpres/core';
import { readManifest, sharedHashPool, verifyFolder, type HashAlgorithm } from '@avpres/fixity';
import type { ToolContext } from '@avpres/media';
import { CopyProgress, formatRate } from './copy-progress.js';
import { isJunk } from './junk.js';
import { formatBytes } from './preflight.js';

export interface VerifyOptions {
  /** Absolute path of an md5sum-format manifest. */
  manifest: string;
  /** Absolute path of the folder its paths are relative to; default the manifest's folder. */
  folder?: string;
  /** Default: from the manifest's extension (.md5, .sha256, ...), else its hash length. */
  algorithm?: HashAlgorithm;
  /** Count every unlisted file in the folder as extra, not only those inside the folders the manifest names. */
  wholeFolder: boolean;
}

/** Logs written next to the manifest by this very run are not part of what it checks. */
const OWN_LOGS = 'avpres-logs';

/** Re-check a folder against a manifest (periodic fixity audit): changed, missing and extra files. */
export async function verifyManifest(options: VerifyOptions, ctx: ToolContext): Promise<InputResult[]> {
  const { logger } = ctx;
  const folder = options.folder ?? dirname(options.manifest);
  const expected = await readManifest(options.manifest);
  // Nothing listed, nothing checked: "0 of 0 verified" must not read as a pass, unless the
  // folder the manifest is named after is there and as empty (copyit of an empty folder).
  if (expected.length === 0) return [await emptyManifest(options.manifest, folder)];
  const listed = new Set(expected.map((e) => e.path));
  if (ctx.dryRun) {
    ctx.print(`hash ${expected.length} files listed in ${options.manifest} under ${folder}, and look for unlisted files`);
    return [{ input: options.manifest, status: 'skipped', exitCode: 0, reason: 'dry run: nothing read', outputs: [] }];
  }
  const pool = sharedHashPool();
  const progress = new CopyProgress(logger, `verify ${basename(options.manifest)}`, 0, expected.length);
  const check = logger.begin('fixity check', `${options.manifest} against ${folder}`);
  let total = 0;
  try {
    const result = await verifyFolder(options.manifest, folder, {
      ...(options.algorithm ? { algorithm: options.algorithm } : {}),
      scope: options.wholeFolder ? 'whole-folder' : 'listed-roots',
      exclude: (rel) => !listed.has(rel) && (rel === OWN_LOGS || isJunk(basename(rel))),
      concurrency: pool.size + 2,
      signal: ctx.signal,
      hash: (path, opts) => pool.hashFile(path, opts),
      onProgress: (p) => {
        if (p.bytesTotal !== total) progress.setTotal((total = p.bytesTotal));
        progress.update(p.bytesDone, p.filesDone);
      },
    });
    progress.end();
    const seconds = progress.seconds;
    for (const path of result.changed) logger.error(`changed: ${path}`);
    for (const path of result.missing) logger.error(`missing: ${path}`);
    for (const path of result.extra) logger.error(`extra (not in the manifest): ${path}`);
    const counts = `${result.verified} of ${expected.length} files verified, ${result.changed.length} changed, ${result.missing.length} missing, ${result.extra.length} extra`;
    const speed = `${formatBytes(result.bytes)} in ${seconds.toFixed(1)} s, ${formatRate(seconds > 0 ? result.bytes / seconds : 0)}`;
    if (result.ok) check.succeed(counts);
    else check.fail(counts);
    logger.info(`${options.manifest}: ${counts} (${result.algorithm}; ${speed})`);
    const details = {
      folder,
      algorithm: result.algorithm,
      files: expected.length,
      verified: result.verified,
      bytes: result.bytes,
      seconds: Number(seconds.toFixed(3)),
      changed: result.changed,
      missing: result.missing,
      extra: result.extra,
    };
    const verification = { method: `${result.algorithm} manifest re-check`, outcome: result.ok ? ('pass' as const) : ('fail' as const), detail: counts };
    if (result.ok) return [{ input: options.manifest, status: 'done', exitCode: 0, outputs: [], verification, details }];
    const list = (label: string, paths: string[]) => (paths.length ? [`${label}: ${paths.slice(0, 20).join(', ')}${paths.length > 20 ? `, ... (${paths.length})` : ''}`] : []);
    const reason = [...list('changed', result.changed), ...list('missing', result.missing), ...list('extra', result.extra)].join('; ');
    return [{ input: options.manifest, status: 'failed', exitCode: ExitCode.verification, reason, outputs: [], verification, details }];
  } catch (error) {
    if (!check.isClosed) check.fail(error instanceof Error ? error.message : String(error));
    throw error;
  } finally {
    progress.end();
  }
}

/**
 * An empty manifest passes only as the record of an empty folder: `<name>_manifest.md5`
 * (or `_source_manifest`) beside a `<name>/` that holds no files. Anything else proves
 * nothing (an InputError), and files in that folder are extra (a failure).
 */
async function emptyManifest(manifest: string, folder: string): Promise<InputResult> {
  const name = /^(.+?)(?:_source)?_manifest\.[A-Za-z0-9]+$/.exec(basename(manifest))?.[1];
  const root = name === undefined ? undefined : join(folder, name);
  const info = root === undefined ? undefined : await stat(root).catch(() => undefined);
  if (root === undefined || !info?.isDirectory()) {
    throw new InputError(`${manifest}: lists no files (nothing to verify)`, { file: manifest });
  }
  const extra = (await readdir(root, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile() && !isJunk(e.name))
    .map((e) => relative(folder, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
  const detail = `0 files listed; ${root} holds ${extra.length === 0 ? 'none either' : `${extra.length}`}`;
  const verification = { method: 'manifest of an empty folder', outcome: extra.length === 0 ? ('pass' as const) : ('fail' as const), detail };
  const details = { folder, files: 0, verified: 0, changed: [], missing: [], extra };
  if (extra.length === 0) return { input: manifest, status: 'done', exitCode: 0, outputs: [], verification, details };
  return { input: manifest, status: 'failed', exitCode: ExitCode.verification, reason: `extra: ${extra.slice(0, 20).join(', ')}`, outputs: [], verification, details };
}
