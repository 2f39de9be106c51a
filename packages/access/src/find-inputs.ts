import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

/** Extensions of files a folder input treats as media; a file named directly is always tried. */
export const MEDIA_EXTENSIONS: ReadonlySet<string> = new Set([
  '.mov', '.qt', '.mkv', '.mka', '.mp4', '.m4v', '.avi', '.mxf', '.dv', '.dif', '.mpg', '.mpeg', '.mpe', '.m2v',
  '.vob', '.ts', '.m2ts', '.mts', '.mod', '.wmv', '.asf', '.flv', '.f4v', '.webm', '.ogv', '.3gp', '.3g2', '.y4m',
  '.nut', '.mj2', '.rm', '.rmvb',
]);

/**
 * Inputs as given, folders replaced by their media files (sorted, not recursive: outputs
 * go flat into one folder). Hidden files and our own access copies are left out. Paths
 * that do not exist pass through so the run reports them by name.
 */
export async function findInputs(paths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    let isDir = false;
    try {
      isDir = (await stat(path)).isDirectory();
    } catch {
      // Reported when the input is worked on.
    }
    if (!isDir) {
      found.push(path);
      continue;
    }
    const entries = await readdir(path, { withFileTypes: true });
    const files = entries
      .filter((e) => e.isFile() && !e.name.startsWith('.') && MEDIA_EXTENSIONS.has(extname(e.name).toLowerCase()))
      .filter((e) => !e.name.endsWith('_access.mp4'))
      .map((e) => join(path, e.name))
      .sort();
    found.push(...files);
  }
  return found;
}
