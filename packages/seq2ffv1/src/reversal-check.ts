import { AvpresError, InterruptedError, VerificationError } from '@avpres/core';
import type { ManifestEntry } from '@avpres/fixity';
import { programRun, type ToolContext } from '@avpres/media';
import { readAttachments } from './mkv-attachments.js';
import { rebuildAudio, rebuildFromMkv, rebuildArgs } from './rebuild.js';
import { ATTACHMENT_PATTERN, readReversibility, type Reversibility } from './reversibility.js';

/** The reversibility data stored in an MKV (its attachments, read from the file on disk). */
export async function reversibilityOf(mkv: string): Promise<Reversibility> {
  const attachments = (await readAttachments(mkv)).filter((a) => ATTACHMENT_PATTERN.test(a.name));
  return readReversibility(
    attachments.map((a) => a.data),
    mkv,
  );
}

/** Names the files that differ; a short list, then a count. */
export function describeMismatches(names: readonly string[]): string {
  const shown = names.slice(0, 5).join(', ');
  return names.length > 5 ? `${shown} and ${names.length - 5} more` : shown;
}

export interface ReversalCheck {
  files: number;
  frames: number;
}

/**
 * The builtin engine's proof: decode the stored MKV once, rebuild every file in memory and
 * compare its md5 with the source manifest made in the pre-pass. Any difference, a frame
 * too many or too few, damaged reversibility data, or a decode error is a VerificationError
 * naming the files.
 */
export async function checkReversal(
  mkv: string,
  source: readonly ManifestEntry[],
  ctx: ToolContext,
  options: { framemd5?: string; label: string; onStderr?: (chunk: string) => void },
): Promise<ReversalCheck> {
  const event = ctx.logger.begin('fixity check', `reversal check of ${mkv}: decode, rebuild every file in memory, compare md5 with the source manifest`, {
    objects: [{ role: 'outcome', path: mkv }],
  });
  try {
    const reversibility = await reversibilityOf(mkv).catch((error: unknown) => {
      if (error instanceof VerificationError) throw error;
      throw new VerificationError(`${mkv}: reversibility data unreadable: ${(error as Error).message}`, { file: mkv, cause: error });
    });
    const expected = new Map(source.map((e) => [e.path, e.hash]));
    const differing: string[] = [];
    const seen = new Set<string>();
    event.setProgram(programRun(ctx.tools.ffmpeg, rebuildArgs({ mkv, reversibility, framemd5: options.framemd5 })));
    const total = reversibility.records.length;
    const result = await rebuildFromMkv({
      ffmpeg: ctx.tools.ffmpeg.path,
      mkv,
      reversibility,
      framemd5: options.framemd5,
      signal: ctx.signal,
      onStderr: options.onStderr,
      onFile: ({ record, md5 }, index) => {
        seen.add(record.name);
        if (expected.get(record.name) !== md5 || record.md5 !== md5) differing.push(record.name);
        ctx.logger.progress({ label: `${options.label}: check`, unit: 'frames', done: index + 1, total });
      },
    }).catch((error: unknown) => {
      if (error instanceof InterruptedError || error instanceof VerificationError) throw error;
      if (error instanceof AvpresError) throw new VerificationError(`${mkv}: does not decode: ${error.message}`, { file: mkv, cause: error });
      throw error;
    });
    ctx.logger.progressEnd(`${options.label}: check`);
    for (const [index, record] of (reversibility.sequence.audio ?? []).entries()) {
      seen.add(record.name);
      const audio = await rebuildAudio({ ffmpeg: ctx.tools.ffmpeg.path, mkv, index, record, signal: ctx.signal, onStderr: options.onStderr }).catch((error: unknown) => {
        if (error instanceof InterruptedError || !(error instanceof AvpresError)) throw error;
        throw new VerificationError(`${mkv}: audio stream ${index} does not decode: ${error.message}`, { file: mkv, cause: error });
      });
      if (expected.get(record.name) !== audio.md5 || record.md5 !== audio.md5) {
        differing.push(audio.dataBytes === record.dataBytes ? record.name : `${record.name} (${audio.dataBytes} sample bytes for ${record.dataBytes})`);
      }
    }
    for (const e of source) if (!seen.has(e.path)) differing.push(`${e.path} (not in the MKV)`);
    if (result.frames !== reversibility.records.length) differing.push(`${result.frames} frames decoded for ${reversibility.records.length} files`);
    if (differing.length > 0) {
      throw new VerificationError(`${mkv}: reversal check failed: ${differing.length} file(s) differ from the source: ${describeMismatches(differing)}`, { file: mkv });
    }
    event.succeed(`${source.length} files rebuilt from ${result.frames} frames, every md5 equal to the source`);
    return { files: source.length, frames: result.frames };
  } catch (error) {
    if (!event.isClosed) event.fail(error instanceof Error ? error.message : String(error));
    throw error;
  }
}
