import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { InputError } from '@avpres/core';

export interface SequenceFile {
  name: string;
  path: string;
  number: number;
  size: number;
  mtimeMs: number;
}

/** A numbered image sequence found in a folder. */
export interface Sequence {
  /** The folder given (its name names the outputs). */
  folder: string;
  name: string;
  /** Where the files are: the folder or its single subfolder. */
  dir: string;
  extension: string;
  format: 'dpx' | 'tiff';
  files: SequenceFile[];
  /** Frame numbers missing between the first and last file. */
  gaps: Array<{ from: number; to: number }>;
  /**
   * An image2 pattern (name%0Nd.ext, '%' in names doubled) when every name is the pattern
   * printed with its number and there are no gaps; otherwise undefined (use a concat list).
   */
  pattern: { pattern: string; start: number } | undefined;
  /** WAV files beside the frames: muxed as FLAC, given back too. */
  audio: SequenceFile[];
  /** Files in the folder that are not part of the sequence. */
  ignored: string[];
}

const IMAGE = /^(.*?)(\d+)\.(dpx|tiff?)$/i;

function formatOf(ext: string): 'dpx' | 'tiff' {
  return ext.toLowerCase() === 'dpx' ? 'dpx' : 'tiff';
}

/** Files whose size differs from the first one's (a frame of another layout, or truncated). */
export function oddSizes(seq: Sequence): SequenceFile[] {
  const counts = new Map<number, number>();
  for (const f of seq.files) counts.set(f.size, (counts.get(f.size) ?? 0) + 1);
  const usual = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
  return seq.files.filter((f) => f.size !== usual);
}

/**
 * Finds the sequence in `folder` (or in its single subfolder): numbered files with one
 * extension and one name prefix. Mixed formats, mixed prefixes and gaps
 * (unless allowed) are InputErrors naming what was found.
 */
export async function findSequence(folder: string, { allowGaps = false }: { allowGaps?: boolean } = {}): Promise<Sequence> {
  let dir = folder;
  let entries = await listDir(dir);
  const top = entries;
  const images = (list: typeof entries) => list.filter((e) => e.isFile() && IMAGE.test(e.name) && !e.name.startsWith('.'));
  if (images(entries).length === 0) {
    const subdirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.'));
    if (subdirs.length === 1) {
      dir = join(folder, subdirs[0]!.name);
      entries = await listDir(dir);
    }
  }
  const found = images(entries);
  if (found.length === 0) throw new InputError(`${folder}: no numbered DPX or TIFF files here or in a single subfolder`, { file: folder });
  const extensions = new Set(found.map((e) => IMAGE.exec(e.name)![3]!.toLowerCase().replace('tiff', 'tif')));
  if (extensions.size > 1) throw new InputError(`${folder}: mixed formats (${[...extensions].map((x) => '.' + x).join(', ')}): one sequence per folder`, { file: folder });
  const prefixes = new Set(found.map((e) => IMAGE.exec(e.name)![1]!));
  if (prefixes.size > 1) {
    throw new InputError(`${folder}: more than one sequence (name prefixes ${[...prefixes].slice(0, 4).map((p) => JSON.stringify(p)).join(', ')})`, { file: folder });
  }
  const files: SequenceFile[] = [];
  for (const e of found) {
    const m = IMAGE.exec(e.name)!;
    const path = join(dir, e.name);
    const st = await stat(path);
    files.push({ name: e.name, path, number: Number(m[2]), size: st.size, mtimeMs: st.mtimeMs });
  }
  files.sort((a, b) => a.number - b.number);
  for (let i = 1; i < files.length; i++) {
    if (files[i]!.number === files[i - 1]!.number) throw new InputError(`${folder}: ${files[i - 1]!.name} and ${files[i]!.name} have the same frame number`, { file: folder });
  }
  const gaps: Array<{ from: number; to: number }> = [];
  for (let i = 1; i < files.length; i++) {
    const before = files[i - 1]!.number;
    const after = files[i]!.number;
    if (after !== before + 1) gaps.push({ from: before + 1, to: after - 1 });
  }
  if (gaps.length > 0 && !allowGaps) {
    const list = gaps.slice(0, 3).map((g) => (g.from === g.to ? `${g.from}` : `${g.from}-${g.to}`)).join(', ');
    throw new InputError(`${folder}: gap in the numbering: frame${gaps.length > 1 || gaps[0]!.from !== gaps[0]!.to ? 's' : ''} ${list}${gaps.length > 3 ? ', ...' : ''} missing (--allow-gaps to accept and record it)`, { file: folder });
  }
  // WAVs beside the frames, or in the folder above their single subfolder.
  const isWav = (e: (typeof entries)[number]) => e.isFile() && /\.wav$/i.test(e.name) && !e.name.startsWith('.');
  const wavs = [...(dir !== folder ? top.filter(isWav).map((e) => ({ e, at: folder })) : []), ...entries.filter(isWav).map((e) => ({ e, at: dir }))];
  const audio: SequenceFile[] = [];
  for (const { e, at } of wavs) {
    const path = join(at, e.name);
    const st = await stat(path);
    audio.push({ name: e.name, path, number: audio.length, size: st.size, mtimeMs: st.mtimeMs });
  }
  const ignored = entries.filter((e) => !found.includes(e) && !isWav(e) && !e.name.startsWith('.')).map((e) => e.name);
  const prefix = [...prefixes][0]!;
  const ext = IMAGE.exec(files[0]!.name)![3]!;
  return {
    folder,
    name: basename(folder),
    dir,
    extension: ext,
    format: formatOf(ext),
    files,
    gaps,
    pattern: gaps.length === 0 ? image2Pattern(prefix, ext, files) : undefined,
    audio,
    ignored,
  };
}

async function listDir(dir: string) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such folder' : code === 'ENOTDIR' ? 'not a folder' : code === 'EACCES' ? 'permission denied' : String(code);
    throw new InputError(`${dir}: ${why}`, { file: dir, cause: error });
  }
}

/** name%0Nd.ext when every file name is exactly that pattern printed with its number. */
export function image2Pattern(prefix: string, ext: string, files: readonly SequenceFile[]): { pattern: string; start: number } | undefined {
  const digits = Math.min(...files.map((f) => IMAGE.exec(f.name)![2]!.length));
  const printed = (n: number) => `${prefix}${String(n).padStart(digits, '0')}.${ext}`;
  if (!files.every((f) => f.name === printed(f.number))) return undefined;
  const pattern = `${prefix.replace(/%/g, '%%')}%0${digits}d.${ext.replace(/%/g, '%%')}`;
  return { pattern, start: files[0]!.number };
}

/** The frames of a sequence now, to catch files added, removed or changed while it was encoded. */
export async function sequenceChanges(seq: Sequence): Promise<string[]> {
  const now = await findSequence(seq.folder, { allowGaps: true }).catch((error: unknown) => {
    throw new InputError(`${seq.folder}: changed while it was encoded: ${(error as Error).message}`, { file: seq.folder });
  });
  return fileChanges([...seq.files, ...seq.audio], [...now.files, ...now.audio]);
}

/** What a file is taken to be without reading it: its name, size and modification time. */
export interface FileState {
  name: string;
  size: number;
  mtimeMs: number;
}

/** Files added, removed, or changed (size or modification time) between two listings. */
export function fileChanges(then: readonly FileState[], now: readonly FileState[]): string[] {
  const before = new Map(then.map((f) => [f.name, f]));
  const changes: string[] = [];
  for (const f of now) {
    const old = before.get(f.name);
    if (!old) changes.push(`${f.name} added`);
    else if (old.size !== f.size || old.mtimeMs !== f.mtimeMs) changes.push(`${f.name} changed`);
    before.delete(f.name);
  }
  for (const name of before.keys()) changes.push(`${name} removed`);
  return changes;
}
