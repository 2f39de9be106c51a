import { loadExeca } from './lazy-execa.js';

const cache = new Map<string, Promise<string>>();

/**
 * A program's version as it reports it ("ffmpeg version 5.1.6-0+deb12u1" -> "5.1.6-0+deb12u1").
 * Asked once per path.
 */
export function programVersion(path: string, args: readonly string[] = ['-version']): Promise<string> {
  let found = cache.get(path);
  if (!found) {
    found = loadExeca()
      .then(({ execa }) => execa(path, args, { reject: false, timeout: 20_000, stdin: 'ignore' }))
      .then((r) =>
      parseVersion(`${r.stdout}\n${r.stderr}`),
    );
    cache.set(path, found);
  }
  return found;
}

export function parseVersion(text: string): string {
  const firstLine = text.split('\n').find((l) => l.trim() !== '') ?? '';
  const m = /version\s+(\S+)/i.exec(firstLine) ?? /\b(\d+(?:\.\d+)+\S*)/.exec(firstLine);
  return m?.[1] ?? 'unknown';
}
