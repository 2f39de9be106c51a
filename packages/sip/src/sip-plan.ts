import { stat } from 'node:fs/promises';
import { basename, isAbsolute, resolve } from 'node:path';
import { InputError, UsageError } from '@avpres/core';
import { listFiles } from '@avpres/fixity';
import { checkOutputOutsideSources } from './outside-sources.js';
import { PACKAGE_FOLDERS } from './package-folders.js';

export type PackagedRole = 'object' | 'metadata' | 'supplemental' | 'log';

/** One source file and where it goes, relative to the package's content root. */
export interface PlannedFile {
  source: string;
  target: string;
  size: number;
  role: PackagedRole;
  /** Which request.objects entry it came from (objects only). */
  objectIndex?: number;
}

export interface PlannedObject {
  source: string;
  name: string;
  isFolder: boolean;
  /** The file MediaInfo describes: the object itself, or a folder's first file. */
  describedBy?: PlannedFile;
}

export interface SipPlan {
  files: PlannedFile[];
  objects: PlannedObject[];
}

export interface PlanRequest {
  objects: ReadonlyArray<{ path: string; name?: string }>;
  metadata?: ReadonlyArray<{ path: string; name?: string }>;
  supplemental?: readonly string[];
  logs?: ReadonlyArray<{ path: string; name?: string }>;
  /** Names the builder itself writes (sidecars, PREMIS, its log), relative to the content root. */
  reserved?: readonly string[];
  /** The folder relative paths are resolved against (library code never reads process.cwd()). */
  cwd?: string;
  signal?: AbortSignal;
}

/**
 * Where every source goes in the package, checked before anything is written: inputs exist
 * and are readable kinds, names are plain file names, no two files land on one path.
 */
export async function planSip(request: PlanRequest): Promise<SipPlan> {
  if (request.objects.length === 0) throw new UsageError('expected at least one object (-i), got none');
  const files: PlannedFile[] = [];
  const objects: PlannedObject[] = [];
  for (const [index, o] of request.objects.entries()) {
    const source = absolute(o.path, request.cwd);
    const name = checkName(o.name ?? basename(source), o.path);
    const info = await statInput(source);
    if (info.isDirectory()) {
      const inside = await listFiles(source, request.signal ? { signal: request.signal } : {});
      if (inside.length === 0) throw new InputError(`${o.path}: folder holds no files`, { file: o.path });
      const planned = inside.map((f) => ({
        source: resolve(source, f.path),
        target: `${PACKAGE_FOLDERS.objects}/${name}/${f.path}`,
        size: f.size,
        role: 'object' as const,
        objectIndex: index,
      }));
      files.push(...planned);
      objects.push({ source, name, isFolder: true, describedBy: planned[0]! });
    } else {
      const file: PlannedFile = { source, target: `${PACKAGE_FOLDERS.objects}/${name}`, size: info.size, role: 'object', objectIndex: index };
      files.push(file);
      objects.push({ source, name, isFolder: false, describedBy: file });
    }
  }
  const single = async (path: string, name: string | undefined, folder: string, role: PackagedRole) => {
    const source = absolute(path, request.cwd);
    const info = await statInput(source);
    if (!info.isFile()) throw new InputError(`${path}: expected a file, got a folder`, { file: path });
    files.push({ source, target: `${folder}/${checkName(name ?? basename(source), path)}`, size: info.size, role });
  };
  for (const m of request.metadata ?? []) await single(m.path, m.name, PACKAGE_FOLDERS.metadata, 'metadata');
  for (const s of request.supplemental ?? []) await single(s, undefined, PACKAGE_FOLDERS.supplemental, 'supplemental');
  for (const l of request.logs ?? []) await single(l.path, l.name, PACKAGE_FOLDERS.logs, 'log');

  const taken = new Map<string, string>();
  for (const r of request.reserved ?? []) taken.set(r, 'a file avpres writes itself');
  for (const f of files) {
    const other = taken.get(f.target);
    if (other !== undefined) throw new UsageError(`two files would be packaged as ${f.target}: ${other} and ${f.source} (give one another name)`);
    taken.set(f.target, f.source);
  }
  return { files, objects };
}

/** A folder the package would be written inside: refused, sources stay untouched. */
export function checkOutsideSources(plan: SipPlan, packageDir: string): void {
  checkOutputOutsideSources(plan.objects.filter((o) => o.isFolder).map((o) => o.source), packageDir);
}

function absolute(path: string, cwd: string | undefined): string {
  if (isAbsolute(path)) return resolve(path);
  if (cwd === undefined) throw new UsageError(`expected an absolute path (or a cwd to resolve it against), got ${JSON.stringify(path)}`);
  return resolve(cwd, path);
}

function checkName(name: string, given: string): string {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw new UsageError(`expected a plain file name for ${given}, got ${JSON.stringify(name)}`);
  }
  return name;
}

async function statInput(path: string) {
  try {
    const info = await stat(path);
    if (!info.isFile() && !info.isDirectory()) throw new InputError(`${path}: not a file or folder`, { file: path });
    return info;
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${path}: ${code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'permission denied' : (error as Error).message}`, {
      file: path,
      cause: error,
    });
  }
}
