import { createWriteStream } from 'node:fs';
import { InterruptedError } from '@avpres/core';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { writeFileAtomic, partialPath } from '@avpres/fixity';
import type { Logger } from '@avpres/log';
import { mediainfoXml, programRun, runProgram, type ResolvedTool } from '@avpres/media';

/** MediaInfo's General-track format name (e.g. "MPEG-4", "Matroska"), for PREMIS. */
export function generalFormat(xml: string): string | undefined {
  const general = /<track type="General"[^>]*>([\s\S]*?)<\/track>/.exec(xml)?.[1];
  return general ? /<Format>([^<]+)<\/Format>/.exec(general)?.[1] : undefined;
}

/**
 * A MediaInfo XML sidecar made in-process (mediainfo.js). A file MediaInfo cannot read is
 * logged as a warning event and gets no sidecar: it is still packaged.
 */
export async function writeMediainfoSidecar(
  logger: Logger,
  file: { abs: string; rel: string },
  sidecar: { abs: string; rel: string },
): Promise<{ format?: string } | undefined> {
  const event = logger.begin('metadata extraction', `MediaInfo XML of ${file.rel} (mediainfo.js, in-process)`);
  try {
    const xml = await mediainfoXml(file.abs);
    await writeFileAtomic(sidecar.abs, xml);
    const format = generalFormat(xml);
    event.addObjects({ path: file.rel, role: 'source', ...(format ? { format } : {}) }, { path: sidecar.rel, role: 'sidecar' });
    event.succeed(sidecar.rel);
    return format ? { format } : {};
  } catch (error) {
    event.warn(`no MediaInfo sidecar: ${(error as Error).message}`);
    return undefined;
  }
}

/** MediaTrace XML from the `mediainfo` program, streamed to disk (it can be large); a failure is a warning. */
export async function writeMediatraceSidecar(
  logger: Logger,
  mediainfo: ResolvedTool,
  file: { abs: string; rel: string },
  sidecar: { abs: string; rel: string },
  signal: AbortSignal | undefined,
): Promise<void> {
  const args = ['--Details=1', '--Output=XML', file.abs];
  const event = logger.begin('metadata extraction', `MediaTrace XML of ${file.rel}`, { program: programRun(mediainfo, args) });
  const partial = partialPath(sidecar.abs);
  try {
    let writing: Promise<void> | undefined;
    await runProgram(mediainfo.path, args, {
      signal,
      file: file.abs,
      stdoutStream: (stream) => {
        writing = pipeline(stream, createWriteStream(partial));
      },
    });
    await writing;
    await rename(partial, sidecar.abs);
    event.addObjects({ path: file.rel, role: 'source' }, { path: sidecar.rel, role: 'sidecar' });
    event.succeed(sidecar.rel);
  } catch (error) {
    await rm(partial, { force: true });
    if (error instanceof InterruptedError) {
      event.fail('interrupted');
      throw error;
    }
    // Like a file MediaInfo cannot read: a warning, the package is still made.
    event.warn(`no MediaTrace sidecar: ${(error as Error).message}`);
  }
}
