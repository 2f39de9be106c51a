import { appendFile, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { exitCodeFor, InputError, InterruptedError, VerificationError, type InputResult, type OutputRecord } from '@avpres/core';
import { compareFramemd5, fsError, hashFile, parseFramemd5, partialPath, renameIntoPlace, writeFileAtomic } from '@avpres/fixity';
import { HumanLogSink, JsonlSink, now, quoteArgs, type EventScope } from '@avpres/log';
import { expectedFrames, ffmpegInvocation, probe, programRun, type ToolContext } from '@avpres/media';
import { buildDecodeArgs, buildEncodeArgs, buildStoredPacketArgs } from './ffmpeg-args.js';
import type { SourceFile } from './find-inputs.js';
import { jobPaths, producedFiles, type JobPaths } from './job-paths.js';
import { existingJob, readJobRecord, writeJobRecord, type JobRecord } from './job-record.js';
import type { NormaliseOptions } from './options.js';
import { comparePacketLists } from './packets.js';
import { assertFreeSpace, assertUnchanged, readableSource } from './preflight.js';
import { progressReporter } from './progress.js';
import { checkStoredFile, classify, runEncodeAndDecode, type StoredCheck } from './run-pipeline.js';
import { planStreams, type StreamPlan } from './stream-plan.js';
import { writeJobManifest } from './job-manifest.js';
import { checkPolicy } from './policy-check.js';
import { MediainfoWorker } from './mediainfo-worker.js';
import { scanOrderFromMediainfo } from './scan-order.js';
import { cutOff } from './cut-off.js';

export interface JobEnv {
  ctx: ToolContext;
  options: NormaliseOptions;
  version: string;
}

/** Normalise one capture into `dir`: encode, prove, then put every output under its final name. */
export async function normaliseFile(source: SourceFile, dir: string, env: JobEnv): Promise<InputResult> {
  const { ctx, options } = env;
  const paths = jobPaths(dir, source.stem);
  const identity = await readableSource(source.path);
  const recordOptions = { slices: options.slices ?? null, allowLossy: options.allowLossy };

  if (!options.force && !ctx.dryRun) {
    const existing = await existingJob(await readJobRecord(paths.record), { source: identity, options: recordOptions, mkvPath: paths.mkv, recordPath: paths.record }, ctx.signal);
    if (existing.kind === 'done') {
      ctx.logger.info(`${source.path}: ${existing.reason}; skipped (use --force to redo)`);
      return { input: source.path, status: 'skipped', exitCode: 0, reason: existing.reason, outputs: await describeOutputs(paths) };
    }
    // A master already there is never replaced without being asked: it may be another tape's.
    if (existing.kind === 'other') throw new InputError(`${source.path}: ${paths.mkv} exists and ${existing.reason}: not replaced (--force to replace it)`, { file: source.path });
  }

  const probed = await probe(ctx.tools.ffprobe.path, source.path, ctx.signal);
  const plan = planStreams(probed);
  const lossy = plan.video.filter((v) => !v.lossless);
  if (lossy.length > 0 && !options.allowLossy) {
    const reason = `video is already lossy (${lossy.map((v) => v.codec).join(', ')}): skipped; use --allow-lossy to normalise it anyway`;
    ctx.logger.warn(`${source.path}: ${reason}`);
    return { input: source.path, status: 'skipped', exitCode: 0, reason, outputs: [] };
  }
  plan.frames = expectedFrames(probed.streams.find((s) => s.index === plan.video[0]!.index)!, probed.duration);
  const mediainfo = new MediainfoWorker();
  try {
    // MediaInfo of the source: a sidecar, and the field order where ffprobe knows none.
    const sourceInfo = mediainfo.xml(source.path);
    sourceInfo.catch(() => undefined);
    await fieldOrderFromMediainfo(plan, sourceInfo, source.path, ctx);
    return await encodeJob({ source, paths, plan, identity, env, recordOptions, mediainfo, sourceInfo });
  } finally {
    await mediainfo.close();
  }
}

/** Where ffprobe knows no field order but MediaInfo reads one (an AVI's vprp): keep it in the MKV. */
async function fieldOrderFromMediainfo(plan: StreamPlan, sourceInfo: Promise<string>, file: string, ctx: ToolContext): Promise<void> {
  const video = plan.video[0];
  if (!video || video.fieldOrder !== undefined) return;
  const order = scanOrderFromMediainfo(await sourceInfo.catch(() => ''));
  if (order === undefined) return;
  video.fieldOrder = order;
  video.setField = order === 'tt' ? 'tff' : 'bff';
  ctx.logger.info(`${file}: field order ${order === 'tt' ? 'top field first' : 'bottom field first'}, as MediaInfo reads it (ffprobe: unknown); recorded in the MKV`);
}

/** One capture's job, once planned: what encodeJob and encodeAndProve share. */
interface PlannedJob {
  source: SourceFile;
  paths: JobPaths;
  plan: StreamPlan;
  identity: { path: string; size: number; mtimeMs: number };
  env: JobEnv;
  recordOptions: JobRecord['options'];
  mediainfo: MediainfoWorker;
  /** MediaInfo XML of the source, started when the job was planned. */
  sourceInfo: Promise<string>;
}

async function encodeJob(job: PlannedJob): Promise<InputResult> {
  const { source, paths, plan, identity, env } = job;
  const { ctx, options } = env;
  const dir = paths.dir;
  const encodeArgs = buildEncodeArgs({ source: source.path, plan, mkv: partialPath(paths.mkv), sourceFramemd5: partialPath(paths.sourceFramemd5), slices: options.slices });
  const decodeArgs = buildDecodeArgs({ plan, outputFramemd5: partialPath(paths.outputFramemd5), packetHashes: paths.packetHashes });
  if (ctx.dryRun) {
    const ff = ctx.tools.ffmpeg.path;
    ctx.print(`# ${source.path}`);
    ctx.print(`${quoteArgs([ff, ...ffmpegInvocation(encodeArgs, { progress: true })])} \\\n  | ${quoteArgs([ff, ...ffmpegInvocation(decodeArgs)])}`);
    ctx.print(`${quoteArgs([ff, ...ffmpegInvocation(buildStoredPacketArgs())])} < ${quoteArgs([partialPath(paths.mkv)])}`);
    return { input: source.path, status: 'skipped', exitCode: 0, reason: 'dry run: nothing written', outputs: [] };
  }

  await mkdir(dir, { recursive: true });
  await assertFreeSpace(dir, identity.size);
  await removePartials(paths);
  // The job log's files are opened on their first line, deep in the run: a folder we may not
  // write to must fail this capture here, typed (exit 3), not as an error from inside a log line.
  for (const file of [paths.log, paths.events]) await appendFile(file, '').catch((error: unknown) => Promise.reject(fsError(file, error, 'write')));
  const sinks = [new HumanLogSink(paths.log), new JsonlSink(paths.events)];
  for (const sink of sinks) ctx.logger.attach(sink);
  let result: InputResult & { mkvMd5: string };
  // The job log closes like a run log (END line), so readers can tell a finished job from a crash.
  const closeJobLog = (outcome: 'success' | 'failure', exitCode: number, summary: string) => {
    for (const sink of sinks) ctx.logger.detach(sink);
    for (const sink of sinks) {
      try {
        sink.write({ kind: 'run-end', time: now(), outcome, exitCode, summary });
      } catch (error) {
        // A log that cannot take its END line (disk full) must not hide the job's own outcome.
        if (outcome === 'success') throw fsError(sink.path, error, 'write');
      }
    }
  };
  try {
    result = await encodeAndProve(job, { encodeArgs, decodeArgs });
  } catch (caught) {
    const error = classify(caught, paths.dir);
    await removePartials(paths);
    closeJobLog('failure', exitCodeFor(error), error instanceof Error ? error.message : String(error));
    throw error;
  }
  closeJobLog('success', 0, `${basename(source.path)} normalised and verified`);
  // The job log is complete now, so the manifest can cover it.
  await writeJobManifest(paths.manifest, producedFiles(paths), new Map([[paths.mkv, result.mkvMd5]]));
  const { mkvMd5, ...done } = result;
  return { ...done, outputs: await describeOutputs(paths, mkvMd5) };
}

async function encodeAndProve(
  { source, paths, plan, identity, env, recordOptions, mediainfo, sourceInfo }: PlannedJob,
  { encodeArgs, decodeArgs }: { encodeArgs: string[]; decodeArgs: string[] },
): Promise<InputResult & { mkvMd5: string }> {
  const { ctx } = env;
  const { logger } = ctx;
  for (const n of plan.notMapped) logger.info(`${source.path}: stream ${n.index} not mapped: ${n.reason}`);
  const ffmpegLog: string[] = [];
  const logStderr = (pass: string, text: string) => ffmpegLog.push(text.replace(/^/gm, `[${pass}] `));
  ffmpegLog.push(`# encode: ${quoteArgs([ctx.tools.ffmpeg.path, ...encodeArgs])}\n# decode: ${quoteArgs([ctx.tools.ffmpeg.path, ...decodeArgs])}\n`);

  const sourceObject = { path: source.path, role: 'source' as const, size: identity.size };
  const normalization = logger.begin('normalization', `${basename(source.path)} to FFV1 version 3/Matroska with FLAC audio`, {
    objects: [sourceObject],
    program: programRun(ctx.tools.ffmpeg, encodeArgs),
  });
  const label = basename(source.path);
  const mkv = partialPath(paths.mkv);
  // Reports on the MKV (MediaInfo, MediaConch) run beside the proof; they must be settled
  // before anything is renamed or removed, whichever way the job ends.
  let reports: Promise<unknown> | undefined;
  let check: EventScope | undefined;
  const settleReports = () => reports?.catch(() => undefined);
  // MediaInfo of the source (started before the encode) and of the MKV (beside the
  // read-back) run off the main thread, in the gaps of the pipeline.
  let stored: AfterEncode;
  try {
    stored = await runEncodeAndDecode(
      {
        ffmpeg: ctx.tools.ffmpeg,
        encodeArgs,
        decodeArgs,
        file: source.path,
        signal: ctx.signal,
        onProgress: progressReporter(logger, label, plan.frames),
        totals: { frames: plan.frames, durationSeconds: plan.durationSeconds },
        onStderr: logStderr,
      },
      // The MKV is complete once the encoder exits: read it back (and report on it) while
      // the decoder finishes its last frames.
      async (signal) => {
        await ctx.testHook?.('before-verify', mkv);
        check = logger.begin('fixity check', `${basename(paths.mkv)}: decoded frames and stored packets against the source`, {
          program: programRun(ctx.tools.ffmpeg, buildStoredPacketArgs()),
        });
        const result = checkStoredFile(ctx.tools.ffmpeg, buildStoredPacketArgs(), mkv, signal, (t) => logStderr('stored', t)).then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        );
        reports = Promise.all([writeMediainfo(sourceInfo, mediainfo.xml(mkv), paths, env), checkPolicy(mkv, basename(paths.mkv), ctx, env.options.strict)]);
        void settleReports();
        return { check, ...(await result) };
      },
    );
    await assertUnchanged(identity);
  } catch (error) {
    closeFailed(normalization, error);
    if (check) closeFailed(check, error);
    await settleReports();
    throw error;
  } finally {
    logger.progressEnd(label);
    await writeFileAtomic(partialPath(paths.ffmpegLog), ffmpegLog.join(''));
  }
  normalization.succeed();

  let proof: Proof;
  try {
    proof = await prove(source.path, paths, plan, stored);
  } catch (error) {
    closeFailed(stored.check, error);
    await settleReports();
    if (error instanceof VerificationError) await keepFailed(paths);
    throw error;
  }
  await writeFileAtomic(partialPath(paths.ffmpegLog), ffmpegLog.join(''));
  await reports;
  // Ctrl-C after the proof but before the renames still means: leave nothing that looks finished.
  if (ctx.signal.aborted) throw new InterruptedError('interrupted before the outputs were put in place', { file: source.path });
  for (const [partial, final] of finalNames(paths)) await renameIntoPlace(partial, final);
  await rm(paths.packetHashes, { force: true });
  const record: JobRecord = {
    tool: 'avpres normalise',
    version: env.version,
    source: identity,
    options: recordOptions,
    mkv: { name: basename(paths.mkv), size: proof.size, md5: proof.md5 },
    verification: { method: 'framemd5', outcome: 'pass', detail: proof.detail },
    ffmpeg: { path: ctx.tools.ffmpeg.path, version: ctx.tools.ffmpeg.version },
    finished: new Date().toISOString(),
  };
  await writeJobRecord(paths.record, record);
  logger.info(`${source.path}: verified; ${paths.mkv} (${(proof.size / 1e6).toFixed(1)} MB, ${((100 * proof.size) / identity.size).toFixed(0)}% of the source)`);
  return {
    input: source.path,
    status: 'done',
    exitCode: 0,
    outputs: [],
    mkvMd5: proof.md5,
    verification: { method: 'framemd5', outcome: 'pass', detail: proof.detail },
    details: { sourceSize: identity.size, mkvSize: proof.size, frames: plan.frames },
  };
}

interface Proof {
  md5: string;
  size: number;
  detail: string;
}

/** What was started when the encoder exited: the proof's event and the stored-file read. */
type AfterEncode = { check: EventScope } & ({ value: StoredCheck } | { error: unknown });

/**
 * The proof: the decoded output frames equal the decoded source frames (framemd5, video and
 * audio), and the MKV on disk holds exactly the packets that were decoded.
 */
async function prove(source: string, paths: JobPaths, plan: StreamPlan, after: AfterEncode): Promise<Proof> {
  if ('error' in after) throw after.error;
  const stored = after.value;
  const [sourceText, outputText, streamedPackets] = await Promise.all([
    readFile(partialPath(paths.sourceFramemd5), 'utf8'),
    readFile(partialPath(paths.outputFramemd5), 'utf8'),
    readFile(paths.packetHashes, 'utf8'),
  ]);
  const sourceFrames = parseFramemd5(sourceText);
  const frames = compareFramemd5(sourceFrames, parseFramemd5(outputText));
  const packets = comparePacketLists(streamedPackets, stored.packetHashes);
  const counted = frames.streams.map((s) => `stream ${s.stream}: ${s.expectedFrames} frames`).join(', ');
  const cut = cutOff(sourceFrames, 0, plan.videoDurationSeconds);
  if (cut) {
    const decoded = frames.streams[0]?.expectedFrames ?? 0;
    throw new InputError(
      `${source}: truncated or damaged: its ${decoded} decodable video frames cover ${cut.covered.toFixed(3)} s of the ${cut.declared.toFixed(3)} s its container declares; not normalised`,
      { file: source },
    );
  }
  if (!frames.equal || frames.streams.length === 0 || frames.streams.some((s) => s.expectedFrames === 0)) {
    throw new VerificationError(`${basename(paths.mkv)}: decoded output differs from the source: ${frames.summary || 'no frames decoded'}`, { file: paths.mkv });
  }
  if (!packets.equal) {
    throw new VerificationError(`${basename(paths.mkv)}: the stored file differs from what was verified: ${packets.summary}`, { file: paths.mkv });
  }
  const detail = `framemd5 identical (${counted}; video ${plan.video.map((v) => v.decodePixFmt).join(', ')}${plan.audio.length ? `, audio ${plan.audio.map((a) => a.hashCodec).join(', ')} in blocks of 1920 samples` : ''}); stored MKV packets identical to the decoded ones`;
  after.check.addObjects({ path: paths.mkv, role: 'outcome', size: stored.size, hashes: { md5: stored.md5 } });
  after.check.succeed(detail);
  return { md5: stored.md5, size: stored.size, detail };
}

function closeFailed(scope: EventScope, error: unknown): void {
  if (!scope.isClosed) scope.fail(error instanceof Error ? error.message : String(error));
}

/** A failed proof keeps its outputs for inspection, under names that cannot pass for finished ones. */
async function keepFailed(paths: JobPaths): Promise<void> {
  for (const [partial, final] of finalNames(paths)) {
    await rename(partial, `${final}.failed`).catch(() => undefined);
  }
}

async function writeMediainfo(sourceInfo: Promise<string>, mkvInfo: Promise<string>, paths: JobPaths, env: JobEnv): Promise<void> {
  const scope = env.ctx.logger.begin('metadata extraction', 'MediaInfo XML of the source and the MKV (mediainfo.js)');
  const [src, out] = await Promise.all([sourceInfo, mkvInfo]);
  await writeFileAtomic(partialPath(paths.sourceMediainfo), src);
  await writeFileAtomic(partialPath(paths.outputMediainfo), out);
  scope.succeed();
}

function finalNames(paths: JobPaths): [string, string][] {
  return [paths.mkv, paths.sourceFramemd5, paths.outputFramemd5, paths.sourceMediainfo, paths.outputMediainfo, paths.ffmpegLog].map(
    (p) => [partialPath(p), p],
  );
}

async function removePartials(paths: JobPaths): Promise<void> {
  await Promise.all([...finalNames(paths).map(([partial]) => rm(partial, { force: true })), rm(paths.packetHashes, { force: true })]);
}

const ROLES: [keyof JobPaths, string][] = [
  ['mkv', 'preservation master'],
  ['sourceFramemd5', 'source framemd5'],
  ['outputFramemd5', 'output framemd5'],
  ['sourceMediainfo', 'source mediainfo'],
  ['outputMediainfo', 'output mediainfo'],
  ['ffmpegLog', 'ffmpeg log'],
  ['record', 'verification record'],
  ['log', 'job log'],
  ['events', 'job events'],
  ['manifest', 'manifest'],
];

async function describeOutputs(paths: JobPaths, mkvMd5?: string): Promise<OutputRecord[]> {
  const out: OutputRecord[] = [];
  for (const [key, role] of ROLES) {
    const path = paths[key];
    const info = await stat(path).catch(() => undefined);
    if (!info) continue;
    const md5 = key === 'mkv' && mkvMd5 ? mkvMd5 : (await hashFile(path)).digest;
    out.push({ path, role, size: info.size, md5 });
  }
  return out;
}
