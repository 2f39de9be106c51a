import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, rmdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { InputError, VerificationError, type InputResult } from '@avpres/core';
import { writeFileAtomic } from '@avpres/fixity';
import { buildSip, packageUuid, validatePackage } from '@avpres/sip';
import type { SourceFile } from './find-inputs.js';
import { jobPaths } from './job-paths.js';
import { normaliseFile, type JobEnv } from './normalise-file.js';
import { readableSource, type SourceIdentity } from './preflight.js';

/** Which package a source went into: written before the package is built, so a re-run reuses its UUID. */
interface SipState {
  source: SourceIdentity;
  oe: string;
  uuid: string;
  slices: number | null;
}

/**
 * Normalise one capture into an IFI SIP: the job runs in a work folder, then the SIP builder
 * hard-links the MKV into objects/ and puts sidecars in metadata/ and logs in logs/.
 */
export async function normaliseIntoSip(source: SourceFile, env: JobEnv): Promise<InputResult> {
  const { ctx, options } = env;
  const sip = options.sip!;
  const stateFile = join(options.outputDir, '.avpres-state', 'normalise', source.relativeDir, `${source.stem}.json`);
  const identity = await readableSource(source.path);
  const previous = await readState(stateFile);
  const sameSource =
    previous !== undefined &&
    previous.oe === sip.oe &&
    previous.source.size === identity.size &&
    previous.source.mtimeMs === identity.mtimeMs &&
    previous.slices === (options.slices ?? null);
  if (sip.uuid !== undefined && sameSource && previous.uuid !== sip.uuid.toLowerCase()) {
    throw new InputError(`${source.path}: already packaged as ${previous.oe}/${previous.uuid}; --uuid ${sip.uuid} would make a second package`, { file: source.path });
  }
  const uuid = sameSource ? previous.uuid : packageUuid(sip.uuid);
  const packageDir = join(options.outputDir, sip.oe, uuid);

  if (sameSource && !options.force && existsSync(packageDir)) {
    const check = await validatePackage(packageDir, { signal: ctx.signal });
    if (check.valid) {
      const reason = `already packaged and valid: ${packageDir}`;
      ctx.logger.info(`${source.path}: ${reason}; skipped (use --force to redo)`);
      return { input: source.path, status: 'skipped', exitCode: 0, reason, outputs: [] };
    }
    ctx.logger.warn(`${source.path}: package ${packageDir} does not validate (${check.problems.join('; ')}); rebuilding it`);
  }

  const work = join(options.outputDir, '.avpres-work', uuid);
  if (!ctx.dryRun) {
    await mkdir(join(options.outputDir, '.avpres-state', 'normalise', source.relativeDir), { recursive: true });
    await writeFileAtomic(stateFile, JSON.stringify({ source: identity, oe: sip.oe, uuid, slices: options.slices ?? null } satisfies SipState, null, 2) + '\n');
  }
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
    replace: existsSync(packageDir),
    cwd: ctx.cwd,
    env: ctx.env,
  });
  await rm(work, { recursive: true, force: true });
  await rmdir(join(options.outputDir, '.avpres-work')).catch(() => undefined); // only when empty
  ctx.logger.info(`${source.path}: packaged as ${built.packageDir} (manifest ${basename(built.manifest)})`);
  return { ...job, outputs: built.outputs, details: { ...job.details, package: built.packageDir, uuid, oe: sip.oe } };
}

async function readState(file: string): Promise<SipState | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as SipState;
  } catch {
    return undefined;
  }
}
