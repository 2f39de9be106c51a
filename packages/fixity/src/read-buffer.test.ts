import { describe, expect, it } from 'vitest';
import { readBuffer, RING_SHIFT, ringView, sharedRing, SHIFT } from './read-buffer.js';

describe('read buffers', () => {
  it('are the size asked for, starting SHIFT (a ring: RING_SHIFT) bytes into their memory', () => {
    const b = readBuffer(256 * 1024);
    expect(b.length).toBe(256 * 1024);
    expect(b.byteOffset).toBe(SHIFT);
    const ring = ringView(sharedRing(1024 * 1024));
    expect(ring.length).toBe(1024 * 1024);
    expect(ring.byteOffset).toBe(RING_SHIFT);
    expect(ringView(sharedRing(0)).length).toBe(0);
  });
});
