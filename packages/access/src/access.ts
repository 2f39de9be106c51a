import { existsSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { basename, relative } from 'node:path';
import {
  EnvironmentError,
  InputError,
  VerificationError,
  eachInput,
  type InputResult,
} from '@avpres/core';
import { hashFile, partialPath, renameIntoPlace } from '@avpres/fixity';
import { quoteArgs } from '@avpres/log';
import { ffmpegInvocation, probe, programRun, requireCapabilities, runProgram, type ToolContext } from '@avpres/media';
import { buildAccessArgs } from './access-args.js';
import {
  accessOutputPath,
  firstStream,
  planAccess,
  planSegment,
  sourceDuration,
  type AccessPlan,
  type EncodeSettings,
  type TrimRequest,
} from './access-plan.js';
import { DEFAULT_WATERMARKS, defaultWatermarkPath } from './default-watermarks.js';
import { decideFieldOrder, describeDecision } from './decide-field-order.js';
import type { DeinterlaceMode } from './field-order.js';
import { findInputs } from './find-inputs.js';
import { accessJobKey, jobRecordPath, readJobRecord, sameJobDone, writeJobRecord } from './job-record.js';
import { makeOutputDir } from './output-dir.js';
import { assertUnchanged, sourceStat } from './source-identity.js';
import { formatSeconds } from './time-value.js';
import { ACCESS_VERIFICATION, verificationDetail, verifyOutput } from './verify-output.js';

export interface AccessOptions extends TrimRequest {
  /** Files or folders (absolute). */
  inputs: string[];
  /** Absolute. */
  outputDir: string;
  deinterlace: DeinterlaceMode;
  settings: EncodeSettings;
  /** Redo a copy whose output already exists. */
  force: boolean;
}

export const ACCESS_ROLE = 'access copy';

/** Make a watermarked H.264/AAC MP4 access copy of each input, one ffmpeg run each. */
export async function access(options: AccessOptions, ctx: ToolContext): Promise<InputResult[]> {
  await requireCapabilities(ctx.tools.ffmpeg.path, {
    encoders: ['libx264', 'aac'],
    filters: ['bwdif', 'idet', 'scale', 'setsar', 'format', 'overlay', 'colorchannelmixer', 'pan', 'aresample', 'aformat'],
    muxers: ['mp4'],
    ...(options.settings.watermark.kind === 'none' ? {} : { decoders: ['png'] }),
  });
  checkWatermarks(options.settings);
  const inputs = await findInputs(options.inputs);
  if (inputs.length === 0) throw new InputError(`no media files in ${options.inputs.join(', ')}`);
  const claimed = new Map<string, string>();
  return eachInput(inputs, (source) => accessOne(source, options, ctx, claimed), {
    name: (source) => source,
    onFailure: (_source, error) => ctx.logger.error(error instanceof Error ? error.message : String(error)),
  });
}

function checkWatermarks(settings: EncodeSettings): void {
  const { watermark } = settings;
  if (watermark.kind === 'file' && !existsSync(watermark.path)) {
    throw new InputError(`${watermark.path}: watermark image not found`, { file: watermark.path });
  }
  if (watermark.kind === 'default') {
    for (const aspect of Object.keys(DEFAULT_WATERMARKS) as Array<keyof typeof DEFAULT_WATERMARKS>) {
      const path = defaultWatermarkPath(aspect);
      if (!existsSync(path)) throw new EnvironmentError(`${path}: default watermark missing (run node watermarks/draw-watermarks.mjs)`);
    }
  }
}

async function accessOne(source: string, options: AccessOptions, ctx: ToolContext, claimed: Map<string, string>): Promise<InputResult> {
  const { logger, tools, signal } = ctx;
  const name = basename(source);
  const output = accessOutputPath(source, options.outputDir);
  const other = claimed.get(output);
  if (other !== undefined) throw new InputError(`${source}: its access copy ${output} would replace the one made from ${other}`, { file: source });
  claimed.set(output, source);

  const before = await sourceStat(source);
  const key = accessJobKey({ source: { path: source, ...before }, trim: options, deinterlace: options.deinterlace, settings: options.settings });
  const recordPath = jobRecordPath(options.outputDir, output);
  if (!ctx.dryRun && !options.force && existsSync(output)) {
    const md5 = await sameJobDone(await readJobRecord(recordPath), key, output, signal);
    if (md5 === undefined) {
      throw new InputError(`${source}: ${output} exists but was not made from this source with these options: --force to replace it`, { file: source });
    }
    const size = (await stat(output)).size;
    logger.info(`${name}: ${basename(output)} already made from this source with these options (md5 matches its record): skipped`);
    return { input: source, status: 'skipped', exitCode: 0, reason: 'access copy already made with these options (--force to redo)', outputs: [{ path: output, role: ACCESS_ROLE, size, md5 }] };
  }

  const probed = await probe(tools.ffprobe.path, source, signal);
  const video = firstStream(probed, 'video');
  if (!video) throw new InputError(`${source}: no video stream to make an access copy from`, { file: source });
  const segment = planSegment(options, sourceDuration(probed), source);
  if (segment.shortenedFrom !== undefined) {
    logger.warn(`${name}: asked for ${formatSeconds(segment.shortenedFrom)} s from ${formatSeconds(segment.start)} s, the source has ${formatSeconds(segment.duration ?? 0)} s: shortened`);
  }
  const deinterlace = await decideFieldOrder({ source, video: { index: video.index, fieldOrder: video.fieldOrder, frameRate: video.frameRate }, segment, mode: options.deinterlace, ctx });

  const plan = planAccess({
    probe: probed,
    output,
    partial: partialPath(output),
    segment,
    deinterlace,
    settings: options.settings,
    defaultWatermark: defaultWatermarkPath,
  });
  const args = ffmpegInvocation(buildAccessArgs(plan), { progress: true });
  logger.info(`${name}: ${plan.frame.reason}; ${describeDecision(deinterlace)}; ${plan.audio?.description ?? 'no audio'}; watermark ${plan.watermark ? basename(plan.watermark.path) : 'none'}`);
  logger.debug(`${name}: filter graph ${plan.graph.graph}`);
  const details = planDetails(plan, args);

  if (ctx.dryRun) {
    ctx.print(quoteArgs([tools.ffmpeg.path, ...args]));
    return { input: source, status: 'skipped', exitCode: 0, reason: 'dry run: nothing run or written', outputs: [], details };
  }

  await makeOutputDir(options.outputDir);
  const event = logger.begin('creation', `access copy of ${source}`, {
    objects: [{ path: source, role: 'source', size: before.size }],
    program: programRun(tools.ffmpeg, args),
  });
  let keepPartial = false;
  try {
    const started = process.hrtime.bigint();
    let lastSpeed: number | undefined;
    const total = segment.duration;
    await runProgram(tools.ffmpeg.path, args, {
      signal,
      file: source,
      totals: { durationSeconds: total },
      onProgress: (p) => {
        if (p.speed !== undefined) lastSpeed = p.speed;
        logger.progress({
          label: name,
          unit: 'seconds',
          done: Math.min(p.outTime ?? 0, total ?? Infinity),
          ...(total !== undefined ? { total } : {}),
          ...(p.speed ? { rate: `${p.speed.toFixed(2)}x realtime` } : {}),
          ...(p.speed && total !== undefined && p.outTime !== undefined ? { etaSeconds: Math.max(0, (total - p.outTime) / p.speed) } : {}),
        });
      },
    });
    logger.progressEnd(name);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await assertUnchanged(source, before);

    await ctx.testHook?.('before-verify', plan.partial);
    const problems = await verifyOutput(plan, ctx);
    if (problems.length > 0) {
      keepPartial = true;
      throw new VerificationError(`${output}: ${ACCESS_VERIFICATION} failed: ${problems.join('; ')} (kept as ${basename(plan.partial)})`, { file: output });
    }
    const { digest, size } = await hashFile(plan.partial, { algorithm: 'md5', signal });
    await renameIntoPlace(plan.partial, output);
    await writeJobRecord(recordPath, {
      tool: 'avpres access',
      key,
      source: { path: source, ...before },
      output: { name: basename(output), size, md5: digest },
      finished: new Date().toISOString(),
    });
    const encoded = plan.segment.duration;
    const speed = encoded !== undefined ? encoded / seconds : lastSpeed;
    details['encodeSeconds'] = Number(seconds.toFixed(2));
    if (speed !== undefined) details['realtime'] = Number(speed.toFixed(2));
    event.addObjects({ path: relative(options.outputDir, output), role: 'outcome', size, hashes: { md5: digest } });
    event.succeed(`${plan.frame.width}x${plan.frame.height} H.264 High ${plan.level.level}${speed !== undefined ? `, ${speed.toFixed(2)}x realtime` : ''}`);
    return {
      input: source,
      status: 'done',
      exitCode: 0,
      outputs: [{ path: output, role: ACCESS_ROLE, size, md5: digest }],
      verification: { method: ACCESS_VERIFICATION, outcome: 'pass', detail: verificationDetail(plan) },
      details,
    };
  } catch (error) {
    logger.progressEnd(name);
    if (!keepPartial) await rm(plan.partial, { force: true });
    if (!event.isClosed) event.fail(error instanceof Error ? error.message : String(error));
    throw error;
  }
}

function planDetails(plan: AccessPlan, args: readonly string[]): Record<string, unknown> {
  return {
    start: plan.segment.start,
    duration: plan.segment.duration,
    size: `${plan.frame.width}x${plan.frame.height}`,
    sizeRule: plan.frame.reason,
    deinterlace: plan.deinterlace,
    filterGraph: plan.graph.graph,
    colour: { primaries: plan.colour.primaries, transfer: plan.colour.transfer, matrix: plan.colour.matrix, basis: plan.colour.basis },
    level: plan.level.level,
    audio: plan.audio?.description ?? 'none',
    watermark: plan.watermark?.path ?? 'none',
    ffmpegArgs: args,
  };
}

