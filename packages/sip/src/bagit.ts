import { comparePaths, type ManifestEntry } from '@avpres/fixity';

/**
 * BagIt text files (RFC 8493). Manifest paths are percent-encoded only for CR, LF and '%'
 * (section 2.1.3); everything else, spaces and non-ASCII letters included, is kept as UTF-8.
 */
export const BAGIT_VERSION = '1.0';

export function bagitTxt(): string {
  return `BagIt-Version: ${BAGIT_VERSION}\nTag-File-Character-Encoding: UTF-8\n`;
}

export function encodeBagPath(path: string): string {
  return path.replace(/%/g, '%25').replace(/\n/g, '%0A').replace(/\r/g, '%0D');
}

export function decodeBagPath(path: string): string {
  return path.replace(/%0A/gi, '\n').replace(/%0D/gi, '\r').replace(/%25/g, '%');
}

/** `<checksum> <path>` lines, sorted by path (one space: RFC 8493 allows one or more). */
export function formatBagManifest(entries: readonly ManifestEntry[]): string {
  return [...entries]
    .sort((a, b) => comparePaths(a.path, b.path))
    .map((e) => `${e.hash.toLowerCase()}  ${encodeBagPath(e.path)}\n`)
    .join('');
}

/** Parse a payload or tag manifest; malformed lines are returned as problems, not thrown. */
export function parseBagManifest(text: string): { entries: ManifestEntry[]; problems: string[] } {
  const entries: ManifestEntry[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const match = /^([0-9a-fA-F]+)[ \t]+(.+)$/.exec(line);
    if (!match) {
      problems.push(`line ${index + 1}: expected "<checksum> <path>", got ${JSON.stringify(line.slice(0, 80))}`);
      return;
    }
    const path = decodeBagPath(match[2]!).replace(/^\.\//, '');
    if (path.startsWith('/') || path.split('/').includes('..')) {
      problems.push(`line ${index + 1}: path leaves the bag: ${JSON.stringify(path)}`);
      return;
    }
    entries.push({ hash: match[1]!.toLowerCase(), path });
  });
  return { entries, problems };
}

export interface BagInfo {
  /** Labels in order, values with continuation lines joined by a space. */
  fields: Array<[string, string]>;
  get(label: string): string | undefined;
}

export function parseBagInfo(text: string): BagInfo {
  const fields: Array<[string, string]> = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '') continue;
    const last = fields.at(-1);
    if (/^[ \t]/.test(line) && last) {
      last[1] = `${last[1]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0) fields.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return { fields, get: (label) => fields.find(([l]) => l.toLowerCase() === label.toLowerCase())?.[1] };
}

export function formatBagInfo(fields: ReadonlyArray<readonly [string, string]>): string {
  return fields.map(([label, value]) => `${label}: ${value.replace(/\r?\n/g, ' ')}\n`).join('');
}

/** Payload-Oxum: total payload bytes, a dot, the number of payload files. */
export function payloadOxum(files: ReadonlyArray<{ size: number }>): string {
  return `${files.reduce((n, f) => n + f.size, 0)}.${files.length}`;
}
