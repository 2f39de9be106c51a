import { createHash } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@avpres/fixity';
import type { PackageLayout } from './locate-package.js';
import type { SipPlan } from './sip-plan.js';

/** What `avpres sip` remembers about a package it made, so a re-run reuses its UUID. */
export interface SipState {
  oe: string;
  uuid: string;
  layout: PackageLayout;
  /** Packaged sources with size and mtime at the time: the job's identity. */
  sources: Array<[path: string, size: number, mtimeMs: number]>;
}

/**
 * The job's identity: the sources (path, size, mtime), oe number, layout and link mode.
 * Its state file lives in `<out>/.avpres-state/sip/<digest>.json`.
 */
export async function sipStateFile(outputDir: string, plan: SipPlan, job: { oe: string; layout: PackageLayout; link: boolean }) {
  const sources: SipState['sources'] = [];
  for (const f of plan.files) sources.push([f.source, f.size, (await stat(f.source)).mtimeMs]);
  const digest = createHash('sha256').update(JSON.stringify({ sources, ...job })).digest('hex').slice(0, 32);
  return { path: join(outputDir, '.avpres-state', 'sip', `${digest}.json`), sources };
}

export async function readSipState(path: string): Promise<SipState | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as SipState;
  } catch {
    return undefined; // none yet, or unreadable: a fresh job
  }
}

export async function writeSipState(path: string, state: SipState): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFileAtomic(path, JSON.stringify(state, null, 2) + '\n');
}
