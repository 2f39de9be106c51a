import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { InputError } from '@avpres/core';
import { writeFileAtomic } from './atomic-write.js';
import { hashFile, isHashAlgorithm, throwIfAborted, type HashAlgorithm } from './hash.js';

/** One line of a manifest: a hash and a path relative to the manifest's folder (forward slashes). */
export interface ManifestEntry {
  path: string;
  hash: string;
}

export interface ManifestComparison {
  /** In the expected manifest, absent from the actual one. */
  missing: string[];
  /** In the actual manifest only. */
  extra: string[];
  /** In both, with different hashes. */
  changed: string[];
  ok: boolean;
}

/** Byte order of the UTF-8 paths, as `LC_ALL=C sort` gives: the same on every machine. */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * md5sum's text format: `<hash>  <path>` per line, sorted by path. Like md5sum, a path
 * holding a newline or backslash is escaped and its line starts with a backslash.
 */
export function formatManifest(entries: readonly ManifestEntry[]): string {
  return [...entries]
    .sort((a, b) => comparePaths(a.path, b.path))
    .map(({ hash, path }) => {
      const escaped = /[\\\n\r]/.test(path);
      const name = escaped ? path.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : path;
      return `${escaped ? '\\' : ''}${hash.toLowerCase()}  ${name}\n`;
    })
    .join('');
}

const LINE = /^(\\?)([0-9a-fA-F]{32,128}) ([ *])(.+)$/;

/** Parse md5sum/sha*sum output: text (`  `) or binary (` *`) marker, LF or CRLF. */
export function parseManifest(text: string): ManifestEntry[] {
  const entries: ManifestEntry[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    const match = LINE.exec(line);
    if (!match) throw new InputError(`line ${index + 1}: expected "<hash>  <path>", got ${JSON.stringify(line.slice(0, 80))}`);
    const [, escaped, hash, , rawPath] = match;
    const path = escaped ? unescapePath(rawPath!) : rawPath!;
    if (path.startsWith('/') || path.split('/').includes('..')) {
      throw new InputError(`line ${index + 1}: path must be relative and stay inside the folder, got ${JSON.stringify(path)}`);
    }
    entries.push({ path: path.replace(/^\.\//, ''), hash: hash!.toLowerCase() });
  });
  return entries;
}

function unescapePath(path: string): string {
  return path.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}

export async function writeManifest(file: string, entries: readonly ManifestEntry[]): Promise<void> {
  await writeFileAtomic(file, formatManifest(entries));
}

export async function readManifest(file: string): Promise<ManifestEntry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read manifest ${file}: ${(error as Error).message}`, { file, cause: error });
  }
  try {
    return parseManifest(text);
  } catch (error) {
    throw new InputError(`${file}: ${(error as Error).message}`, { file, cause: error });
  }
}

export function compareManifests(expected: readonly ManifestEntry[], actual: readonly ManifestEntry[]): ManifestComparison {
  const want = new Map(expected.map((e) => [e.path, e.hash.toLowerCase()]));
  const have = new Map(actual.map((e) => [e.path, e.hash.toLowerCase()]));
  const missing: string[] = [];
  const changed: string[] = [];
  for (const [path, hash] of want) {
    const got = have.get(path);
    if (got === undefined) missing.push(path);
    else if (got !== hash) changed.push(path);
  }
  const extra = [...have.keys()].filter((path) => !want.has(path));
  for (const list of [missing, changed, extra]) list.sort(comparePaths);
  return { missing, extra, changed, ok: missing.length === 0 && extra.length === 0 && changed.length === 0 };
}

export interface FolderFile {
  /** Relative to the folder walked, forward slashes. */
  path: string;
  size: number;
}

export interface WalkOptions {
  /** Skip a file or folder (relative path, forward slashes) when this returns true. */
  exclude?: (relPath: string) => boolean;
  signal?: AbortSignal;
}

/**
 * Every file under `dir`, recursively, sorted by path. Symbolic links to files count as
 * files (like md5sum, the target is hashed); links to folders are not followed (no loops).
 */
export async function listFiles(dir: string, options: WalkOptions = {}): Promise<FolderFile[]> {
  const files: FolderFile[] = [];
  const walk = async (abs: string, rel: string): Promise<void> => {
    throwIfAborted(options.signal, abs);
    const entries = await readdir(abs, { withFileTypes: true });
    for (const entry of entries) {
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (options.exclude?.(childRel)) continue;
      const childAbs = join(abs, entry.name);
      if (entry.isDirectory()) {
        await walk(childAbs, childRel);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        const info = await stat(childAbs).catch(() => undefined);
        if (info?.isFile()) files.push({ path: childRel, size: info.size });
      }
    }
  };
  await walk(dir, '');
  return files.sort((a, b) => comparePaths(a.path, b.path));
}

export interface FolderProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface ManifestOfFolderOptions extends WalkOptions {
  algorithm?: HashAlgorithm;
  /** Files hashed at once (their reads overlap); default 2. */
  concurrency?: number;
  onProgress?: (progress: FolderProgress) => void;
  /** Hash one file; default hashFile. Lets a caller spread hashing over worker threads. */
  hash?: (path: string, options: { algorithm: HashAlgorithm; signal?: AbortSignal; onBytes: (n: number) => void }) => Promise<{ digest: string }>;
}

/** Hash every file under `dir`; entries relative to `dir`, sorted. */
export async function manifestOfFolder(dir: string, options: ManifestOfFolderOptions = {}): Promise<ManifestEntry[]> {
  const files = await listFiles(dir, options);
  return hashFiles(dir, files, options);
}

async function hashFiles(dir: string, files: readonly FolderFile[], options: ManifestOfFolderOptions): Promise<ManifestEntry[]> {
  const algorithm = options.algorithm ?? 'md5';
  const hash = options.hash ?? hashFile;
  const progress: FolderProgress = {
    filesDone: 0,
    filesTotal: files.length,
    bytesDone: 0,
    bytesTotal: files.reduce((n, f) => n + f.size, 0),
  };
  const entries: ManifestEntry[] = new Array(files.length);
  await forEachConcurrently(files, options.concurrency ?? 2, async (file, index) => {
    throwIfAborted(options.signal, file.path);
    const { digest } = await hash(join(dir, file.path), {
      algorithm,
      ...(options.signal ? { signal: options.signal } : {}),
      onBytes: (n) => {
        progress.bytesDone += n;
        options.onProgress?.({ ...progress });
      },
    });
    entries[index] = { path: file.path, hash: digest };
    progress.filesDone++;
    options.onProgress?.({ ...progress });
  });
  return entries;
}

/** Run `work` over `items`, at most `limit` at once; the first failure stops new work and is thrown. */
export async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed: unknown;
  const lane = async () => {
    while (failed === undefined && next < items.length) {
      const index = next++;
      try {
        await work(items[index]!, index);
      } catch (error) {
        failed ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (failed !== undefined) throw failed;
}

/** The algorithm a manifest's name says (`.md5`, `.sha256`, ...), else one its hash length allows. */
export function algorithmOfManifest(file: string, entries: readonly ManifestEntry[]): HashAlgorithm {
  const ext = extname(file).slice(1).toLowerCase().replace(/^sha(\d+)sum$/, 'sha$1').replace(/^md5sum$/, 'md5');
  if (isHashAlgorithm(ext)) return ext;
  const length = entries[0]?.hash.length;
  return length === 64 ? 'sha256' : length === 128 ? 'sha512' : 'md5';
}

export interface VerifyFolderOptions extends ManifestOfFolderOptions {
  /**
   * Where unlisted files count as extra: the whole folder (default), or only inside the
   * top-level entries the manifest names ('listed-roots': a manifest beside a copied
   * folder on a shared disk checks that folder, not the disk).
   */
  scope?: 'whole-folder' | 'listed-roots';
}

export interface FolderVerification extends ManifestComparison {
  algorithm: HashAlgorithm;
  /** Files hashed and found equal. */
  verified: number;
  bytes: number;
}

/**
 * Check a folder (default: the manifest's own folder) against a manifest: files listed
 * but absent, files present but unlisted, and files whose hash changed. Only listed files
 * are hashed; the manifest itself (and its partial) is never counted as extra.
 */
export async function verifyFolder(
  manifestFile: string,
  dir: string = dirname(manifestFile),
  options: VerifyFolderOptions = {},
): Promise<FolderVerification> {
  const expected = await readManifest(manifestFile);
  const algorithm = options.algorithm ?? algorithmOfManifest(manifestFile, expected);
  const self = resolve(manifestFile);
  const root = resolve(dir);
  const roots = new Set(expected.map((e) => e.path.split('/')[0]!));
  const files = await listFiles(root, {
    ...options,
    exclude: (rel) => {
      const abs = join(root, rel);
      if (abs === self || abs === `${self}.partial`) return true;
      if (options.scope === 'listed-roots' && !roots.has(rel.split('/')[0]!)) return true;
      return options.exclude?.(rel) ?? false;
    },
  });
  const listed = new Set(expected.map((e) => e.path));
  const toHash = files.filter((f) => listed.has(f.path));
  const hashed = await hashFiles(root, toHash, { ...options, algorithm });
  const unlisted: ManifestEntry[] = files.filter((f) => !listed.has(f.path)).map((f) => ({ path: f.path, hash: '' }));
  const comparison = compareManifests(expected, [...hashed, ...unlisted]);
  return {
    ...comparison,
    algorithm,
    verified: hashed.length - comparison.changed.length,
    bytes: toHash.reduce((n, f) => n + f.size, 0),
  };
}

/** The conventional manifest name for a folder: `<folder>_manifest.md5` (IFI). */
export function manifestNameFor(folder: string, algorithm: HashAlgorithm = 'md5'): string {
  return `${basename(folder)}_manifest.${algorithm}`;
}
