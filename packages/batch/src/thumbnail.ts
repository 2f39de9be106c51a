import { rename, rm } from 'node:fs/promises';
import { ffmpegInvocation, runProgram } from '@avpres/media';

/** Width of report thumbnails, in pixels. */
export const THUMBNAIL_WIDTH = 160;

/** ffmpeg arguments for one small JPEG of the first video frame (square pixels, even height). */
export function thumbnailArgs(source: string, dest: string): string[] {
  return ffmpegInvocation([
    '-v', 'error',
    '-i', `file:${source}`,
    '-map', '0:v:0',
    '-frames:v', '1',
    '-vf', `scale=${THUMBNAIL_WIDTH}:-2:flags=bilinear,setsar=1`,
    '-c:v', 'mjpeg',
    '-q:v', '6',
    '-f', 'image2',
    '-update', '1',
    '-y', `file:${dest}`,
  ]);
}

/** Make a thumbnail of `source`; written as .partial and renamed, so a kill leaves no half image. */
export async function makeThumbnail(ffmpeg: string, source: string, dest: string, signal: AbortSignal): Promise<void> {
  const partial = `${dest}.partial`;
  try {
    await runProgram(ffmpeg, thumbnailArgs(source, partial), { signal, file: source });
    await rename(partial, dest);
  } finally {
    await rm(partial, { force: true });
  }
}
