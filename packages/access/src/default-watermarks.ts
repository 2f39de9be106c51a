import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { drawCopyrightMark } from './copyright-mark.js';
import { encodePng } from './png.js';

export type WatermarkAspect = '4:3' | '16:9';

/** The default images, one per aspect, drawn at the largest size they are shown at. */
export const DEFAULT_WATERMARKS: Readonly<Record<WatermarkAspect, { file: string; width: number; height: number }>> = {
  '4:3': { file: 'copyright-4x3.png', width: 1024, height: 768 },
  '16:9': { file: 'copyright-16x9.png', width: 1920, height: 1080 },
};

/** The repository's watermarks/ folder (from packages/access/dist/). */
export function watermarksDir(): string {
  return fileURLToPath(new URL('../../../watermarks/', import.meta.url));
}

export function defaultWatermarkPath(aspect: WatermarkAspect): string {
  return join(watermarksDir(), DEFAULT_WATERMARKS[aspect].file);
}

/** The PNG bytes of a default watermark; watermarks/draw-watermarks.mjs writes them. */
export function drawDefaultWatermark(aspect: WatermarkAspect): Buffer {
  const { width, height } = DEFAULT_WATERMARKS[aspect];
  return encodePng(width, height, drawCopyrightMark(width, height));
}
