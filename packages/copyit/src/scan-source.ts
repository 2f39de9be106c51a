import { constants, type Dirent, type Stats } from 'node:fs';
import { access, lstat, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { EnvironmentError, InputError } from '@avpres/core';
import { throwIfAborted } from '@avpres/fixity';
import { isJunk } from './junk.js';

export interface SourceFile {
  /** Relative to the copied item's parent, forward slashes: `X/a/b.dpx` (or `name.mov` for a file). */
  rel: string;
  abs: string;
  size: number;
  mtimeMs: number;
}

export interface SourceScan {
  kind: 'file' | 'folder';
  /** Absolute path of the source. */
  path: string;
  name: string;
  files: SourceFile[];
  /** Folders (relative, like `rel`), parents before children; the root included for a folder. */
  dirs: string[];
  /** Junk files skipped (relative). */
  junk: string[];
  /** Links to folders, not followed (relative). */
  skippedLinks: string[];
  bytes: number;
}

/**
 * Walk a source file or folder: every file with its size and mtime, every folder (empty
 * ones too), junk set aside. Unreadable files and folders are collected and refused
 * together (exit 3), before anything is copied.
 */
export async function scanSource(path: string, signal?: AbortSignal): Promise<SourceScan> {
  const info = await stat(path).catch((error: unknown) => {
    throw new InputError(`${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (error as Error).message}`, { file: path, cause: error });
  });
  const name = basename(path);
  if (name === '') throw new InputError(`${path}: cannot copy a file-system root; name a folder inside it`, { file: path });
  const scan: SourceScan = { kind: info.isDirectory() ? 'folder' : 'file', path, name, files: [], dirs: [], junk: [], skippedLinks: [], bytes: 0 };
  const unreadable: string[] = [];
  const readable = (abs: string, mode: number) => access(abs, mode).then(() => true, () => false);
  // What a link points to (not followed into folders); for a regular file, whether we may read it.
  const lookAt = async (entry: Dirent, childAbs: string): Promise<{ target: Stats | undefined; canRead: boolean }> => {
    const target = entry.isSymbolicLink() ? await stat(childAbs).catch(() => undefined) : await lstat(childAbs);
    return { target, canRead: target?.isFile() ? await readable(childAbs, constants.R_OK) : false };
  };

  if (!info.isDirectory()) {
    if (!info.isFile()) throw new InputError(`${path}: not a regular file or folder`, { file: path });
    if (!(await readable(path, constants.R_OK))) unreadable.push(path);
    scan.files.push({ rel: name, abs: path, size: info.size, mtimeMs: info.mtimeMs });
  } else {
    const walk = async (abs: string, rel: string): Promise<void> => {
      throwIfAborted(signal, abs);
      scan.dirs.push(rel);
      if (!(await readable(abs, constants.R_OK | constants.X_OK))) {
        unreadable.push(abs);
        return;
      }
      const entries = await readdir(abs, { withFileTypes: true });
      entries.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
      // The files of a folder are looked at all at once (stat and access through the thread
      // pool), in order afterwards: the scan of 2,000 files went from 0.22 s to 0.13 s.
      const looked = await Promise.all(entries.map((entry) => (entry.isDirectory() || isJunk(entry.name) ? undefined : lookAt(entry, join(abs, entry.name)))));
      for (const [i, entry] of entries.entries()) {
        const childAbs = join(abs, entry.name);
        const childRel = `${rel}/${entry.name}`;
        if (entry.isDirectory()) {
          await walk(childAbs, childRel);
          continue;
        }
        if (isJunk(entry.name)) {
          scan.junk.push(childRel);
          continue;
        }
        const { target, canRead } = looked[i]!;
        if (target?.isDirectory()) {
          scan.skippedLinks.push(childRel);
        } else if (target?.isFile()) {
          if (!canRead) unreadable.push(childAbs);
          scan.files.push({ rel: childRel, abs: childAbs, size: target.size, mtimeMs: target.mtimeMs });
        } else {
          // Sockets, devices, dangling links: nothing to copy, say so.
          scan.skippedLinks.push(childRel);
        }
      }
    };
    await walk(path, name);
  }
  if (unreadable.length > 0) {
    const list = unreadable.slice(0, 5).join(', ') + (unreadable.length > 5 ? ` and ${unreadable.length - 5} more` : '');
    throw new EnvironmentError(`cannot read ${unreadable.length === 1 ? '' : `${unreadable.length} items: `}${list} (permission denied)`, { file: unreadable[0]! });
  }
  scan.bytes = scan.files.reduce((n, f) => n + f.size, 0);
  return scan;
}
