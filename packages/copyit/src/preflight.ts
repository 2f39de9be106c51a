import { realpath, stat, statfs } from 'node:fs/promises';
import { sep } from 'node:path';
import { EnvironmentError, InputError } from '@avpres/core';

/** Refuse a copy into the source itself (it would copy forever) or onto itself. */
export async function checkNotInside(source: string, destination: string, target: string): Promise<void> {
  const real = async (p: string) => realpath(p).catch(() => p);
  const src = await real(source);
  const dst = await real(destination);
  if (dst === src || dst.startsWith(src.endsWith(sep) ? src : src + sep)) {
    throw new InputError(`refusing to copy ${source} into itself (destination ${destination} is inside it)`, { file: source });
  }
  if ((await real(target)) === src) {
    throw new InputError(`${source} and its copy ${target} would be the same file`, { file: source });
  }
}

export async function checkDestinationFolder(destination: string): Promise<void> {
  const info = await stat(destination).catch(() => undefined);
  if (!info) throw new InputError(`destination folder ${destination} does not exist`, { file: destination });
  if (!info.isDirectory()) throw new InputError(`destination ${destination} is not a folder`, { file: destination });
}

/** Space kept free beyond the bytes to copy: 2% of them plus 64 MiB (manifests, logs, file-system overhead). */
export function spaceMargin(bytes: number): number {
  return Math.ceil(bytes * 0.02) + 64 * 1024 * 1024;
}

/** Throw EnvironmentError (exit 3) when the destination lacks room for `bytes` plus the margin. */
export async function checkFreeSpace(destination: string, bytes: number): Promise<{ free: number; needed: number }> {
  const fs = await statfs(destination);
  const free = fs.bavail * fs.bsize;
  const needed = bytes + spaceMargin(bytes);
  if (free < needed) {
    throw new EnvironmentError(
      `not enough space at ${destination}: ${formatBytes(needed)} needed (${formatBytes(bytes)} plus margin), ${formatBytes(free)} free`,
      { file: destination },
    );
  }
  return { free, needed };
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}
