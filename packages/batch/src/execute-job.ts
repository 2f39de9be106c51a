import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { failedResult, InterruptedError, mostSerious, type InputResult } from '@avpres/core';
import { HumanLogSink, JsonlSink, Logger } from '@avpres/log';
import type { ToolContext } from '@avpres/media';
import type { BatchPaths } from './batch-paths.js';
import type { BatchTool } from './batch-tools.js';
import { ForwardSink } from './forward-sink.js';
import type { PlannedJob } from './job.js';
import type { Ledger } from './ledger.js';
import { makeThumbnail } from './thumbnail.js';

export interface JobEnv {
  tool: BatchTool;
  /** The batch's (or worker's) context: its logger gets the job's warnings and errors. */
  ctx: ToolContext;
  ledger: Ledger;
  paths: Pick<BatchPaths, 'logs' | 'thumbnails'>;
  version: string;
  thumbnails: boolean;
}

/**
 * Run one job through its tool with a logger of its own, recording `running` before and
 * the outcome after; a failing job becomes a failed result, Ctrl-C is recorded as
 * `interrupted` and thrown. Shared by `avpres batch` and `avpres worker`.
 */
export async function executeJob(job: PlannedJob, attempt: number, env: JobEnv): Promise<InputResult> {
  const { tool, ctx, ledger, paths, version } = env;
  if (ctx.signal.aborted) throw new InterruptedError('interrupted before the job started', { file: job.input.path });
  const log = join(paths.logs, `${job.id}.log`);
  await ledger.append({ job: job.id, state: 'running', pid: process.pid, attempt });
  const jobLogger = new Logger({
    tool: `avpres ${tool.name}`,
    version,
    user: ctx.logger.run.user,
    commandLine: ctx.logger.run.commandLine,
    sinks: [new HumanLogSink(log), new JsonlSink(join(paths.logs, `${job.id}.events.jsonl`)), new ForwardSink(ctx.logger)],
  });
  jobLogger.info(`job ${job.id}, attempt ${attempt}: ${job.input.path} -> ${job.outputDir}`);
  const started = performance.now();
  const seconds = () => Number(((performance.now() - started) / 1000).toFixed(3));
  let result: InputResult;
  try {
    result = oneResult(job, await tool.run(job, { ...ctx, logger: jobLogger }));
  } catch (error) {
    if (error instanceof InterruptedError || ctx.signal.aborted) {
      await ledger.append({ job: job.id, state: 'interrupted', seconds: seconds(), reason: 'interrupted (Ctrl-C); redone from scratch on the next run', log });
      await jobLogger.finish('failure', 130, 'interrupted');
      throw error instanceof InterruptedError ? error : new InterruptedError('interrupted', { file: job.input.path, cause: error });
    }
    jobLogger.error(`${job.input.path}: ${error instanceof Error ? error.message : String(error)}`);
    result = failedResult(job.input.path, error);
  }
  const took = seconds();
  const thumbnail = result.status !== 'failed' && env.thumbnails && tool.isVideo(job) ? await thumbnailOf(job, result, env, jobLogger) : undefined;
  const outputMtimes: Record<string, number> = {};
  for (const o of result.outputs) {
    const info = await stat(o.path).catch(() => undefined);
    if (info?.isFile()) outputMtimes[o.path] = info.mtimeMs;
  }
  await ledger.append({
    job: job.id,
    state: result.status,
    seconds: took,
    exitCode: result.exitCode,
    ...(result.reason !== undefined ? { reason: result.reason } : {}),
    outputs: result.outputs,
    outputMtimes,
    ...(result.verification ? { verification: result.verification } : {}),
    log,
    ...(thumbnail ? { thumbnail } : {}),
  });
  const unfinished = await jobLogger.finish(result.status === 'failed' ? 'failure' : 'success', result.exitCode, `${result.status}${result.reason ? `: ${result.reason}` : ''}`);
  for (const error of unfinished) ctx.logger.warn(`job ${job.id}: its log is incomplete: ${error instanceof Error ? error.message : String(error)}`);
  ctx.logger.info(`${result.status}: ${job.rel} (${took.toFixed(1)} s)${result.reason && result.status !== 'failed' ? ` - ${result.reason}` : ''}`);
  if (ctx.signal.aborted) throw new InterruptedError('interrupted', { file: job.input.path });
  return { ...result, details: { ...result.details, job: job.id, attempt, seconds: took, log } };
}

/** A job has one input, so its tool gives one result; anything else is folded into one, the most serious first. */
function oneResult(job: PlannedJob, results: InputResult[]): InputResult {
  if (results.length === 1) return results[0]!;
  if (results.length === 0) return { input: job.input.path, status: 'failed', exitCode: 70, reason: `avpres ${job.tool} returned no result for this input (a bug)`, outputs: [] };
  const failed = results.filter((r) => r.status === 'failed');
  if (failed.length === 0) return { ...results[0]!, outputs: results.flatMap((r) => r.outputs) };
  return { input: job.input.path, status: 'failed', exitCode: mostSerious(failed.map((r) => r.exitCode)), reason: failed.map((r) => r.reason).join('; '), outputs: results.flatMap((r) => r.outputs) };
}

/** A thumbnail of the job's main output; a picture that cannot be made is noted, never a failure of the job. */
async function thumbnailOf(job: PlannedJob, result: InputResult, env: JobEnv, jobLogger: Logger): Promise<string | undefined> {
  const main = result.outputs.find((o) => o.role === env.tool.mainRole);
  if (!main) return undefined;
  const dest = join(env.paths.thumbnails, `${job.id}.jpg`);
  try {
    await mkdir(env.paths.thumbnails, { recursive: true });
    await makeThumbnail(env.ctx.tools.ffmpeg.path, main.path, dest, env.ctx.signal);
    return dest;
  } catch (error) {
    jobLogger.info(`no thumbnail for ${main.path}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    return undefined;
  }
}
