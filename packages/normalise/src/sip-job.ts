import { rm, rmdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { VerificationError, type InputResult } from '@avpres/core';
import { buildSip, choosePackage, type PackageState } from '@avpres/sip';
import type { SourceFile } from './find-inputs.js';
import { jobPaths } from './job-paths.js';
import { normaliseFile, type JobEnv } from './normalise-file.js';
import { readableSource } from './preflight.js';

/**
 * Normalise one capture into an IFI SIP: the job runs in a work folder, then the SIP builder
 * hard-links the MKV into objects/ and puts sidecars in metadata/ and logs in logs/. A re-run
 * of the same source (size, mtime, slices) reuses its package's UUID (see choosePackage).
 */
export async function normaliseIntoSip(source: SourceFile, env: JobEnv): Promise<InputResult> {
  const { ctx, options } = env;
  const sip = options.sip!;
  const chosen = await choosePackage({
    outputDir: options.outputDir,
    tool: 'normalise',
    key: join(source.relativeDir, source.stem),
    oe: sip.oe,
    uuid: sip.uuid,
    identity: jobIdentity(await readableSource(source.path), options.slices ?? null),
    olderState,
    force: options.force,
    dryRun: ctx.dryRun,
    label: source.path,
    logger: ctx.logger,
    signal: ctx.signal,
  });
  if (chosen.skipReason) {
    ctx.logger.info(`${source.path}: ${chosen.skipReason}; skipped (use --force to redo)`);
    return { input: source.path, status: 'skipped', exitCode: 0, reason: chosen.skipReason, outputs: [] };
  }
  const { uuid } = chosen;
  const work = join(options.outputDir, '.avpres-work', uuid);
  const firstEvent = ctx.logger.recordedEvents.length;
  let job: InputResult;
  try {
    job = await normaliseFile(source, work, { ...env, options: { ...options, force: true } });
  } catch (error) {
    // A failed proof keeps its outputs (renamed *.failed) for inspection; anything else leaves nothing.
    if (!(error instanceof VerificationError)) await rm(work, { recursive: true, force: true });
    else ctx.logger.error(`${source.path}: the unverified outputs are kept in ${work}`);
    throw error;
  }
  if (job.status !== 'done') {
    await rm(work, { recursive: true, force: true });
    return job;
  }

  const p = jobPaths(work, source.stem);
  const built = await buildSip({
    outputDir: options.outputDir,
    oe: sip.oe,
    uuid,
    layout: 'ifi',
    objects: [{ path: p.mkv }],
    // The package manifest covers everything, so the loose job manifest stays out.
    metadata: [p.sourceFramemd5, p.outputFramemd5, p.sourceMediainfo, p.record].map((path) => ({ path })),
    logs: [p.ffmpegLog, p.log, p.events].map((path) => ({ path })),
    link: true,
    mediainfo: true,
    premis: { run: ctx.logger.run, events: ctx.logger.recordedEvents.slice(firstEvent) },
    logger: ctx.logger,
    signal: ctx.signal,
    replace: chosen.replace,
    cwd: ctx.cwd,
    env: ctx.env,
  });
  await rm(work, { recursive: true, force: true });
  await rmdir(join(options.outputDir, '.avpres-work')).catch(() => undefined); // only when empty
  ctx.logger.info(`${source.path}: packaged as ${built.packageDir} (manifest ${basename(built.manifest)})`);
  return { ...job, outputs: built.outputs, details: { ...job.details, package: built.packageDir, uuid, oe: sip.oe } };
}

/** What makes a re-run the same job: the source unchanged, and the same slices. */
function jobIdentity(source: { size: number; mtimeMs: number }, slices: number | null) {
  return { size: source.size, mtimeMs: source.mtimeMs, slices };
}

/** The state normalise --sip wrote (same file) before it used choosePackage: { source, oe, uuid, slices }. */
function olderState(json: unknown): PackageState | undefined {
  const old = json as Partial<{ source: { size: number; mtimeMs: number }; oe: string; uuid: string; slices: number | null }> | null;
  if (typeof old?.oe !== 'string' || typeof old.uuid !== 'string' || typeof old.source !== 'object' || old.source === null) return undefined;
  return { oe: old.oe, uuid: old.uuid, identity: jobIdentity(old.source, old.slices ?? null) };
}
