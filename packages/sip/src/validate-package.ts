import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describeRunLog, readRunLog } from '@avpres/log';
import { searchPackages, type LocatedPackage, type PackageLayout } from './locate-package.js';
import type { PackageValidation, ValidateOptions } from './package-check.js';
import { PACKAGE_FOLDERS } from './package-folders.js';
import { validateBag } from './validate-bag.js';
import { validateIfi } from './validate-ifi.js';

/**
 * Check a package: given its uuid folder, its IFI manifest, a bag, or an oe folder (every
 * package inside, results merged; whatever there looks like a package but is not one is
 * a problem). Not a package at all: InputError (exit 2).
 */
export async function validatePackage(path: string, options: ValidateOptions = {}): Promise<PackageValidation> {
  const { packages, uncheckable } = await searchPackages(path);
  const several = packages.length + uncheckable.length > 1;
  const results: Array<[root: string, result: PackageValidation]> = [];
  for (const pkg of packages) {
    const result = pkg.layout === 'ifi' ? await validateIfi(pkg, options) : await validateBag(pkg.root, options);
    result.warnings.push(...(await unfinishedRunLogs(pkg)));
    results.push([pkg.root, several ? prefixed(result, relative(path, pkg.root)) : result]);
  }
  // Always named: the problem is about this one folder (or manifest), not the path given.
  for (const { root, reason } of uncheckable) {
    results.push([root, { layout: 'ifi', valid: false, problems: [`${relative(path, root)}: ${reason}`], warnings: [], files: 0, bytes: 0, packages: [root] }]);
  }
  results.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return merge(packages[0]?.layout ?? 'ifi', results.map(([, result]) => result));
}

/** Our human logs in logs/ whose run never wrote its END line (crashed, or copied mid-run). */
async function unfinishedRunLogs(pkg: LocatedPackage): Promise<string[]> {
  const content = pkg.layout === 'ifi' ? pkg.root : join(pkg.root, 'data');
  const logs = join(content, PACKAGE_FOLDERS.logs);
  const names = await readdir(logs).catch(() => [] as string[]);
  const warnings: string[] = [];
  for (const name of names.filter((n) => n.endsWith('.log')).sort()) {
    const status = await readRunLog(join(logs, name)).catch(() => undefined);
    // Only logs in our format (a START line) can be judged.
    if (status?.start !== undefined && !status.finished) warnings.push(`${PACKAGE_FOLDERS.logs}/${name}: ${describeRunLog(status)}`);
  }
  return warnings;
}

function prefixed(result: PackageValidation, name: string): PackageValidation {
  return { ...result, problems: result.problems.map((p) => `${name}: ${p}`), warnings: result.warnings.map((w) => `${name}: ${w}`) };
}

function merge(layout: PackageLayout, results: PackageValidation[]): PackageValidation {
  return {
    layout,
    valid: results.every((r) => r.valid),
    problems: results.flatMap((r) => r.problems),
    warnings: results.flatMap((r) => r.warnings),
    files: results.reduce((n, r) => n + r.files, 0),
    bytes: results.reduce((n, r) => n + r.bytes, 0),
    packages: results.flatMap((r) => r.packages),
  };
}
