import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { eachInput, InputError, UsageError, VerificationError, type InputResult } from '@avpres/core';
import { formatManifest, partialPath, renameIntoPlace, writeFileAtomic } from '@avpres/fixity';
import { programRun, type ToolContext } from '@avpres/media';
import { sidecarNames } from '@avpres/sip';
import { rebuildArgs, rebuildAudio, rebuildFromMkv } from './rebuild.js';
import { describeMismatches, reversibilityOf } from './reversal-check.js';

export interface DecodeOptions {
  /** MKV files made by seq2ffv1's builtin engine. */
  inputs: string[];
  outputDir: string;
  force: boolean;
}

/**
 * Gives back the sequence from an MKV: every file rebuilt from the frames and the stored
 * reversibility data, written as a partial, checked against its stored md5, then renamed.
 * Files go to <output>/<sequence folder name>/, with a source md5 manifest beside it.
 */
export async function decodeSequences(options: DecodeOptions, ctx: ToolContext): Promise<InputResult[]> {
  if (!ctx.dryRun) await mkdir(options.outputDir, { recursive: true });
  return eachInput(options.inputs, (mkv) => decodeOne(mkv, options, ctx), {
    name: (mkv) => mkv,
    onFailure: (_mkv, error) => ctx.logger.error(error instanceof Error ? error.message : String(error)),
  });
}

async function decodeOne(mkv: string, options: DecodeOptions, ctx: ToolContext): Promise<InputResult> {
  await stat(mkv).catch((error: unknown) => {
    throw new InputError(`${mkv}: cannot read (${(error as NodeJS.ErrnoException).code})`, { file: mkv, cause: error });
  });
  const reversibility = await reversibilityOf(mkv);
  const { sequence, records } = reversibility;
  const target = join(options.outputDir, sequence.name);
  const manifestPath = join(options.outputDir, sidecarNames(sequence.name).sourceManifest);
  if (ctx.dryRun) {
    ctx.print(JSON.stringify([ctx.tools.ffmpeg.path, ...rebuildArgs({ mkv, reversibility })]));
    return { input: mkv, status: 'skipped', exitCode: 0, reason: 'dry run', outputs: [] };
  }
  const present = await readdir(target).catch(() => [] as string[]);
  if (present.length > 0 && !options.force) {
    throw new UsageError(`${target} already holds files: give another -o, or --force to overwrite the sequence's files there`);
  }
  const event = ctx.logger.begin('decompression', `${records.length} files of ${sequence.layout.label} rebuilt from ${mkv}`, {
    objects: [{ role: 'source', path: mkv }, { role: 'outcome', path: target }],
    program: programRun(ctx.tools.ffmpeg, rebuildArgs({ mkv, reversibility })),
  });
  const written: string[] = [];
  const differing: string[] = [];
  const root = resolve(target);
  let current: string | undefined;
  /** A rebuilt file whose md5 matches goes under its final name; otherwise it is removed and named. */
  const settle = async (partial: string, final: string, matches: boolean, name: string): Promise<void> => {
    if (!matches) {
      differing.push(name);
      await rm(partial, { force: true });
      return;
    }
    await renameIntoPlace(partial, final);
    written.push(final);
  };
  try {
    const result = await rebuildFromMkv({
      ffmpeg: ctx.tools.ffmpeg.path,
      mkv,
      reversibility,
      signal: ctx.signal,
      onFile: async ({ record, pieces, md5 }, index) => {
        const final = resolve(root, record.name);
        if (!final.startsWith(root + sep)) throw new VerificationError(`${mkv}: reversibility data names a file outside the folder: ${record.name}`, { file: mkv });
        await mkdir(dirname(final), { recursive: true });
        current = partialPath(final);
        const handle = await open(current, 'w');
        try {
          for (const piece of pieces) await handle.write(piece);
        } finally {
          await handle.close();
        }
        await settle(current, final, md5 === record.md5, record.name);
        current = undefined;
        ctx.logger.progress({ label: `${sequence.name}: decode`, unit: 'frames', done: index + 1, total: records.length });
      },
    });
    ctx.logger.progressEnd(`${sequence.name}: decode`);
    for (const [index, record] of (sequence.audio ?? []).entries()) {
      const final = resolve(root, record.name);
      if (!final.startsWith(root + sep)) throw new VerificationError(`${mkv}: reversibility data names a file outside the folder: ${record.name}`, { file: mkv });
      await mkdir(dirname(final), { recursive: true });
      current = partialPath(final);
      const handle = await open(current, 'w');
      let audio;
      try {
        audio = await rebuildAudio({
          ffmpeg: ctx.tools.ffmpeg.path,
          mkv,
          index,
          record,
          signal: ctx.signal,
          onPiece: async (piece) => {
            await handle.write(piece);
          },
        });
      } finally {
        await handle.close();
      }
      await settle(current, final, audio.md5 === record.md5, record.name);
      current = undefined;
    }
    if (result.frames !== records.length) differing.push(`${result.frames} frames decoded for ${records.length} files`);
    if (differing.length > 0) {
      throw new VerificationError(`${mkv}: ${differing.length} file(s) could not be given back exactly: ${describeMismatches(differing)}`, { file: mkv });
    }
    await writeFileAtomic(manifestPath, formatManifest([...records, ...(sequence.audio ?? [])].map((r) => ({ path: r.name, hash: r.md5 }))));
    event.succeed(`${records.length} files, every md5 equal to the one stored at encode time`);
  } catch (error) {
    if (current) await rm(current, { force: true });
    if (!event.isClosed) event.fail(error instanceof Error ? error.message : String(error));
    throw error;
  }
  return {
    input: mkv,
    status: 'done',
    exitCode: 0,
    outputs: [
      { path: target, role: 'sequence folder', size: [...records, ...(sequence.audio ?? [])].reduce((n, r) => n + r.size, 0) },
      { path: manifestPath, role: 'source md5 manifest', size: (await stat(manifestPath)).size },
    ],
    verification: { method: 'md5 stored at encode time', outcome: 'pass', detail: `${written.length} files rebuilt, each md5 equal to its stored md5` },
    details: { frames: records.length, audio: (sequence.audio ?? []).map((a) => a.name), flavour: sequence.layout.label, gaps: sequence.gaps },
  };
}
