import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { AvpresError, EnvironmentError, FfmpegError, InterruptedError, VerificationError } from '@avpres/core';
import { hashFile, listFiles, partialPath, type ManifestEntry } from '@avpres/fixity';
import { ffmpegInvocation, programRun, runProgram, type ResolvedTool, type ToolContext } from '@avpres/media';
import type { EngineOutcome } from './builtin-engine.js';
import type { Job } from './job.js';
import { relativeName } from './prepass.js';
import { describeMismatches } from './reversal-check.js';

/**
 * RAWcooked's own checks, named one by one: `--all` crashed after writing the MKV in
 * RAWcooked 25.12, so it is never used.
 */
export const RAWCOOKED_CHECKS = ['--info', '--conch', '--encode', '--hash', '--coherency', '--check-padding', '--check'] as const;

/** RAWcooked stopped because its licence does not cover the flavour: the builtin engine can take over. */
export class RawcookedLicenceRefusal extends EnvironmentError {}

/**
 * `-r` puts RAWcooked's reversibility file in our scratch folder (by default it goes beside
 * the source folder, outside the output folder); RAWcooked deletes it once it is embedded.
 */
export function rawcookedEncodeArgs({ folder, mkv, reversibilityFile, gaps }: { folder: string; mkv: string; reversibilityFile: string; gaps: boolean }): string[] {
  return [...RAWCOOKED_CHECKS, ...(gaps ? ['--accept-gaps'] : []), '-r', reversibilityFile, '-y', '-o', mkv, folder];
}

/** Decode with RAWcooked's own hash test (--hash) into a scratch folder. */
export function rawcookedDecodeArgs(mkv: string, outDir: string): string[] {
  return ['--decode', '--hash', '-y', '-o', outDir, mkv];
}

/** RAWcooked decides encode or decode from the input's name: its MKV must end in .mkv while it works on it. */
export function rawcookedWorkMkv(workDir: string, stem: string): string {
  return join(workDir, `${stem}.rawcooked.mkv`);
}

/** RAWcooked finds ffmpeg on PATH: put the run's ffmpeg first. */
function rawcookedEnv(ctx: ToolContext): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v;
  env['PATH'] = [dirname(ctx.tools.ffmpeg.path), env['PATH'] ?? ''].filter(Boolean).join(delimiter);
  return env;
}

async function runRawcooked(rawcooked: ResolvedTool, args: string[], ctx: ToolContext, log: (chunk: string) => void, file: string): Promise<string> {
  let output = '';
  const keep = (chunk: string) => {
    output = (output + chunk).slice(-64 * 1024);
    log(chunk);
  };
  try {
    await runProgram(rawcooked.path, args, {
      signal: ctx.signal,
      file,
      env: rawcookedEnv(ctx),
      cwd: ctx.cwd,
      onStderr: keep,
      onStdout: (chunk) => keep(chunk.toString()),
    });
    return output;
  } catch (error) {
    if (error instanceof InterruptedError) throw error;
    const line = output.split(/\r?\n/).find((l) => /licen[cs]e/i.test(l));
    if (line) throw new RawcookedLicenceRefusal(`rawcooked refused ${file}: ${line.trim()}`, { file, cause: error });
    const how = error instanceof FfmpegError ? (error.signal ? `crashed (${error.signal})` : `exited with code ${error.processExitCode}`) : 'failed';
    const last = output.trim().split(/\r?\n/).at(-1) ?? '';
    throw new EnvironmentError(`rawcooked ${how} on ${file}${last ? `: ${last}` : ''}; its output is not used`, { file, cause: error });
  }
}

/**
 * The rawcooked engine: our md5 manifest of the source, RAWcooked's encode with its own
 * checks, then our reversal check: RAWcooked decodes the stored MKV into a scratch folder
 * and every file's md5 must equal the source's. A crash or non-zero exit is never success,
 * even when an MKV was written.
 */
export async function encodeRawcooked(job: Job, rawcooked: ResolvedTool, ctx: ToolContext, log: (chunk: string) => void): Promise<EngineOutcome> {
  const { seq, paths } = job;
  const label = seq.name;
  const total = seq.files.length;
  const digest = ctx.logger.begin('message digest calculation', `md5 of ${total} source files`, { objects: [{ role: 'source', path: seq.folder }] });
  const manifest: ManifestEntry[] = [];
  for (const [i, f] of [...seq.files, ...seq.audio].entries()) {
    const { digest: md5 } = await hashFile(f.path, { algorithm: 'md5', signal: ctx.signal });
    manifest.push({ path: relativeName(seq, f.path), hash: md5 });
    ctx.logger.progress({ label: `${label}: md5`, unit: 'frames', done: i + 1, total });
  }
  ctx.logger.progressEnd(`${label}: md5`);
  digest.succeed(`${total} files`);

  await mkdir(paths.work, { recursive: true });
  const mkv = rawcookedWorkMkv(paths.work, seq.name);
  const reversibilityFile = join(paths.work, `${seq.name}.rawcooked_reversibility_data`);
  const args = rawcookedEncodeArgs({ folder: seq.folder, mkv, reversibilityFile, gaps: seq.gaps.length > 0 });
  const encode = ctx.logger.begin('compression', `RAWcooked: FFV1/MKV with RAWcooked's reversibility data, checks ${RAWCOOKED_CHECKS.join(' ')}`, {
    objects: [{ role: 'source', path: seq.folder }, { role: 'outcome', path: paths.mkv }],
    program: programRun(rawcooked, args),
  });
  try {
    await runRawcooked(rawcooked, args, ctx, log, seq.folder);
    await stat(mkv).catch(() => {
      throw new EnvironmentError(`rawcooked exited 0 but wrote no ${mkv}`);
    });
    if (await stat(reversibilityFile).then(() => true, () => false)) {
      throw new EnvironmentError(
        `rawcooked kept its reversibility data outside the MKV (${reversibilityFile}: larger than its attachment size limit), so the MKV alone cannot give the scan back: use --engine builtin`,
      );
    }
  } catch (error) {
    encode.fail(error instanceof Error ? error.message : String(error));
    await rm(mkv, { force: true });
    throw error;
  }
  encode.succeed();

  await ctx.testHook?.('before-verify', mkv);
  const check = ctx.logger.begin('fixity check', `reversal check of ${paths.mkv}: RAWcooked decodes it into a scratch folder, every md5 compared with the source manifest`, {
    objects: [{ role: 'outcome', path: paths.mkv }],
  });
  const scratch = join(paths.work, 'rawcooked-decode');
  const fmPartial = partialPath(paths.framemd5);
  try {
    await rm(scratch, { recursive: true, force: true });
    await mkdir(scratch, { recursive: true });
    const decodeArgs = rawcookedDecodeArgs(mkv, scratch);
    check.setProgram(programRun(rawcooked, decodeArgs));
    await runRawcooked(rawcooked, decodeArgs, ctx, log, mkv).catch((error: unknown) => {
      if (error instanceof InterruptedError) throw error;
      throw new VerificationError(`${mkv}: rawcooked could not decode it: ${(error as Error).message}`, { file: mkv, cause: error });
    });
    // RAWcooked may recreate the folder name above the files: match by path suffix.
    const decoded = await listFiles(scratch);
    const differing: string[] = [];
    for (const [i, e] of manifest.entries()) {
      const match = decoded.find((d) => d.path === e.path || d.path.endsWith('/' + e.path));
      if (!match) differing.push(`${e.path} (not given back)`);
      else if ((await hashFile(join(scratch, match.path), { algorithm: 'md5', signal: ctx.signal })).digest !== e.hash) differing.push(e.path);
      ctx.logger.progress({ label: `${label}: check`, unit: 'frames', done: i + 1, total });
    }
    ctx.logger.progressEnd(`${label}: check`);
    if (differing.length > 0) throw new VerificationError(`${mkv}: reversal check failed: ${differing.length} file(s) differ from the source: ${describeMismatches(differing)}`, { file: mkv });
    // The framemd5 of the MKV as stored, from ffmpeg.
    const fmArgs = ffmpegInvocation(['-i', mkv, '-map', '0:v:0', '-f', 'framemd5', '-y', fmPartial]);
    await runProgram(ctx.tools.ffmpeg.path, fmArgs, { signal: ctx.signal, file: mkv, onStderr: log }).catch((error: unknown) => {
      if (error instanceof InterruptedError || !(error instanceof AvpresError)) throw error;
      throw new VerificationError(`${mkv}: ffmpeg cannot decode RAWcooked's MKV: ${error.message}`, { file: mkv, cause: error });
    });
    await rename(mkv, partialPath(paths.mkv));
    check.succeed(`${total} files given back by RAWcooked, every md5 equal to the source`);
  } catch (error) {
    if (!check.isClosed) check.fail(error instanceof Error ? error.message : String(error));
    throw error;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return { engine: 'rawcooked', manifest, check: { files: total, frames: total }, details: { rawcooked: rawcooked.version } };
}
