import { InputError } from '@avpres/core';
import type { FrameLayout } from './frame-layout.js';

export interface TiffImage {
  layout: FrameLayout;
  /** Where the (contiguous) strips begin: everything before is kept as the header. */
  imageOffset: number;
}

const TAG = {
  width: 256,
  height: 257,
  bitsPerSample: 258,
  compression: 259,
  photometric: 262,
  fillOrder: 266,
  stripOffsets: 273,
  samplesPerPixel: 277,
  stripByteCounts: 279,
  planarConfig: 284,
  predictor: 317,
  extraSamples: 338,
} as const;

function refuse(file: string, field: string, value: string | number, why: string): never {
  throw new InputError(`${file}: unsupported TIFF: ${field} is ${value} (${why})`, { file });
}

/**
 * The layout of a baseline TIFF (one image, uncompressed, chunky RGB 8 or 16 bits, strips
 * stored contiguously in order), read from the whole file's bytes.
 */
export function tiffLayout(bytes: Buffer, file: string): TiffImage {
  const order = bytes.toString('latin1', 0, 2);
  const endian = order === 'II' ? 'little' : order === 'MM' ? 'big' : undefined;
  if (!endian || bytes.length < 8) throw new InputError(`${file}: not a TIFF file (byte order mark ${JSON.stringify(order)})`, { file });
  const u16 = (at: number) => (endian === 'big' ? bytes.readUInt16BE(at) : bytes.readUInt16LE(at));
  const u32 = (at: number) => (endian === 'big' ? bytes.readUInt32BE(at) : bytes.readUInt32LE(at));
  if (u16(2) !== 42) throw new InputError(`${file}: not a TIFF file (version ${u16(2)}, expected 42; BigTIFF is not supported)`, { file });
  const ifd = u32(4);
  if (ifd + 2 > bytes.length) throw new InputError(`${file}: truncated TIFF (its directory at ${ifd} is past the end, ${bytes.length} bytes)`, { file });
  const count = u16(ifd);
  if (ifd + 2 + count * 12 + 4 > bytes.length) throw new InputError(`${file}: truncated TIFF directory`, { file });
  const tags = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const at = ifd + 2 + i * 12;
    const type = u16(at + 2);
    const n = u32(at + 4);
    const size = type === 3 ? 2 : type === 4 ? 4 : 0;
    if (size === 0) continue; // other types carry nothing we decide on
    const valueAt = n * size <= 4 ? at + 8 : u32(at + 8);
    if (valueAt + n * size > bytes.length) throw new InputError(`${file}: truncated TIFF (tag ${u16(at)} points past the end)`, { file });
    const values: number[] = [];
    for (let k = 0; k < n; k++) values.push(size === 2 ? u16(valueAt + k * 2) : u32(valueAt + k * 4));
    tags.set(u16(at), values);
  }
  if (u32(ifd + 2 + count * 12) !== 0) refuse(file, 'next IFD offset', u32(ifd + 2 + count * 12), 'multi-page TIFF is not supported');
  const one = (tag: number, fallback?: number) => tags.get(tag)?.[0] ?? fallback;
  const width = one(TAG.width) ?? 0;
  const height = one(TAG.height) ?? 0;
  const spp = one(TAG.samplesPerPixel, 1)!;
  const bits = tags.get(TAG.bitsPerSample) ?? [1];
  const compression = one(TAG.compression, 1)!;
  if (compression !== 1) refuse(file, 'Compression', compression, 'only 1 = uncompressed is supported');
  const photometric = one(TAG.photometric);
  if (photometric !== 2) refuse(file, 'PhotometricInterpretation', photometric ?? 'absent', 'only 2 = RGB is supported');
  if (spp !== 3 || tags.has(TAG.extraSamples)) refuse(file, 'SamplesPerPixel', spp, 'only 3 (RGB without extra samples) is supported');
  const depth = bits[0]!;
  if (!bits.every((b) => b === depth) || (depth !== 8 && depth !== 16)) refuse(file, 'BitsPerSample', bits.join(','), 'supported: 8,8,8 and 16,16,16');
  if (one(TAG.planarConfig, 1) !== 1) refuse(file, 'PlanarConfiguration', one(TAG.planarConfig)!, 'only 1 = chunky is supported');
  if (one(TAG.predictor, 1) !== 1) refuse(file, 'Predictor', one(TAG.predictor)!, 'only 1 = none is supported');
  if (one(TAG.fillOrder, 1) !== 1) refuse(file, 'FillOrder', one(TAG.fillOrder)!, 'only 1 is supported');
  const offsets = tags.get(TAG.stripOffsets) ?? [];
  const counts = tags.get(TAG.stripByteCounts) ?? [];
  if (offsets.length === 0 || offsets.length !== counts.length) refuse(file, 'StripOffsets/StripByteCounts', `${offsets.length}/${counts.length} entries`, 'they must match');
  for (let i = 1; i < offsets.length; i++) {
    if (offsets[i] !== offsets[i - 1]! + counts[i - 1]!) refuse(file, `StripOffsets[${i}]`, offsets[i]!, 'strips must follow one another');
  }
  const lineStride = width * 3 * (depth / 8);
  const imageBytes = lineStride * height;
  const stored = counts.reduce((a, b) => a + b, 0);
  if (stored !== imageBytes) refuse(file, 'StripByteCounts (sum)', stored, `expected ${imageBytes} for ${width}x${height}`);
  const imageOffset = offsets[0]!;
  if (imageOffset + imageBytes > bytes.length) {
    throw new InputError(`${file}: truncated TIFF: ${bytes.length} bytes, the image data needs ${imageOffset + imageBytes}`, { file });
  }
  const be = endian === 'big' ? 'be' : 'le';
  const layout: FrameLayout = {
    key: `tiff-rgb-${depth}-${be}`,
    label: `TIFF RGB ${depth}-bit uncompressed ${endian}-endian`,
    container: 'tiff',
    width,
    height,
    endian,
    pack: depth === 8 ? 'u8' : 'u16',
    bits: depth,
    source: depth === 8 ? [2, 1, 0] : [2, 0, 1],
    rawPixelBytes: depth === 8 ? 4 : 0,
    pixFmt: depth === 8 ? 'bgr0' : 'gbrp16le',
    rawFrameBytes: width * height * (depth === 8 ? 4 : 6),
    lineStride,
    imageBytes,
    flip: { horizontal: false, vertical: false },
  };
  return { layout, imageOffset };
}
