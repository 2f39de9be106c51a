import { join } from 'node:path';
import { eachInput, failedResult, InputError, InterruptedError, withoutLeadingName, type InputResult } from '@avpres/core';
import { requireCapabilities, type ToolContext } from '@avpres/media';
import { findInputs, type SourceFile } from './find-inputs.js';
import { normaliseFile } from './normalise-file.js';
import { normaliseIntoSip } from './sip-job.js';
import { classify } from './run-pipeline.js';
import type { NormaliseOptions } from './options.js';

/** What ffmpeg must be able to do for normalise. */
export const NORMALISE_NEEDS = {
  encoders: ['ffv1', 'flac', 'rawvideo', 'pcm_s24le'],
  muxers: ['matroska', 'nut', 'tee', 'framemd5', 'framehash'],
  filters: ['asetnsamples'],
};

/**
 * Normalise every capture among the inputs, one after another (each job already keeps both
 * cores busy: encode and decode run at once). A bad input fails alone.
 */
export async function normalise(options: NormaliseOptions, ctx: ToolContext, version: string): Promise<InputResult[]> {
  await requireCapabilities(ctx.tools.ffmpeg.path, NORMALISE_NEEDS);
  const found = await findInputs(options.inputs, options.outputDir);
  if (options.sip?.uuid !== undefined && found.files.length > 1) {
    throw new InputError(`--uuid names one package, but ${found.files.length} captures were found`);
  }
  for (const file of found.ignored) ctx.logger.debug(`not a capture by its extension, left alone: ${file}`);
  const results: InputResult[] = found.missing.map((m) => {
    ctx.logger.error(m.error.message);
    return failedResult(m.path, m.error);
  });
  if (found.files.length === 0 && found.missing.length === 0) {
    throw new InputError(`no captures found in ${options.inputs.join(', ')} (looked for ${'.mov .avi .mxf .mkv …'})`);
  }
  const taken = new Map<string, string>();
  const jobs = found.files.map((file) => ({ file, dir: join(options.outputDir, file.relativeDir) }));
  const done = await eachInput(
    jobs,
    async ({ file, dir }) => {
      claimOutputName(taken, join(dir, file.stem), file);
      const env = { ctx, options, version };
      try {
        return await (options.sip ? normaliseIntoSip(file, env) : normaliseFile(file, dir, env));
      } catch (error) {
        throw classify(error, dir); // e.g. EACCES or ENOSPC on the output folder: exit 3, naming it
      }
    },
    {
      name: ({ file }) => file.path,
      signal: ctx.signal,
      onFailure: ({ file }, error) => ctx.logger.error(`${file.path}: ${error instanceof Error ? withoutLeadingName(error.message, file.path) : String(error)}`),
    },
  ).catch((error: unknown) => {
    // After Ctrl-C the run still lists the inputs already failed as missing.
    if (error instanceof InterruptedError) error.completed = [...results, ...(error.completed ?? [])];
    throw error;
  });
  return [...results, ...done];
}

/** Two inputs must never write the same output names. */
function claimOutputName(taken: Map<string, string>, key: string, file: SourceFile): void {
  const other = taken.get(key);
  if (other) throw new InputError(`${file.path}: its outputs would overwrite those of ${other} (same name); normalise it in a separate run or rename it`, { file: file.path });
  taken.set(key, file.path);
}
