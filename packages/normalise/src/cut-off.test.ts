import { describe, expect, it } from 'vitest';
import type { Framehash } from '@avpres/fixity';
import { cutOff } from './cut-off.js';

/** A framemd5 of `count` video frames, `step` ticks apart, in time base 1/`den`. */
function video(count: number, den: number, step = 1): Framehash {
  const frames = Array.from({ length: count }, (_, i) => ({ stream: 0, dts: i * step, pts: i * step, duration: step, size: 1, hash: 'x' }));
  return { hashName: 'MD5', streams: new Map([[0, { index: 0, timeBase: `1/${den}`, other: {} }]]), frames };
}

describe('cutOff', () => {
  it('finds a capture that decodes to half its declared length', () => {
    expect(cutOff(video(31, 30000, 1001), 0, 2.002)).toEqual({ covered: (31 * 1001) / 30000, declared: 2.002 });
  });
  it('passes a whole capture, and one a frame short of its declared length', () => {
    expect(cutOff(video(60, 30000, 1001), 0, 2.002)).toBeUndefined();
    expect(cutOff(video(49, 25), 0, 2)).toBeUndefined();
  });
  it('passes an AVI whose index holds empty placeholder entries: 10 pictures at 1/50, every other tick', () => {
    expect(cutOff(video(10, 50, 2), 0, 0.4)).toBeUndefined();
  });
  it('says nothing without a declared duration, a time base or frames', () => {
    expect(cutOff(video(10, 25), 0, undefined)).toBeUndefined();
    expect(cutOff(video(0, 25), 0, 2)).toBeUndefined();
    expect(cutOff({ ...video(10, 25), streams: new Map() }, 0, 2)).toBeUndefined();
  });
});
