import { describe, expect, it } from 'vitest';
import { crc32, decodeOwnPng, encodePng } from './png.js';

describe('encodePng', () => {
  it('writes a PNG whose pixels read back', () => {
    const rgba = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 10, 20, 30, 40, 1, 2, 3, 4, 5, 6, 7, 8]);
    const png = encodePng(3, 2, rgba);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    const back = decodeOwnPng(png);
    expect(back.width).toBe(3);
    expect(back.height).toBe(2);
    expect([...back.rgba]).toEqual([...rgba]);
  });
  it('refuses a buffer of the wrong size', () => {
    expect(() => encodePng(2, 2, new Uint8Array(15))).toThrow(/expected 16 bytes/);
  });
});

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.from('IEND'))).toBe(0xae426082);
  });
});
