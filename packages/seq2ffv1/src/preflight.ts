import { statfs } from 'node:fs/promises';
import { EnvironmentError, InputError } from '@avpres/core';
import { findSequence, oddSizes } from './find-sequence.js';
import { frameRateArg } from './ffv1-args.js';
import { layoutDifference, readFrameFile } from './frame-file.js';
import { jobPaths, type Job } from './job.js';
import { readWavLayout } from './wav-layout.js';

/**
 * Everything checked before any work: the sequence (numbering, one format, gaps), the first
 * file's layout (a refused flavour names its header field), files of another size (their
 * own reason when they have one), and free space for the MKV.
 */
export async function preflight(folder: string, outputDir: string, options: { allowGaps: boolean }): Promise<Job> {
  const seq = await findSequence(folder, options);
  const first = await readFrameFile(seq.files[0]!.path, seq.format);
  // Another file size is fine when only the header or trailer length differs (user data of
  // varying length); another layout is not. The pre-pass checks every file again.
  for (const f of oddSizes(seq)) {
    const frame = await readFrameFile(f.path, seq.format);
    const difference = layoutDifference(first.layout, frame.layout);
    if (difference) throw new InputError(`${f.path}: mixed frame sizes in ${folder}: ${difference}`, { file: f.path });
  }
  for (const a of seq.audio) await readWavLayout(a.path); // an unsupported WAV is refused before any work
  const totalBytes = [...seq.files, ...seq.audio].reduce((n, f) => n + f.size, 0);
  await requireSpace(outputDir, totalBytes);
  return { seq, layout: first.layout, frameRate: frameRateArg(first.frameRate), paths: jobPaths(outputDir, seq.name), totalBytes };
}

/** FFV1 of a scan is nearly always smaller than the scan; asking for the scan's size leaves room for noise. */
async function requireSpace(dir: string, bytes: number): Promise<void> {
  let free: number;
  try {
    const s = await statfs(dir);
    free = Number(s.bavail) * Number(s.bsize);
  } catch {
    return; // a file system that does not say: the write itself will tell
  }
  if (free < bytes) {
    throw new EnvironmentError(`${dir}: not enough free space: ${(free / 2 ** 20).toFixed(0)} MiB free, the MKV may need up to ${(bytes / 2 ** 20).toFixed(0)} MiB`, { file: dir });
  }
}
