import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { searchPackages, type UncheckablePackage } from '@avpres/sip';

/** What one job takes: a file, an image-sequence folder, or a package. */
export type JobUnit = 'file' | 'sequence' | 'package';

/** A unit found under a root, with the size and newest mtime that make its identity. */
export interface FoundUnit {
  path: string;
  /** Below the root, forward slashes. */
  rel: string;
  /** The folder below the root its outputs go in ('' for the top). */
  relDir: string;
  size: number;
  mtimeMs: number;
}

const IMAGE = /\.(dpx|tiff?)$/i;

/**
 * Sequence folders under `root`: a folder holding DPX/TIFF files, or a folder whose only
 * subfolder holds them (as seq2ffv1 takes it, so `reel_01/scan/` is the job `reel_01`).
 * Size is the images' total, mtime the newest image's.
 */
export async function findSequenceFolders(root: string, skip: string): Promise<FoundUnit[]> {
  const out: FoundUnit[] = [];
  const visit = async (dir: string): Promise<void> => {
    if (dir === skip || dir.startsWith(skip + sep)) return;
    const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.'));
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs = entries.filter((e) => e.isDirectory());
    const direct = await imagesIn(dir, entries);
    if (direct.count > 0) {
      out.push(unitOf(root, dir, direct));
    } else if (subdirs.length === 1) {
      const only = join(dir, subdirs[0]!.name);
      const inner = await imagesIn(only, await readdir(only, { withFileTypes: true }));
      if (inner.count > 0 && dir !== root) {
        out.push(unitOf(root, dir, inner));
        return;
      }
    }
    for (const sub of subdirs) await visit(join(dir, sub.name));
  };
  await visit(root);
  return out;
}

async function imagesIn(dir: string, entries: { name: string; isFile(): boolean }[]): Promise<{ count: number; size: number; mtimeMs: number }> {
  let count = 0;
  let size = 0;
  let mtimeMs = 0;
  for (const e of entries) {
    if (!e.isFile() || !IMAGE.test(e.name) || e.name.startsWith('.')) continue;
    const info = await stat(join(dir, e.name));
    count++;
    size += info.size;
    mtimeMs = Math.max(mtimeMs, info.mtimeMs);
  }
  return { count, size, mtimeMs };
}

function unitOf(root: string, dir: string, facts: { size: number; mtimeMs: number }): FoundUnit {
  const rel = dir === root ? basename(dir) : relative(root, dir).split(sep).join('/');
  const parent = dir === root ? '' : dirname(relative(root, dir));
  return { path: dir, rel, relDir: parent === '.' ? '' : parent, size: facts.size, mtimeMs: facts.mtimeMs };
}

/**
 * Packages (IFI uuid folders with their manifest, BagIt bags) under `root`, as avpres
 * validate finds them; a folder that is not a package is searched below. Size and mtime
 * are over every file in the package. Also what only looks like a package (see
 * searchPackages: a package folder that lost its manifest, a manifest without its folder):
 * each must be reported, never silently left out of the batch.
 */
export async function findPackages(root: string, skip: string): Promise<{ found: FoundUnit[]; uncheckable: UncheckablePackage[] }> {
  const found: FoundUnit[] = [];
  const uncheckable: UncheckablePackage[] = [];
  const reported = new Set<string>();
  const visit = async (dir: string): Promise<void> => {
    if (dir === skip || dir.startsWith(skip + sep) || reported.has(dir)) return;
    const here = await searchPackages(dir).catch(() => ({ packages: [], uncheckable: [] }));
    for (const u of here.uncheckable) {
      if (reported.has(u.root)) continue;
      reported.add(u.root);
      uncheckable.push(u);
    }
    if (here.packages.length > 0) {
      for (const p of here.packages) {
        const facts = await treeFacts(p.root);
        if (p.layout === 'ifi') {
          const manifest = await stat(p.manifest);
          facts.size += manifest.size;
          facts.mtimeMs = Math.max(facts.mtimeMs, manifest.mtimeMs);
        }
        found.push(unitOf(root, p.root, facts));
      }
      return;
    }
    const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('.'));
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) await visit(join(dir, e.name));
  };
  await visit(root);
  return { found, uncheckable };
}

async function treeFacts(dir: string): Promise<{ size: number; mtimeMs: number }> {
  const facts = { size: 0, mtimeMs: 0 };
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      const inner = await treeFacts(path);
      facts.size += inner.size;
      facts.mtimeMs = Math.max(facts.mtimeMs, inner.mtimeMs);
    } else if (e.isFile()) {
      const info = await stat(path);
      facts.size += info.size;
      facts.mtimeMs = Math.max(facts.mtimeMs, info.mtimeMs);
    }
  }
  return facts;
}
