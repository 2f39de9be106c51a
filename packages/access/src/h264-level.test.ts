import { describe, expect, it } from 'vitest';
import { chooseH264Level } from './h264-level.js';

describe('chooseH264Level', () => {
  it('picks the smallest level that holds the picture', () => {
    expect(chooseH264Level(768, 576, 25).level).toBe('3.1'); // 1728 MBs > 1620 (level 3)
    expect(chooseH264Level(640, 480, 30000 / 1001).level).toBe('3');
    expect(chooseH264Level(1024, 576, 25).level).toBe('3.1');
    expect(chooseH264Level(1280, 720, 25).level).toBe('3.1');
    expect(chooseH264Level(1280, 720, 50).level).toBe('3.2');
    expect(chooseH264Level(1920, 1080, 25).level).toBe('4'); // 8160 MBs, 204000 MB/s
    expect(chooseH264Level(1920, 1080, 50).level).toBe('4.2');
    expect(chooseH264Level(4096, 2160, 25).level).toBe('5.1');
  });
  it('gives the High profile rate limits of that level', () => {
    expect(chooseH264Level(768, 576, 25)).toEqual({ level: '3.1', maxrateKbps: 17_500, bufsizeKbit: 17_500 });
    expect(chooseH264Level(1920, 1080, 25)).toEqual({ level: '4', maxrateKbps: 25_000, bufsizeKbit: 31_250 });
  });
  it('respects the per-dimension limit, not only the area', () => {
    // 2880x224: 180x14 MBs = 2520 fits level 3.1's 3600, but 180 > sqrt(8*3600) = 169.7.
    expect(chooseH264Level(2880, 224, 25).level).toBe('3.2');
  });
  it('refuses what no level holds', () => {
    expect(() => chooseH264Level(8192, 8192, 60)).toThrow(/exceeds H.264 level 5.2/);
  });
});
