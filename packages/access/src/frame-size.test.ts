import { describe, expect, it } from 'vitest';
import { chooseFrameSize, parseRatio } from './frame-size.js';

const size = (width: number, height: number, sar?: string) => {
  const s = chooseFrameSize({ width, height, sampleAspectRatio: sar });
  return `${s.width}x${s.height} ${s.aspect}${s.scale ? ' scaled' : ''}`;
};

describe('chooseFrameSize', () => {
  it('shows PAL SD at square pixels for its display aspect', () => {
    expect(size(720, 576, '16:15')).toBe('768x576 4:3 scaled');
    expect(size(720, 576, '12:11')).toBe('768x576 4:3 scaled');
    expect(size(720, 576, '64:45')).toBe('1024x576 16:9 scaled');
    expect(size(720, 576, '16:11')).toBe('1024x576 16:9 scaled');
    expect(size(704, 576, '12:11')).toBe('768x576 4:3 scaled');
  });
  it('treats SD without an aspect tag (or 1:1) as 4:3', () => {
    expect(size(720, 576)).toBe('768x576 4:3 scaled');
    expect(size(720, 576, '1:1')).toBe('768x576 4:3 scaled');
    expect(size(720, 576, '0:1')).toBe('768x576 4:3 scaled');
  });
  it('handles NTSC SD the same way', () => {
    expect(size(720, 480, '8:9')).toBe('640x480 4:3 scaled');
    expect(size(720, 480, '32:27')).toBe('854x480 16:9 scaled');
  });
  it('widens 1440x1080 to 1920x1080', () => {
    expect(size(1440, 1080, '4:3')).toBe('1920x1080 16:9 scaled');
    expect(size(1440, 1080)).toBe('1920x1080 16:9 scaled');
  });
  it('keeps 1280x720 and 1920x1080 square-pixel frames', () => {
    expect(size(1280, 720, '1:1')).toBe('1280x720 16:9');
    expect(size(1920, 1080)).toBe('1920x1080 16:9');
  });
  it('gives other sizes square pixels and even dimensions instead of refusing them', () => {
    expect(size(640, 480, '1:1')).toBe('640x480 4:3');
    expect(size(321, 241)).toBe('322x242 4:3 scaled');
    expect(size(1920, 1080, '4:3')).toBe('2560x1080 16:9 scaled');
    expect(size(2048, 1556, '1:1')).toBe('2048x1556 4:3');
    expect(size(352, 288, '12:11')).toBe('384x288 4:3 scaled');
  });
});

describe('parseRatio', () => {
  it('reads ffprobe and ffmpeg spellings and rejects unknowns', () => {
    expect(parseRatio('16:15')).toBeCloseTo(16 / 15);
    expect(parseRatio('4/3')).toBeCloseTo(4 / 3);
    expect(parseRatio('0:1')).toBeUndefined();
    expect(parseRatio('N/A')).toBeUndefined();
    expect(parseRatio(undefined)).toBeUndefined();
  });
});
