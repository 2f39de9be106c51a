import { describe, expect, it } from 'vitest';
import { CopyComparison, firstDifference, isCheckMethod } from './compare-copy.js';

const bytes = (...values: number[]) => Uint8Array.from(values);

describe('firstDifference', () => {
  it('finds the first differing byte over the shorter length, or -1', () => {
    expect(firstDifference(bytes(1, 2, 3), bytes(1, 2, 3))).toBe(-1);
    expect(firstDifference(bytes(1, 2, 3), bytes(1, 9, 3))).toBe(1);
    expect(firstDifference(bytes(1, 2, 3), bytes(1, 2, 4))).toBe(2);
    expect(firstDifference(bytes(7), bytes(8))).toBe(0);
    // Only the common length is compared: a shorter side is the caller's to judge.
    expect(firstDifference(bytes(1, 2, 3), bytes(1, 2))).toBe(-1);
    expect(firstDifference(bytes(), bytes())).toBe(-1);
    const big = new Uint8Array(1 << 20).fill(5);
    const other = big.slice();
    other[(1 << 20) - 1] = 6;
    expect(firstDifference(big, other)).toBe((1 << 20) - 1);
  });
});

describe('CopyComparison', () => {
  it('gives the digest of record only when every byte and the size matched', () => {
    const c = new CopyComparison();
    c.piece(bytes(1, 2), bytes(1, 2), 0, 2);
    c.piece(bytes(3, 4), bytes(3, 4, 99), 2, 2);
    expect(c.differs).toBe(false);
    expect(c.result('d', 4, 4)).toEqual({ digest: 'd', size: 4 });
  });

  it('names the offset of the first difference in the file, and keeps the first one', () => {
    const c = new CopyComparison();
    c.piece(bytes(1, 2), bytes(1, 2), 0, 2);
    c.piece(bytes(3, 4), bytes(3, 5), 2, 2);
    c.piece(bytes(5, 6), bytes(0, 0), 4, 2);
    expect(c.differs).toBe(true);
    expect(c.result('d', 6, 6)).toEqual({ digest: '', size: 6, firstDifference: 3 });
  });

  it('counts a copy that gave back fewer bytes, or has more or fewer in all, as different', () => {
    const short = new CopyComparison();
    short.piece(bytes(1, 2, 3), bytes(1, 2, 0), 10, 2);
    expect(short.result('d', 13, 12)).toEqual({ digest: '', size: 12, firstDifference: 12 });
    const longer = new CopyComparison();
    longer.piece(bytes(1, 2), bytes(1, 2), 0, 2);
    expect(longer.result('d', 2, 5)).toEqual({ digest: '', size: 5, firstDifference: 2 });
    const shorter = new CopyComparison();
    expect(shorter.result('d', 4, 1)).toEqual({ digest: '', size: 1, firstDifference: 1 });
  });
});

it('isCheckMethod knows bytes and the hash algorithms', () => {
  for (const m of ['bytes', 'md5', 'sha256', 'sha512', 'xxh128']) expect(isCheckMethod(m)).toBe(true);
  for (const m of ['byte', 'MD5', '', undefined]) expect(isCheckMethod(m)).toBe(false);
});
