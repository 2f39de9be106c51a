import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Md5Lanes, md5LanesSupported } from './md5-lanes.js';

const md5 = (...parts: Uint8Array[]): string => {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

// Deterministic pseudo-random sizes, so a failure can be reproduced.
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

describe('Md5Lanes', () => {
  it('runs here (WebAssembly SIMD)', () => {
    expect(md5LanesSupported()).toBe(true);
  });

  it('gives the RFC 1321 test-suite digests', () => {
    // Lane 0 is left out, so it hashes nothing; lane 3 gets the 14-byte suite input.
    const lanes = new Md5Lanes();
    lanes.update([undefined, Buffer.from('abcdefghijklmn'), Buffer.from('opqrstuvwxyz01'), Buffer.from('message digest')]);
    expect(lanes.digest(0)).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(lanes.digest(3)).toBe('f96b697d7cb7938d525a2f31aaf161d0');
    const one = new Md5Lanes(1);
    one.update([Buffer.from('abc')]);
    expect(one.digest(0)).toBe('900150983cd24fb0d6963f7d28e17f72');
  });

  it('hashes the empty input in every lane', () => {
    const lanes = new Md5Lanes();
    lanes.update([new Uint8Array(0), new Uint8Array(0), new Uint8Array(0), new Uint8Array(0)]);
    for (let i = 0; i < 4; i++) expect(lanes.digest(i)).toBe(md5(new Uint8Array(0)));
  });

  it.each([1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 1000, 1024 * 1024 + 13])(
    'matches node:crypto on %i random bytes in each of 4 lanes',
    (len) => {
      const data = [0, 1, 2, 3].map(() => randomBytes(len));
      const lanes = new Md5Lanes();
      lanes.update(data);
      for (let i = 0; i < 4; i++) expect(lanes.digest(i)).toBe(md5(data[i]!));
    },
  );

  it('matches node:crypto over many random-size equal-length updates', () => {
    const next = rng(1);
    const data = [0, 1, 2, 3].map(() => randomBytes(3 * 1024 * 1024 + 77));
    const lanes = new Md5Lanes();
    let at = 0;
    while (at < data[0]!.length) {
      const n = Math.min(data[0]!.length - at, next(5) === 0 ? next(200) : next(600_000));
      lanes.update(data.map((d) => d.subarray(at, at + n)));
      at += n;
    }
    for (let i = 0; i < 4; i++) expect(lanes.digest(i)).toBe(md5(data[i]!));
  });

  it('keeps lanes independent when some updates leave lanes out', () => {
    const next = rng(2);
    const fed: Uint8Array[][] = [[], [], [], []];
    const lanes = new Md5Lanes();
    for (let round = 0; round < 300; round++) {
      const n = next(4) === 0 ? next(100_000) : next(300);
      const chunks = [0, 1, 2, 3].map((i) => (next(3) === 0 && i !== round % 4 ? undefined : randomBytes(n)));
      lanes.update(chunks);
      chunks.forEach((c, i) => c && fed[i]!.push(c));
    }
    const totals = fed.map((parts) => parts.reduce((s, p) => s + p.length, 0));
    expect(new Set(totals.map((t) => t % 64)).size).toBeGreaterThan(1);
    for (let i = 0; i < 4; i++) expect(lanes.digest(i)).toBe(md5(...fed[i]!));
  });

  it('lets lanes end at different times while the others go on', () => {
    const a = randomBytes(5000);
    const b = randomBytes(70_000);
    const lanes = new Md5Lanes(2);
    lanes.update([a, b.subarray(0, 5000)]);
    expect(lanes.digest(0)).toBe(md5(a));
    lanes.update([undefined, b.subarray(5000)]);
    expect(lanes.digest(1)).toBe(md5(b));
  });

  it.each([1, 2, 3])('works with %i lanes', (count) => {
    const data = Array.from({ length: count }, () => randomBytes(200_003));
    const lanes = new Md5Lanes(count);
    lanes.update(data.map((d) => d.subarray(0, 100_000)));
    lanes.update(data.map((d) => d.subarray(100_000)));
    for (let i = 0; i < count; i++) expect(lanes.digest(i)).toBe(md5(data[i]!));
    expect(() => lanes.digest(count)).toThrow(RangeError);
  });

  it('rejects chunks of unequal lengths and lanes out of range', () => {
    const lanes = new Md5Lanes(2);
    expect(() => lanes.update([new Uint8Array(3), new Uint8Array(4)])).toThrow(RangeError);
    expect(() => lanes.update([undefined, undefined, new Uint8Array(3)])).toThrow(RangeError);
    expect(() => new Md5Lanes(5)).toThrow(RangeError);
    expect(() => new Md5Lanes(0)).toThrow(RangeError);
    // The rejected update changed nothing.
    lanes.update([Buffer.from('abc'), Buffer.from('abc')]);
    expect(lanes.digest(1)).toBe('900150983cd24fb0d6963f7d28e17f72');
  });

  it('ends a lane at digest', () => {
    const lanes = new Md5Lanes();
    lanes.update([Buffer.from('abc')]);
    expect(lanes.digest(0)).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(() => lanes.digest(0)).toThrow();
    expect(() => lanes.update([Buffer.from('x')])).toThrow();
    lanes.update([undefined, Buffer.from('abc')]);
    expect(lanes.digest(1)).toBe('900150983cd24fb0d6963f7d28e17f72');
  });

  it('starts a lane over at reset, digested or not', () => {
    const a = randomBytes(3000);
    const b = randomBytes(3000);
    const lanes = new Md5Lanes(2);
    lanes.update([a.subarray(0, 1000), b.subarray(0, 1000)]);
    expect(lanes.digest(0)).toBe(md5(a.subarray(0, 1000)));
    lanes.reset(0);
    lanes.reset(1);
    lanes.update([a, b]);
    expect(lanes.digest(0)).toBe(md5(a));
    expect(lanes.digest(1)).toBe(md5(b));
    expect(() => lanes.reset(2)).toThrow(RangeError);
  });

  it('hashes bytes read into its own regions, in place or from anywhere in them', () => {
    const next = rng(7);
    const lanes = new Md5Lanes(4);
    const fed: Buffer[][] = [[], [], [], []];
    // Pieces at the region's start (hashed in place) and at other offsets, of lengths that
    // leave pending bytes before the next piece, with some lanes left out of some updates.
    for (let round = 0; round < 40; round++) {
      const offset = round % 3 === 0 ? 0 : next(2000);
      const length = next(4) === 0 ? 64 * next(100) : next(256 * 1024 - offset);
      const chunks = [0, 1, 2, 3].map((lane) => {
        if (next(5) === 0) return undefined;
        const bytes = randomBytes(length);
        const region = lanes.region(lane);
        region.set(bytes, offset);
        fed[lane]!.push(bytes);
        return region.subarray(offset, offset + length);
      });
      lanes.update(chunks);
    }
    for (let lane = 0; lane < 4; lane++) expect(lanes.digest(lane)).toBe(md5(...fed[lane]!));
  });
});
