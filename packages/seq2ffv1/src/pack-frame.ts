import type { FrameLayout } from './frame-layout.js';

/**
 * Writes one decoded raw frame (in layout.pixFmt) back as the file's image data: samples
 * in file order and endianness, padding bits and line-end alignment left at zero (the
 * reversibility data restores any that were not). `out` must hold layout.imageBytes.
 */
export function packFrame(layout: FrameLayout, raw: Buffer, out: Buffer): void {
  if (raw.length < layout.rawFrameBytes) throw new Error(`raw frame has ${raw.length} bytes, expected ${layout.rawFrameBytes}`);
  if (layout.pack === 'u8') {
    out.fill(0, 0, layout.imageBytes);
    packU8(layout, raw, out);
  } else if (layout.pack === 'u16') {
    out.fill(0, 0, layout.imageBytes);
    packU16(layout, raw, out);
  } else if (layout.source.length === 3 && out.byteOffset % 4 === 0) {
    packRgb10(layout, raw, out); // writes every byte: no fill needed
  } else {
    out.fill(0, 0, layout.imageBytes);
    pack10in32(layout, raw, out);
  }
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** 10-bit RGB: one 32-bit word a pixel, stored with one typed-array write (the hot path for 2K/4K scans). */
function packRgb10(layout: FrameLayout, raw: Buffer, out: Buffer): void {
  const { width, height, lineStride } = layout;
  const plane = planes(layout, raw);
  const [r, g, b] = layout.source.map((s) => plane[s]!) as [Uint16Array, Uint16Array, Uint16Array];
  const words = new Uint32Array(out.buffer, out.byteOffset, layout.imageBytes >> 2);
  const swap = (layout.endian === 'big') === LITTLE_ENDIAN_HOST;
  const stride = lineStride >> 2;
  for (let y = 0; y < height; y++) {
    let o = y * stride;
    const row = y * width;
    const end = row + width;
    if (swap) {
      for (let x = row; x < end; x++) {
        const w = (r[x]! << 22) | (g[x]! << 12) | (b[x]! << 2);
        words[o++] = ((w & 0xff) << 24) | ((w & 0xff00) << 8) | ((w >>> 8) & 0xff00) | (w >>> 24);
      }
    } else {
      for (let x = row; x < end; x++) words[o++] = (r[x]! << 22) | (g[x]! << 12) | (b[x]! << 2);
    }
  }
}

function packU8({ width, height, source, rawPixelBytes, lineStride }: FrameLayout, raw: Buffer, out: Buffer): void {
  const n = source.length;
  for (let y = 0; y < height; y++) {
    let o = y * lineStride;
    let r = y * width * rawPixelBytes;
    for (let x = 0; x < width; x++, r += rawPixelBytes) {
      for (let c = 0; c < n; c++) out[o++] = raw[r + source[c]!]!;
    }
  }
}

/** Planar 16-bit LE planes as Uint16Array views (copied when the buffer is misaligned). */
function planes(layout: FrameLayout, raw: Buffer): Uint16Array[] {
  const planeSamples = layout.width * layout.height;
  const aligned = raw.byteOffset % 2 === 0 ? raw : Buffer.from(raw);
  const count = Math.max(...layout.source) + 1;
  const result: Uint16Array[] = [];
  for (let p = 0; p < count; p++) result.push(new Uint16Array(aligned.buffer, aligned.byteOffset + p * planeSamples * 2, planeSamples));
  return result;
}

function packU16(layout: FrameLayout, raw: Buffer, out: Buffer): void {
  const { width, height, lineStride, source, bits } = layout;
  const shift = 16 - bits;
  const plane = planes(layout, raw);
  const from = source.map((s) => plane[s]!);
  const n = from.length;
  const big = layout.endian === 'big';
  if (out.byteOffset % 2 === 0) {
    const words = new Uint16Array(out.buffer, out.byteOffset, layout.imageBytes >> 1);
    const swap = big === LITTLE_ENDIAN_HOST;
    for (let y = 0; y < height; y++) {
      let o = (y * lineStride) >> 1;
      const row = y * width;
      for (let x = row, end = row + width; x < end; x++) {
        for (let c = 0; c < n; c++) {
          const v = (from[c]![x]! << shift) & 0xffff;
          words[o++] = swap ? ((v & 0xff) << 8) | (v >> 8) : v;
        }
      }
    }
    return;
  }
  for (let y = 0; y < height; y++) {
    let o = y * lineStride;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < n; c++) {
        const v = (from[c]![row + x]! << shift) & 0xffff;
        if (big) {
          out[o] = v >> 8;
          out[o + 1] = v & 0xff;
        } else {
          out[o] = v & 0xff;
          out[o + 1] = v >> 8;
        }
        o += 2;
      }
    }
  }
}

function pack10in32(layout: FrameLayout, raw: Buffer, out: Buffer): void {
  const { width, height, lineStride, source } = layout;
  const plane = planes(layout, raw);
  const from = source.map((s) => plane[s]!);
  const n = from.length;
  const big = layout.endian === 'big';
  const put = (o: number, w: number) => {
    if (big) {
      out[o] = w >>> 24;
      out[o + 1] = (w >>> 16) & 0xff;
      out[o + 2] = (w >>> 8) & 0xff;
      out[o + 3] = w & 0xff;
    } else {
      out[o] = w & 0xff;
      out[o + 1] = (w >>> 8) & 0xff;
      out[o + 2] = (w >>> 16) & 0xff;
      out[o + 3] = w >>> 24;
    }
  };
  if (n === 3) {
    // One pixel, one word: the common case (RGB), kept tight.
    const [r, g, b] = from as [Uint16Array, Uint16Array, Uint16Array];
    for (let y = 0; y < height; y++) {
      let o = y * lineStride;
      const row = y * width;
      for (let x = row, end = row + width; x < end; x++, o += 4) put(o, ((r[x]! << 22) | (g[x]! << 12) | (b[x]! << 2)) >>> 0);
    }
    return;
  }
  for (let y = 0; y < height; y++) {
    let o = y * lineStride;
    const row = y * width;
    let word = 0;
    let slot = 0;
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < n; c++) {
        word = (word | ((from[c]![row + x]! & 0x3ff) << (22 - 10 * slot))) >>> 0;
        if (++slot === 3) {
          put(o, word);
          o += 4;
          word = 0;
          slot = 0;
        }
      }
    }
    if (slot > 0) put(o, word); // a line starts a fresh word
  }
}

/**
 * For one line of image data: the byte positions holding bits the decode drops (padding
 * bits, unused samples of a last word, line-end alignment) and, per position, the mask of
 * those bits.
 */
export function paddingPositions(layout: FrameLayout): { at: Uint32Array; mask: Uint8Array } {
  const dataMask = new Uint8Array(layout.lineStride); // 1-bits where samples live
  const n = layout.source.length;
  const samples = layout.width * n;
  const big = layout.endian === 'big';
  if (layout.pack === 'u8') {
    dataMask.fill(0xff, 0, samples);
  } else if (layout.pack === 'u16') {
    const word = (0xffff << (16 - layout.bits)) & 0xffff;
    for (let i = 0; i < samples; i++) {
      dataMask[2 * i] = big ? word >> 8 : word & 0xff;
      dataMask[2 * i + 1] = big ? word & 0xff : word >> 8;
    }
  } else {
    for (let w = 0; w * 3 < samples; w++) {
      const used = Math.min(3, samples - 3 * w);
      let word = 0;
      for (let s = 0; s < used; s++) word |= 0x3ff << (22 - 10 * s);
      word >>>= 0;
      const bytes = [word >>> 24, (word >>> 16) & 0xff, (word >>> 8) & 0xff, word & 0xff];
      for (let k = 0; k < 4; k++) dataMask[4 * w + k] = big ? bytes[k]! : bytes[3 - k]!;
    }
  }
  const at: number[] = [];
  const mask: number[] = [];
  for (let i = 0; i < dataMask.length; i++) {
    if (dataMask[i] !== 0xff) {
      at.push(i);
      mask.push(~dataMask[i]! & 0xff);
    }
  }
  return { at: Uint32Array.from(at), mask: Uint8Array.from(mask) };
}

/** Non-zero dropped bits of one file's image data, as (offset, byte) pairs; empty when all are zero. */
export interface PaddingBits {
  offsets: number[];
  values: number[];
}

export function extractPadding(
  layout: FrameLayout,
  positions: { at: Uint32Array; mask: Uint8Array },
  image: Uint8Array,
): PaddingBits {
  const offsets: number[] = [];
  const values: number[] = [];
  const { at, mask } = positions;
  const count = at.length;
  if (count === 0) return { offsets, values };
  // Fast test a line at a time with 32-bit words (nearly every scan has zero padding), then
  // byte by byte only in lines that hold some non-zero bits.
  const wordMask = layout.lineStride % 4 === 0 && image.byteOffset % 4 === 0 ? lineWordMask(layout.lineStride, positions) : undefined;
  const words = wordMask ? new Uint32Array(image.buffer, image.byteOffset, (layout.lineStride * layout.height) >> 2) : undefined;
  for (let y = 0, base = 0; y < layout.height; y++, base += layout.lineStride) {
    if (wordMask && words) {
      let any = 0;
      for (let i = 0, w = base >> 2; i < wordMask.length; i++, w++) any |= words[w]! & wordMask[i]!;
      if (any === 0) continue;
    }
    for (let i = 0; i < count; i++) {
      const v = image[base + at[i]!]! & mask[i]!;
      if (v !== 0) {
        offsets.push(base + at[i]!);
        values.push(v);
      }
    }
  }
  return { offsets, values };
}

/** The padding masks of one line as native 32-bit words (byte order of this machine). */
function lineWordMask(lineStride: number, positions: { at: Uint32Array; mask: Uint8Array }): Uint32Array {
  const bytes = new Uint8Array(lineStride);
  for (let i = 0; i < positions.at.length; i++) bytes[positions.at[i]!] = positions.mask[i]!;
  return new Uint32Array(bytes.buffer);
}

/** Puts dropped bits back into image data packed by packFrame. */
export function restorePadding(image: Uint8Array, padding: PaddingBits): void {
  for (let i = 0; i < padding.offsets.length; i++) {
    const at = padding.offsets[i]!;
    image[at] = image[at]! | padding.values[i]!;
  }
}
