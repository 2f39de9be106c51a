import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { partialPath } from '@avpres/fixity';
import { sidecarNames } from '@avpres/sip';
import type { Sequence } from './find-sequence.js';
import type { FrameLayout } from './frame-layout.js';

/** The final paths of one sequence's outputs, all in the output folder. */
export interface JobPaths {
  mkv: string;
  sourceManifest: string;
  framemd5: string;
  mediainfo: string;
  ffmpegLog: string;
  /** What the MKV was made from and the md5 of every output: a re-run checks it. */
  record: string;
  /** Scratch folder (attachments, frame links), removed at the end. */
  work: string;
}

export function jobPaths(outputDir: string, stem: string): JobPaths {
  const names = sidecarNames(stem);
  return {
    mkv: join(outputDir, `${stem}.mkv`),
    sourceManifest: join(outputDir, names.sourceManifest),
    framemd5: join(outputDir, names.outputFramemd5),
    mediainfo: join(outputDir, names.mediainfo),
    ffmpegLog: join(outputDir, names.ffmpegLog),
    record: join(outputDir, `${stem}_seq2ffv1.json`),
    work: join(outputDir, `.${stem}.seq2ffv1-work`),
  };
}

/** One sequence being converted: what preflight found. */
export interface Job {
  seq: Sequence;
  layout: FrameLayout;
  frameRate: string;
  paths: JobPaths;
  totalBytes: number;
}

/** Remove every partial and the scratch folder (after a failure or Ctrl-C). */
export async function removePartials(paths: JobPaths, { keepMkv = false }: { keepMkv?: boolean } = {}): Promise<void> {
  const files = [paths.sourceManifest, paths.framemd5, paths.mediainfo, paths.ffmpegLog, ...(keepMkv ? [] : [paths.mkv])];
  await Promise.all(files.map((f) => rm(partialPath(f), { force: true })));
  await rm(paths.work, { recursive: true, force: true });
}
