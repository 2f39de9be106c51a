import { describe, expect, it } from 'vitest';
import { image2Pattern, type SequenceFile } from './find-sequence.js';

const files = (...names: string[]): SequenceFile[] =>
  names.map((name) => ({ name, path: `/s/${name}`, number: Number(/(\d+)\.\w+$/.exec(name)![1]), size: 1, mtimeMs: 0 }));

describe('image2Pattern', () => {
  it('makes name%0Nd.ext from zero-padded names, doubling % in the prefix', () => {
    expect(image2Pattern('reel 100%_', 'dpx', files('reel 100%_000100.dpx', 'reel 100%_000101.dpx'))).toEqual({ pattern: 'reel 100%%_%06d.dpx', start: 100 });
  });
  it('accepts numbers that outgrow the padding', () => {
    expect(image2Pattern('f', 'dpx', files('f9998.dpx', 'f9999.dpx', 'f10000.dpx'))?.pattern).toBe('f%04d.dpx');
  });
  it('gives up (numbered links instead) when the padding is irregular', () => {
    expect(image2Pattern('f', 'dpx', files('f0009.dpx', 'f010.dpx'))).toBeUndefined();
  });
});
