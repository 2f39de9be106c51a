import { mkdir, readdir, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { eachInput, EnvironmentError, UsageError, VerificationError, type InputResult, type OutputRecord } from '@avpres/core';
import { formatManifest, hashFile, partialPath, pathExists, renameIntoPlace } from '@avpres/fixity';
import { buildSip, choosePackage } from '@avpres/sip';
import { mediainfoXml, resolveOptionalTool, type ResolvedTool, type ToolContext } from '@avpres/media';
import { dryRunEncodeArgs, encodeBuiltin, type EngineOutcome } from './builtin-engine.js';
import { removePartials, type Job } from './job.js';
import { readJobRecord, sourceFiles, writeJobRecord, type RecordOptions } from './job-record.js';
import { preflight } from './preflight.js';
import { encodeRawcooked, RawcookedLicenceRefusal, rawcookedDecodeArgs, rawcookedEncodeArgs, rawcookedWorkMkv } from './rawcooked-engine.js';
import { rebuildArgs } from './rebuild.js';
import { checkExistingOutputs } from './rerun-check.js';

export type Engine = 'auto' | 'rawcooked' | 'builtin';

export interface Seq2ffv1Options {
  /** Sequence folders (absolute). */
  inputs: string[];
  outputDir: string;
  engine: Engine;
  allowGaps: boolean;
  force: boolean;
  /** FFV1 `-context 1` (builtin engine). */
  context?: boolean;
  /** Reversibility part size in bytes (tests force several attachments with it). */
  partBytes?: number | undefined;
  /** Package each result as an IFI SIP: <output>/<oe>/<uuid>/{objects,metadata,logs}. */
  sip?: { oe: string; uuid?: string | undefined } | undefined;
}

/** The engine a run uses: rawcooked when asked or (auto) when it is on PATH. */
async function chooseEngine(engine: Engine, ctx: ToolContext): Promise<ResolvedTool | undefined> {
  if (engine === 'builtin') return undefined;
  const rawcooked = await resolveOptionalTool('rawcooked', { env: ctx.env, cwd: ctx.cwd });
  if (!rawcooked && engine === 'rawcooked') {
    throw new EnvironmentError('--engine rawcooked: the rawcooked program is not on PATH (install RAWcooked from MediaArea, or use --engine builtin)');
  }
  if (rawcooked) ctx.logger.info(`rawcooked ${rawcooked.version} (${rawcooked.path})`);
  else ctx.logger.info('rawcooked not on PATH: builtin engine (FFV1 via ffmpeg + avpres reversibility data)');
  return rawcooked;
}

/**
 * DPX/TIFF sequences to FFV1/MKV, each proven reversible: every source file is rebuilt from
 * the MKV as stored and its md5 compared with the source. One result per sequence; a bad
 * one fails alone.
 */
export async function seq2ffv1(options: Seq2ffv1Options, ctx: ToolContext): Promise<InputResult[]> {
  const rawcooked = await chooseEngine(options.engine, ctx);
  if (!ctx.dryRun) await mkdir(options.outputDir, { recursive: true });
  const names = new Map<string, string>();
  const work = async (folder: string) => {
    const name = basename(folder);
    const other = names.get(name);
    if (other !== undefined && other !== folder) {
      throw new UsageError(`${folder}: ${other} in this run has the same folder name, and outputs are named after it: give them separate -o runs`);
    }
    names.set(name, folder);
    return options.sip ? convertIntoSip(folder, options, rawcooked, ctx) : convertSequence(folder, options.outputDir, options, rawcooked, ctx);
  };
  return eachInput(options.inputs, work, {
    name: (folder) => folder,
    onFailure: (folder, error) => ctx.logger.error(error instanceof Error ? error.message : String(error)),
  });
}

/**
 * --sip: the job runs in a work folder, then the SIP builder hard-links the MKV into objects/
 * and puts the source manifest, framemd5 and ffmpeg log in metadata/ (it writes its own
 * MediaInfo sidecar); the work folder goes once the package is verified. A re-run of the
 * same sequence reuses its package's UUID, and skips it while that package is valid.
 */
async function convertIntoSip(folder: string, options: Seq2ffv1Options, rawcooked: ResolvedTool | undefined, ctx: ToolContext): Promise<InputResult> {
  const chosen = await choosePackage({
    outputDir: options.outputDir,
    tool: 'seq2ffv1',
    key: basename(folder),
    oe: options.sip!.oe,
    uuid: options.sip!.uuid,
    identity: { folder, files: await sequenceFingerprint(folder), engine: options.engine, context: options.context ?? false },
    force: options.force,
    dryRun: ctx.dryRun,
    label: folder,
    logger: ctx.logger,
    signal: ctx.signal,
  });
  if (chosen.skipReason) {
    ctx.logger.info(`${folder}: ${chosen.skipReason}; skipped (use --force to redo)`);
    return { input: folder, status: 'skipped', exitCode: 0, reason: chosen.skipReason, outputs: [] };
  }
  const work = join(options.outputDir, '.avpres-work', `seq2ffv1-${basename(folder)}`);
  let keep = false; // a failed proof keeps its MKV for inspection, as outside --sip
  try {
    const job = await convertSequence(folder, work, { ...options, force: true }, rawcooked, ctx);
    if (job.status !== 'done') return job;
    const path = (role: string) => job.outputs.find((o) => o.role === role)!.path;
    const built = await buildSip({
      outputDir: options.outputDir,
      oe: options.sip!.oe,
      uuid: chosen.uuid,
      layout: 'ifi',
      objects: [{ path: path('preservation master') }],
      metadata: ['source md5 manifest', 'framemd5 of the MKV', 'ffmpeg log'].map((role) => ({ path: path(role) })),
      link: true,
      logger: ctx.logger,
      signal: ctx.signal,
      cwd: ctx.cwd,
      env: ctx.env,
      replace: chosen.replace,
    });
    return { ...job, outputs: built.outputs, details: { ...job.details, sip: built.packageDir, uuid: built.uuid } };
  } catch (error) {
    keep = error instanceof VerificationError;
    throw error;
  } finally {
    if (!keep) {
      await rm(work, { recursive: true, force: true });
      await rmdir(dirname(work)).catch(() => undefined); // only when no other job uses it
    }
  }
}

/** Names, sizes and modification times of a folder's files: a changed sequence is a new job. */
async function sequenceFingerprint(folder: string): Promise<Array<[string, number, number]>> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  const files = entries.filter((e) => e.isFile()).map((e) => e.name).sort();
  return Promise.all(files.map(async (name) => {
    const info = await stat(join(folder, name));
    return [name, info.size, Math.trunc(info.mtimeMs)] as [string, number, number];
  }));
}

async function convertSequence(folder: string, outputDir: string, options: Seq2ffv1Options, rawcooked: ResolvedTool | undefined, ctx: ToolContext): Promise<InputResult> {
  const job = await preflight(folder, outputDir, { allowGaps: options.allowGaps });
  const { seq, paths } = job;
  ctx.logger.info(`${seq.folder}: ${seq.files.length} frames, ${job.layout.label} ${job.layout.width}x${job.layout.height}, ${job.frameRate} fps`);
  if (seq.gaps.length > 0) ctx.logger.warn(`${seq.folder}: gaps accepted and recorded: ${seq.gaps.map((g) => (g.from === g.to ? g.from : `${g.from}-${g.to}`)).join(', ')}`);
  if (seq.ignored.length > 0) ctx.logger.warn(`${seq.folder}: not part of the sequence, not in the MKV: ${seq.ignored.slice(0, 5).join(', ')}${seq.ignored.length > 5 ? ', ...' : ''}`);

  const recordOptions: RecordOptions = { engine: options.engine, context: options.context ?? false, partBytes: options.partBytes ?? null };
  if (!options.force && !ctx.dryRun && (await pathExists(paths.mkv))) {
    ctx.logger.info(`${paths.mkv} exists: checking it against the record of the run that made it (md5 of every output)`);
    const outputs = await checkExistingOutputs(paths.mkv, await readJobRecord(paths.record), { folder: seq.folder, files: sourceFiles(seq), options: recordOptions }, ctx.signal);
    const reason = 'already made from this sequence with these options, every output matching its recorded md5 (--force to redo)';
    ctx.logger.info(`${folder}: ${reason}; skipped`);
    return { input: folder, status: 'skipped', exitCode: 0, reason, outputs };
  }
  if (ctx.dryRun) {
    if (rawcooked) {
      const mkv = rawcookedWorkMkv(paths.work, seq.name);
      const reversibilityFile = join(paths.work, `${seq.name}.rawcooked_reversibility_data`);
      ctx.print(JSON.stringify([rawcooked.path, ...rawcookedEncodeArgs({ folder: seq.folder, mkv, reversibilityFile, gaps: seq.gaps.length > 0 })]));
      ctx.print(JSON.stringify([rawcooked.path, ...rawcookedDecodeArgs(mkv, join(paths.work, 'rawcooked-decode'))]));
    }
    if (!rawcooked || options.engine === 'auto') {
      ctx.print(JSON.stringify([ctx.tools.ffmpeg.path, ...dryRunEncodeArgs(job, { context: options.context ?? false })]));
      const layout = job.layout;
      ctx.print(
        JSON.stringify([
          ctx.tools.ffmpeg.path,
          ...rebuildArgs({ mkv: partialPath(paths.mkv), framemd5: partialPath(paths.framemd5), reversibility: { sequence: { name: seq.name, layout, frameRate: job.frameRate, fileCount: 0, gaps: [] }, records: [] } }),
        ]),
      );
    }
    return { input: folder, status: 'skipped', exitCode: 0, reason: 'dry run', outputs: [] };
  }

  await mkdir(outputDir, { recursive: true });
  let ffmpegLog = '';
  const log = (chunk: string) => {
    if (ffmpegLog.length < 4 * 1024 * 1024) ffmpegLog += chunk;
  };
  try {
    let outcome: EngineOutcome | undefined;
    if (rawcooked) {
      try {
        outcome = await encodeRawcooked(job, rawcooked, ctx, log);
      } catch (error) {
        if (!(error instanceof RawcookedLicenceRefusal) || options.engine !== 'auto') throw error;
        ctx.logger.warn(`${error.message}: its licence does not cover ${job.layout.label}; using the builtin engine instead`);
      }
    }
    outcome ??= await encodeBuiltin(job, { context: options.context ?? false, partBytes: options.partBytes }, ctx, log);
    return await finish(job, outcome, ffmpegLog, recordOptions, ctx);
  } catch (error) {
    const keep = error instanceof VerificationError;
    await removePartials(paths, { keepMkv: keep });
    if (keep) error.message += ` (the MKV is kept as ${partialPath(paths.mkv)} for inspection)`;
    throw error;
  }
}

/**
 * Sidecars written as partials, then everything renamed into place, the MKV last, then the
 * job record. An older record goes first: a run cut short in between leaves no record, so
 * the next run refuses the outputs (--force) rather than trusting a mix.
 */
async function finish(job: Job, outcome: EngineOutcome, ffmpegLog: string, recordOptions: RecordOptions, ctx: ToolContext): Promise<InputResult> {
  const { paths, seq } = job;
  const mkvPartial = partialPath(paths.mkv);
  const mkvMd5 = outcome.mkvMd5 ?? hashFile(mkvPartial, { algorithm: 'md5', signal: ctx.signal }).then((r) => r.digest);
  mkvMd5.catch(() => undefined); // awaited below, unless a sidecar fails first
  const xml = await (outcome.mediainfo ?? mediainfoXml(mkvPartial));
  await writeFile(partialPath(paths.mediainfo), xml);
  await writeFile(partialPath(paths.sourceManifest), formatManifest(outcome.manifest));
  await writeFile(partialPath(paths.ffmpegLog), ffmpegLog);
  await rm(paths.record, { force: true });
  const outputs: OutputRecord[] = [];
  const place = async (final: string, role: string, md5?: string) => {
    const digest = md5 ?? (await hashFile(partialPath(final), { algorithm: 'md5', signal: ctx.signal })).digest;
    await renameIntoPlace(partialPath(final), final);
    outputs.push({ path: final, role, size: (await stat(final)).size, md5: digest });
  };
  await place(paths.sourceManifest, 'source md5 manifest');
  await place(paths.framemd5, 'framemd5 of the MKV');
  await place(paths.mediainfo, 'mediainfo XML');
  await place(paths.ffmpegLog, 'ffmpeg log');
  await place(paths.mkv, 'preservation master', await mkvMd5);
  await removePartials(paths, { keepMkv: true });
  await writeJobRecord(paths.record, {
    tool: 'avpres seq2ffv1',
    version: 1,
    source: { folder: seq.folder, files: sourceFiles(seq) },
    options: recordOptions,
    engine: outcome.engine,
    outputs: outputs.map((o) => ({ name: basename(o.path), role: o.role, size: o.size, md5: o.md5! })),
    finished: new Date().toISOString(),
  });
  const mkvBytes = outputs.at(-1)!.size;
  ctx.logger.info(`${paths.mkv}: ${seq.files.length} files proven reversible (${outcome.engine} engine), ${(mkvBytes / job.totalBytes).toFixed(3)} of the scan's size`);
  return {
    input: seq.folder,
    status: 'done',
    exitCode: 0,
    outputs,
    verification: {
      method: 'reversal md5 manifest',
      outcome: 'pass',
      detail: `${outcome.check.files} files rebuilt from the MKV as stored, every md5 equal to the source manifest`,
    },
    details: {
      engine: outcome.engine,
      frames: seq.files.length,
      flavour: job.layout.label,
      size: `${job.layout.width}x${job.layout.height}`,
      frameRate: job.frameRate,
      gaps: seq.gaps,
      sourceBytes: job.totalBytes,
      mkvBytes,
      ...outcome.details,
    },
  };
}
