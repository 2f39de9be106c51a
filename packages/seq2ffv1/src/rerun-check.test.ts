import { describe, expect, it } from 'vitest';
import { optionsDifference, sourceDifference } from './rerun-check.js';

const files = [
  { name: 'scan_01.dpx', size: 100, mtimeMs: 1000.5 },
  { name: 'scan_02.dpx', size: 100, mtimeMs: 1001.25 },
];
const options = { engine: 'builtin' as const, context: false, partBytes: null };

describe('sourceDifference', () => {
  it('is undefined for the same folder and the same names, sizes and modification times', () => {
    expect(sourceDifference({ folder: '/s/reel', files }, '/s/reel', [...files])).toBeUndefined();
  });
  it('names the folder the MKV was made from when it is another', () => {
    expect(sourceDifference({ folder: '/day1/reel', files }, '/day2/reel', files)).toBe('it was made from /day1/reel');
  });
  it('names files changed, added and removed', () => {
    const now = [{ ...files[0]!, mtimeMs: 2000 }, { name: 'scan_03.dpx', size: 100, mtimeMs: 3000 }];
    expect(sourceDifference({ folder: '/s/reel', files }, '/s/reel', now)).toBe('/s/reel has changed since: scan_01.dpx changed, scan_03.dpx added, scan_02.dpx removed');
  });
});

describe('optionsDifference', () => {
  it('is undefined for the same options', () => {
    expect(optionsDifference(options, { ...options })).toBeUndefined();
  });
  it('names each differing option as the flag, then and now', () => {
    expect(optionsDifference(options, { engine: 'auto', context: true, partBytes: 4096 })).toBe(
      '--engine builtin then, auto now; --context off then, on now; --part-bytes default then, 4096 now',
    );
  });
});
