import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { isJunk } from '@avpres/copyit';
import { globMatcher } from './glob.js';
import { jobId, type PlannedJob } from './job.js';
import { findPackages, findSequenceFolders, type FoundUnit, type JobUnit } from './units.js';

/** Which files become jobs. Every filter given must pass. */
export interface PlanFilters {
  /** Globs (see glob.ts); when given, a file must match one. */
  include: string[];
  exclude: string[];
  /** Extensions with the dot, lower case; undefined means the tool's default. */
  extensions?: ReadonlySet<string> | undefined;
  minSize?: number | undefined;
  /** Only files modified at or after this time. */
  since?: Date | undefined;
  /** Identifiers (file name, stem, path below a root) or paths, from --list. */
  list?: { entries: string[]; base: string } | undefined;
}

/** What the planner needs from a tool. */
export interface PlanTool {
  name: string;
  /** What one job takes (default: a file). */
  unit?: JobUnit;
  /** Extensions the tool takes by default (lower case, with the dot); undefined: every file. */
  extensions: ReadonlySet<string> | undefined;
  /** The options that change the output (part of the job identity). */
  identityOptions: unknown;
  /** A key two jobs must not share (their outputs would collide). */
  outputKey(job: PlannedJob): string;
}

/** An input that cannot become a job, with the reason. */
export interface PlanProblem {
  input: string;
  reason: string;
}

export interface Plan {
  jobs: PlannedJob[];
  problems: PlanProblem[];
  /** Files seen under the roots but filtered out. */
  filteredOut: number;
}

type Candidate = FoundUnit;

/**
 * One job per file under the roots (a file root is a job by itself), in a stable order.
 * Output folders keep each file's folder below its root, so output names keep the source
 * identifiers. The output folder itself is never walked.
 */
export async function planJobs(roots: readonly string[], outputDir: string, tool: PlanTool, filters: PlanFilters): Promise<Plan> {
  const problems: PlanProblem[] = [];
  const candidates: Candidate[] = [];
  for (const root of roots) {
    const info = await stat(root).catch((error: NodeJS.ErrnoException) => error);
    if (info instanceof Error) {
      problems.push({ input: root, reason: info.code === 'ENOENT' ? 'no such file or folder' : info.message });
      continue;
    }
    const unit = tool.unit ?? 'file';
    if (unit === 'file') {
      if (info.isFile()) candidates.push({ path: root, rel: basename(root), relDir: '', size: info.size, mtimeMs: info.mtimeMs });
      else await walk(root, root, outputDir, candidates);
    } else if (!info.isDirectory()) {
      problems.push({ input: root, reason: `not a folder: avpres ${tool.name} takes ${unit === 'sequence' ? 'sequence folders' : 'package folders'}` });
    } else {
      const { found, uncheckable } = unit === 'sequence' ? { found: await findSequenceFolders(root, outputDir), uncheckable: [] } : await findPackages(root, outputDir);
      for (const u of uncheckable) problems.push({ input: u.root, reason: u.reason });
      if (found.length === 0 && uncheckable.length === 0) problems.push({ input: root, reason: `no ${unit === 'sequence' ? 'DPX/TIFF sequence folders' : 'packages (IFI or BagIt)'} found here` });
      candidates.push(...found);
    }
  }

  // Extensions pick files; folder units are chosen by what they hold.
  const exts = (tool.unit ?? 'file') === 'file' ? (filters.extensions ?? tool.extensions) : undefined;
  const include = filters.include.length ? globMatcher(filters.include) : () => true;
  const exclude = globMatcher(filters.exclude);
  const passes = (c: Candidate) =>
    (!exts || exts.has(extname(c.path).toLowerCase())) &&
    include(c.rel) &&
    !exclude(c.rel) &&
    (filters.minSize === undefined || c.size >= filters.minSize) &&
    (filters.since === undefined || c.mtimeMs >= filters.since.getTime());

  let selected = candidates.filter(passes);
  if (filters.list) {
    const listed = await selectListed(filters.list, candidates, selected, problems);
    selected = selected.filter((c) => listed.has(c.path));
    for (const extra of listed.values()) if (!selected.includes(extra)) selected.push(extra);
  }

  const jobs: PlannedJob[] = [];
  const claimed = new Map<string, string>();
  const seen = new Set<string>();
  for (const c of selected) {
    if (seen.has(c.path)) continue;
    seen.add(c.path);
    const input = { path: c.path, size: c.size, mtimeMs: c.mtimeMs };
    const jobOutputDir = join(outputDir, c.relDir);
    const job: PlannedJob = { id: jobId(tool.name, input, jobOutputDir, tool.identityOptions), tool: tool.name, input, rel: c.rel, outputDir: jobOutputDir };
    const key = tool.outputKey(job);
    const other = claimed.get(key);
    if (other) {
      problems.push({ input: c.path, reason: `its outputs would overwrite those of ${other} (same name below ${outputDir}); run it in a separate batch or rename it` });
      continue;
    }
    claimed.set(key, c.path);
    jobs.push(job);
  }
  return { jobs, problems, filteredOut: candidates.length - jobs.length };
}

async function walk(root: string, dir: string, outputDir: string, out: Candidate[]): Promise<void> {
  if (dir === outputDir || dir.startsWith(outputDir + sep)) return;
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await walk(root, full, outputDir, out);
    else if (entry.isFile() && !isJunk(entry.name) && !entry.name.endsWith('.partial')) {
      const info = await stat(full);
      const rel = relative(root, full).split(sep).join('/');
      const relDir = dirname(relative(root, full));
      out.push({ path: full, rel, relDir: relDir === '.' ? '' : relDir, size: info.size, mtimeMs: info.mtimeMs });
    }
  }
}

/**
 * The candidates a --list names: by absolute path, by path relative to the list file, by
 * path below a root, by file name or by stem. An entry naming an existing file outside the
 * roots adds that file; an entry naming nothing is a problem (identifiers are never lost).
 */
async function selectListed(
  list: { entries: string[]; base: string },
  candidates: Candidate[],
  selected: Candidate[],
  problems: PlanProblem[],
): Promise<Map<string, Candidate>> {
  const picked = new Map<string, Candidate>();
  const byKey = new Map<string, Candidate[]>();
  const add = (key: string, c: Candidate) => byKey.set(key, [...(byKey.get(key) ?? []), c]);
  for (const c of candidates) {
    const name = basename(c.path);
    add(c.path, c);
    add(c.rel, c);
    add(name, c);
    const ext = extname(name);
    if (ext && ext !== name) add(name.slice(0, -ext.length), c);
  }
  for (const entry of list.entries) {
    const matches = byKey.get(entry) ?? byKey.get(resolve(list.base, entry)) ?? [];
    const passing = matches.filter((c) => selected.includes(c));
    if (passing.length > 0) {
      for (const c of passing) picked.set(c.path, c);
      continue;
    }
    if (matches.length > 0) {
      problems.push({ input: entry, reason: 'listed, but left out by the other filters (--ext, --include, --exclude, --min-size, --since)' });
      continue;
    }
    const outside = resolve(list.base, entry);
    const info = await stat(outside).catch(() => undefined);
    if (info?.isFile()) {
      picked.set(outside, { path: outside, rel: basename(outside), relDir: '', size: info.size, mtimeMs: info.mtimeMs });
      continue;
    }
    problems.push({ input: entry, reason: 'listed, but no such file under the inputs' });
  }
  return picked;
}

/** A --list file's lines: blank lines and lines starting with '#' are ignored. */
export function parseList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}
