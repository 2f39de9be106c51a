import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join, relative, sep } from 'node:path';
import { InputError } from '@avpres/core';

/** Container extensions a capture may have; other files in a folder are listed, not probed. */
export const MEDIA_EXTENSIONS = new Set(['.mov', '.avi', '.mxf', '.mkv', '.mp4', '.m4v', '.dv', '.nut', '.mpg', '.mpeg', '.ts', '.m2ts', '.y4m']);

export interface SourceFile {
  /** Absolute path. */
  path: string;
  /** Folder below the output folder (keeps a folder input's structure), '' for a file input. */
  relativeDir: string;
  stem: string;
}

export interface FoundInputs {
  files: SourceFile[];
  /** Files in folder inputs left alone (not media by extension). */
  ignored: string[];
  /** Inputs that do not exist or cannot be read: each becomes a failed result. */
  missing: { path: string; error: InputError }[];
}

/** Expand file and folder inputs into the captures to normalise, never looking inside `exclude`. */
export async function findInputs(inputs: readonly string[], exclude: string): Promise<FoundInputs> {
  const found: FoundInputs = { files: [], ignored: [], missing: [] };
  // A capture named twice (-i a.mov -i a.mov, or a folder and a file in it) is one job.
  const seen = new Set<string>();
  const add = (file: SourceFile) => {
    if (seen.has(file.path)) return;
    seen.add(file.path);
    found.files.push(file);
  };
  for (const input of inputs) {
    let info;
    try {
      info = await stat(input);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (error as Error).message;
      found.missing.push({ path: input, error: new InputError(`${input}: ${reason}`, { file: input, cause: error }) });
      continue;
    }
    if (info.isFile()) {
      add({ path: input, relativeDir: '', stem: stemOf(input) });
      continue;
    }
    for (const file of await walk(input, exclude)) {
      if (MEDIA_EXTENSIONS.has(extname(file).toLowerCase()) && !basename(file).startsWith('._')) {
        const rel = relative(input, file);
        const dir = rel.includes(sep) ? rel.slice(0, rel.lastIndexOf(sep)) : '';
        add({ path: file, relativeDir: dir, stem: stemOf(file) });
      } else {
        found.ignored.push(file);
      }
    }
  }
  return found;
}

async function walk(dir: string, exclude: string): Promise<string[]> {
  if (dir === exclude || dir.startsWith(exclude + sep)) return [];
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full, exclude)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

export function stemOf(path: string): string {
  const name = basename(path);
  const ext = extname(name);
  return ext && ext !== name ? name.slice(0, -ext.length) : name;
}
