import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '@avpres/core';
import { hashFile, partialPath, type ManifestEntry } from '@avpres/fixity';
import { ffmpegInvocation, mediainfoXml, programRun, runProgram, type ToolContext } from '@avpres/media';
import { buildEncodeArgs } from './ffv1-args.js';
import { sequenceChanges } from './find-sequence.js';
import type { Job } from './job.js';
import { prepass } from './prepass.js';
import { checkReversal, type ReversalCheck } from './reversal-check.js';
import { attachmentName, REVERSIBILITY_MIME } from './reversibility.js';

export interface BuiltinOptions {
  context: boolean;
  /** Cut reversibility parts after this many bytes (tests use it to force several attachments). */
  partBytes?: number | undefined;
}

export interface EngineOutcome {
  engine: 'builtin' | 'rawcooked';
  manifest: ManifestEntry[];
  check: ReversalCheck;
  details: Record<string, unknown>;
  /** MediaInfo XML of the MKV, when the engine already started it (it overlaps the check). */
  mediainfo?: Promise<string> | undefined;
  /** md5 of the MKV as stored, when the engine already started it (it overlaps the check). */
  mkvMd5?: Promise<string> | undefined;
}

/** Where ffmpeg reads the frames: the folder itself, or numbered links when names are irregular or have gaps. */
async function frameInput(job: Job): Promise<{ dir: string; pattern: string; start: number; linked: boolean }> {
  const { seq } = job;
  if (seq.pattern) return { dir: seq.dir, pattern: seq.pattern.pattern, start: seq.pattern.start, linked: false };
  const dir = join(job.paths.work, 'frames');
  await mkdir(dir, { recursive: true });
  const digits = Math.max(6, String(seq.files.length).length);
  const ext = seq.extension.replace(/%/g, '%%');
  for (const [i, f] of seq.files.entries()) await symlink(f.path, join(dir, `${String(i + 1).padStart(digits, '0')}.${seq.extension}`));
  return { dir, pattern: `%0${digits}d.${ext}`, start: 1, linked: true };
}

/** The encode argv with placeholder attachment names (for --dry-run). */
export function dryRunEncodeArgs(job: Job, options: BuiltinOptions): string[] {
  const { seq } = job;
  const input = seq.pattern ? { dir: seq.dir, pattern: seq.pattern.pattern, start: seq.pattern.start } : { dir: join(job.paths.work, 'frames'), pattern: '%06d.' + seq.extension, start: 1 };
  return ffmpegInvocation(
    buildEncodeArgs({
      ...input,
      frameRate: job.frameRate,
      layout: job.layout,
      attachments: [{ path: join(job.paths.work, attachmentName(0, 1)), name: attachmentName(0, 1), mimeType: REVERSIBILITY_MIME }],
      output: partialPath(job.paths.mkv),
      context: options.context,
      audio: seq.audio.map((a) => a.path),
    }),
    { progress: true },
  );
}

/**
 * The builtin engine: one pre-pass over the scan (md5 + reversibility data), the FFV1
 * encode by ffmpeg with the data attached, a re-listing of the folder, then the reversal
 * check on the MKV as stored. Leaves the MKV and framemd5 as partials for the caller.
 */
export async function encodeBuiltin(job: Job, options: BuiltinOptions, ctx: ToolContext, ffmpegLog: (chunk: string) => void): Promise<EngineOutcome> {
  const { seq, layout, paths } = job;
  const label = seq.name;
  const total = seq.files.length;
  const digest = ctx.logger.begin('message digest calculation', `md5 of ${total} source files and their reversibility data (headers, trailers, padding bits)`, {
    objects: [{ role: 'source', path: seq.folder }],
  });
  const pre = await prepass(seq, layout, job.frameRate, {
    signal: ctx.signal,
    partBytes: options.partBytes,
    onFile: (done) => ctx.logger.progress({ label: `${label}: read`, unit: 'frames', done, total }),
  }).catch((error: unknown) => {
    digest.fail(error instanceof Error ? error.message : String(error));
    throw error;
  });
  ctx.logger.progressEnd(`${label}: read`);
  const reversibilityBytes = pre.parts.reduce((n, p) => n + p.length, 0);
  digest.succeed(`${total} files, ${pre.bytes} bytes; reversibility data ${reversibilityBytes} bytes in ${pre.parts.length} attachment(s); ${pre.filesWithPadding} file(s) with non-zero padding bits`);

  await mkdir(paths.work, { recursive: true });
  const attachments = [];
  for (const [i, part] of pre.parts.entries()) {
    const name = attachmentName(i, pre.parts.length);
    const path = join(paths.work, name);
    await writeFile(path, part);
    attachments.push({ path, name, mimeType: REVERSIBILITY_MIME });
  }
  const input = await frameInput(job);
  const args = ffmpegInvocation(
    buildEncodeArgs({ ...input, frameRate: job.frameRate, layout, attachments, output: partialPath(paths.mkv), context: options.context, audio: seq.audio.map((a) => a.path) }),
    { progress: true },
  );
  const encode = ctx.logger.begin('compression', `FFV1 version 3 in Matroska from ${layout.label} ${layout.width}x${layout.height} at ${job.frameRate} fps`, {
    objects: [{ role: 'source', path: seq.folder }, { role: 'outcome', path: paths.mkv }],
    program: programRun(ctx.tools.ffmpeg, args),
  });
  try {
    await runProgram(ctx.tools.ffmpeg.path, args, {
      signal: ctx.signal,
      file: seq.folder,
      onStderr: ffmpegLog,
      totals: { frames: total },
      onProgress: (p) => ctx.logger.progress({ label: `${label}: encode`, unit: 'frames', done: p.frame ?? 0, total, ...(p.speed ? { rate: `${p.speed}x` } : {}) }),
    });
  } catch (error) {
    encode.fail(error instanceof Error ? error.message : String(error));
    throw error;
  }
  ctx.logger.progressEnd(`${label}: encode`);
  encode.succeed(`${total} frames${seq.audio.length > 0 ? ` and ${seq.audio.length} WAV file(s) as FLAC` : ''}${input.linked ? ' (through numbered links: irregular names or gaps)' : ''}`);

  const changes = await sequenceChanges(seq);
  if (changes.length > 0) {
    throw new InputError(`${seq.folder}: the sequence changed while it was encoded (${changes.slice(0, 3).join(', ')}${changes.length > 3 ? ', ...' : ''}): run again once the scan is complete`, { file: seq.folder });
  }

  await ctx.testHook?.('before-verify', partialPath(paths.mkv));
  // MediaInfo reads the MKV while the check decodes it (mostly waiting on reads): wall time saved.
  const mediainfo = mediainfoXml(partialPath(paths.mkv));
  mediainfo.catch(() => undefined); // awaited by the caller once the check has passed
  // The job record's md5 of the MKV, read alongside the check's decode (same bytes, one pass through the cache).
  const mkvMd5 = hashFile(partialPath(paths.mkv), { algorithm: 'md5', signal: ctx.signal }).then((r) => r.digest);
  mkvMd5.catch(() => undefined);
  const check = await checkReversal(partialPath(paths.mkv), pre.manifest, ctx, { framemd5: partialPath(paths.framemd5), label, onStderr: ffmpegLog });
  return {
    mediainfo,
    mkvMd5,
    engine: 'builtin',
    manifest: pre.manifest,
    check,
    details: { reversibilityBytes, attachments: pre.parts.length, filesWithPaddingBits: pre.filesWithPadding, audio: pre.audio.map((a) => a.name) },
  };
}
