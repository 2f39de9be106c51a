import { describe, expect, it } from 'vitest';
import { readDpxHeader } from './dpx-header.js';
import { dpxLayout, type FrameLayout } from './frame-layout.js';
import { extractPadding, packFrame, paddingPositions, restorePadding } from './pack-frame.js';

/** A minimal DPX header: only the fields the reader decides on. */
function header({ big = true, descriptor = 50, bits = 10, packing = 1, width = 2, height = 1, orientation = 0 } = {}): Buffer {
  const b = Buffer.alloc(2048, 0xff);
  const u32 = (at: number, v: number) => (big ? b.writeUInt32BE(v, at) : b.writeUInt32LE(v, at));
  const u16 = (at: number, v: number) => (big ? b.writeUInt16BE(v, at) : b.writeUInt16LE(v, at));
  b.write(big ? 'SDPX' : 'XPDS', 0, 'latin1');
  u32(4, 2048);
  u16(768, orientation);
  u16(770, 1);
  u32(772, width);
  u32(776, height);
  u32(780, 0);
  b[800] = descriptor;
  b[803] = bits;
  u16(804, packing);
  u16(806, 0);
  u32(808, 2048);
  u32(812, 0);
  return b;
}

const layoutOf = (opts: Parameters<typeof header>[0], size = 1 << 20): FrameLayout => dpxLayout(readDpxHeader(header(opts), 'f.dpx'), size, 'f.dpx');

describe('dpxLayout', () => {
  it('names the header field of a flavour it refuses', () => {
    expect(() => layoutOf({ packing: 2 })).toThrow(/packing \(image element 1\) is 2/);
    expect(() => layoutOf({ bits: 32 })).toThrow(/bit depth \(image element 1\) is 32/);
    expect(() => layoutOf({ descriptor: 100, bits: 8 })).toThrow(/descriptor \(image element 1\) is 100/);
    expect(() => layoutOf({ orientation: 5 })).toThrow(/orientation is 5/);
    expect(() => layoutOf({}, 2050)).toThrow(/truncated DPX/);
  });
  it('maps bottom-to-top orientation to a vertical flip', () => {
    expect(layoutOf({ orientation: 2 }).flip).toEqual({ horizontal: false, vertical: true });
  });
});

describe('packFrame and padding bits', () => {
  it('packs 10-bit RGB as one word a pixel, R in the top bits, in the file endianness', () => {
    const layout = layoutOf({ width: 1 });
    const raw = Buffer.alloc(6);
    raw.writeUInt16LE(0x155, 0); // G
    raw.writeUInt16LE(0x2aa, 2); // B
    raw.writeUInt16LE(0x3ff, 4); // R
    const out = Buffer.alloc(layout.imageBytes);
    packFrame(layout, raw, out);
    expect(out.readUInt32BE(0)).toBe(((0x3ff << 22) | (0x155 << 12) | (0x2aa << 2)) >>> 0);
    const le = layoutOf({ width: 1, big: false });
    packFrame(le, raw, out);
    expect(out.readUInt32LE(0)).toBe(((0x3ff << 22) | (0x155 << 12) | (0x2aa << 2)) >>> 0);
  });

  it('finds non-zero padding bits and unused samples of a line-end word, and puts them back', () => {
    const layout = layoutOf({ descriptor: 6, bits: 8, width: 3, height: 2 }); // 3 bytes of data, 1 byte of line alignment
    expect(layout.lineStride).toBe(4);
    const image = Buffer.from([1, 2, 3, 0, 4, 5, 6, 0x7e]);
    const positions = paddingPositions(layout);
    const padding = extractPadding(layout, positions, image);
    expect(padding).toEqual({ offsets: [7], values: [0x7e] });
    const rebuilt = Buffer.alloc(8);
    packFrame(layout, Buffer.from([1, 2, 3, 4, 5, 6]), rebuilt);
    restorePadding(rebuilt, padding);
    expect(rebuilt).toEqual(image);
  });

  it('masks the low 2 bits of each 10-bit word and the 4 low bits of 12-bit samples', () => {
    const ten = paddingPositions(layoutOf({ width: 2 }));
    expect([...ten.at]).toEqual([3, 7]);
    expect([...ten.mask]).toEqual([3, 3]);
    const twelveLe = paddingPositions(layoutOf({ width: 1, bits: 12, big: false }));
    expect([...twelveLe.at]).toEqual([0, 2, 4, 6, 7]); // 3 samples, then 2 bytes of line alignment
    expect([...twelveLe.mask]).toEqual([0x0f, 0x0f, 0x0f, 0xff, 0xff]);
  });
});
