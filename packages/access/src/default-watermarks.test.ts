import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { drawCopyrightMark, markBox } from './copyright-mark.js';
import { DEFAULT_WATERMARKS, defaultWatermarkPath, drawDefaultWatermark, type WatermarkAspect } from './default-watermarks.js';
import { decodeOwnPng } from './png.js';

describe('default watermarks', () => {
  it.each(Object.keys(DEFAULT_WATERMARKS) as WatermarkAspect[])('the committed %s image is what the script draws', (aspect) => {
    // Compare pixels, not bytes: deflate output may differ between zlib versions.
    const committed = decodeOwnPng(readFileSync(defaultWatermarkPath(aspect)));
    const drawn = decodeOwnPng(drawDefaultWatermark(aspect));
    expect(committed.width).toBe(DEFAULT_WATERMARKS[aspect].width);
    expect(committed.height).toBe(DEFAULT_WATERMARKS[aspect].height);
    expect(committed.rgba.equals(drawn.rgba)).toBe(true);
  });
});

describe('drawCopyrightMark', () => {
  it('is opaque inside its box in the lower right and transparent elsewhere', () => {
    const w = 400;
    const h = 300;
    const rgba = drawCopyrightMark(w, h);
    const box = markBox(w, h);
    expect(box.x).toBeGreaterThan(0.5);
    expect(box.y).toBeGreaterThan(0.5);
    let inside = 0;
    let outside = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const alpha = rgba[(y * w + x) * 4 + 3]!;
        const inBox = x >= box.x * w && x < (box.x + box.width) * w && y >= box.y * h && y < (box.y + box.height) * h;
        if (inBox) inside += alpha > 0 ? 1 : 0;
        else outside += alpha > 0 ? 1 : 0;
      }
    }
    expect(outside).toBe(0);
    expect(inside).toBeGreaterThan(0.2 * box.width * w * box.height * h);
  });
  it('is the same every time', () => {
    expect(Buffer.from(drawCopyrightMark(64, 48)).equals(Buffer.from(drawCopyrightMark(64, 48)))).toBe(true);
  });
});
