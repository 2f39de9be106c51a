import { describe, expect, it } from 'vitest';
import { idetArgs, idetWindows } from './detect-interlace.js';

describe('idetWindows', () => {
  it('samples the middle of each third of a long segment', () => {
    const w = idetWindows({ start: 10, duration: 60, limit: true }, 25, 100);
    expect(w.map((x) => x.frames)).toEqual([100, 100, 100]);
    expect(w.map((x) => x.start)).toEqual([18, 38, 58]);
  });
  it('uses the segment from its start when it is short', () => {
    expect(idetWindows({ start: 0, duration: 1, limit: false }, 25, 100)).toEqual([{ start: 0, frames: 25 }]);
    expect(idetWindows({ start: 2, duration: undefined, limit: false }, 25, 100)).toEqual([{ start: 2, frames: 100 }]);
  });
});

describe('idetArgs', () => {
  it('runs idet on the source stream itself, nothing else in the graph', () => {
    expect(idetArgs('/in/-a.avi', 0, { start: 18, frames: 100 })).toEqual([
      '-nostats', '-ss', '18', '-i', '/in/-a.avi', '-map', '0:0', '-vf', 'idet', '-frames:v', '100', '-an', '-f', 'null', '-',
    ]);
  });
});
