import { UsageError } from '@avpres/core';

/** One `--path-map from=to`: paths under `from` (as the queue has them) are under `to` on this machine. */
export interface PathMapping {
  from: string;
  to: string;
}

export function parsePathMap(text: string): PathMapping {
  const at = text.indexOf('=');
  const from = text.slice(0, at).replace(/\/+$/, '');
  const to = text.slice(at + 1).replace(/\/+$/, '');
  if (at <= 0 || !from.startsWith('/') || !to.startsWith('/')) {
    throw new UsageError(`--path-map: expected /absolute/from=/absolute/to, got ${text}`);
  }
  return { from, to };
}

/** The path on this machine: the longest matching `from` prefix (whole segments only) replaced. */
export function mapPath(path: string, mappings: readonly PathMapping[]): string {
  let best: PathMapping | undefined;
  for (const m of mappings) {
    if ((path === m.from || path.startsWith(m.from + '/')) && (!best || m.from.length > best.from.length)) best = m;
  }
  return best ? best.to + path.slice(best.from.length) : path;
}
