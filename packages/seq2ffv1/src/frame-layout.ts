import { InputError } from '@avpres/core';
import type { DpxHeader } from './dpx-header.js';

/**
 * How the image data of one file maps to the pixels ffmpeg decodes, which is what lets
 * seq2ffv1 rebuild the file from the FFV1 frames. One layout per supported flavour.
 */
export type PackKind =
  /** 8-bit samples, one byte each; raw frame is packed (bgr0/bgra/gray). */
  | 'u8'
  /** 16-bit words holding `bits` significant bits at the top (12-bit filled method A, 16-bit); raw frame is planar 16-bit LE. */
  | 'u16'
  /** 10-bit samples, three per 32-bit word from bit 31 down (filled method A); raw frame is planar 16-bit LE. */
  | '10in32';

export interface FrameLayout {
  /** Stable id recorded in the reversibility data, e.g. "dpx-rgb-10-a-be". */
  key: string;
  /** For people: "DPX RGB 10-bit filled (method A) big-endian". */
  label: string;
  container: 'dpx' | 'tiff';
  width: number;
  height: number;
  endian: 'big' | 'little';
  pack: PackKind;
  /** Significant bits per sample. */
  bits: number;
  /**
   * For each sample of a pixel in file order, where it comes from in the raw frame: a byte
   * index within the pixel (u8, packed raw) or a plane index (planar raw).
   */
  source: readonly number[];
  /** Bytes per pixel of the raw frame (u8 only). */
  rawPixelBytes: number;
  /** The pix_fmt FFV1 stores and the check decodes to: no conversion on the way back. */
  pixFmt: string;
  /** Bytes of one raw frame in pixFmt. */
  rawFrameBytes: number;
  /** Bytes per line in the file (data plus line-end alignment). */
  lineStride: number;
  /** Bytes of image data per file. */
  imageBytes: number;
  /** Orientation other than top-to-bottom, left-to-right: undone with ffmpeg filters. */
  flip: { horizontal: boolean; vertical: boolean };
}

const DESCRIPTORS: Record<number, { name: string; samples: number }> = {
  6: { name: 'Y (luma)', samples: 1 },
  50: { name: 'RGB', samples: 3 },
  51: { name: 'RGBA', samples: 4 },
  52: { name: 'ABGR', samples: 4 },
};

const ORIENTATIONS: Record<number, { horizontal: boolean; vertical: boolean }> = {
  0: { horizontal: false, vertical: false },
  1: { horizontal: true, vertical: false },
  2: { horizontal: false, vertical: true },
  3: { horizontal: true, vertical: true },
};

/** What the header says, by the field's name, for an error message. */
function refuse(file: string, field: string, value: string | number, why: string): never {
  throw new InputError(`${file}: unsupported DPX: ${field} is ${value} (${why})`, { file });
}

/**
 * The layout of a DPX file, or an InputError naming the header field that makes it a
 * flavour we cannot give back exactly. `fileSize` decides line alignment the way ffmpeg's
 * decoder does (aligned to 32 bits when the file holds enough bytes for it).
 */
export function dpxLayout(h: DpxHeader, fileSize: number, file: string): FrameLayout {
  const el = h.element;
  if (h.encryptionKey !== 0xffffffff && h.encryptionKey !== 0) refuse(file, 'encryption key', `0x${h.encryptionKey.toString(16)}`, 'encrypted');
  if (h.elementCount !== 1) refuse(file, 'number of image elements', h.elementCount, 'only single-element images are supported');
  if (el.encoding !== 0) refuse(file, 'encoding (image element 1)', el.encoding, 'run-length encoded data is not supported; 0 = none');
  if (el.dataSign !== 0) refuse(file, 'data sign (image element 1)', el.dataSign, 'signed samples are not supported');
  const desc = DESCRIPTORS[el.descriptor];
  if (!desc) refuse(file, 'descriptor (image element 1)', el.descriptor, 'supported: 6 Y, 50 RGB, 51 RGBA, 52 ABGR');
  const flip = ORIENTATIONS[h.orientation];
  if (!flip) refuse(file, 'orientation', h.orientation, 'supported: 0-3 (no transposed images)');
  if (el.dataOffset !== h.imageOffset && el.dataOffset !== 0xffffffff && el.dataOffset !== 0) {
    refuse(file, 'data offset (image element 1)', el.dataOffset, `differs from the image data offset ${h.imageOffset}`);
  }
  if (el.eolPadding !== 0 && el.eolPadding !== 0xffffffff) refuse(file, 'end-of-line padding (image element 1)', el.eolPadding, 'only 0 is supported');
  if (h.width === 0 || h.height === 0 || h.width > 65535 || h.height > 65535) refuse(file, 'pixels per line x lines per element', `${h.width}x${h.height}`, 'not a usable frame size');
  if (h.imageOffset < 1664) refuse(file, 'image data offset', h.imageOffset, 'inside the standard headers');

  const { width, height } = h;
  const n = desc.samples;
  const be = h.endian === 'big' ? 'be' : 'le';
  const name = desc.name;
  const endianWord = h.endian === 'big' ? 'big-endian' : 'little-endian';
  const source8 = el.descriptor === 50 ? [2, 1, 0] : el.descriptor === 51 ? [2, 1, 0, 3] : el.descriptor === 52 ? [3, 0, 1, 2] : [0];
  // Planar raw frames are G, B, R[, A] (gbrp*) or one plane (gray*).
  const sourcePlanar = el.descriptor === 50 ? [2, 0, 1] : el.descriptor === 51 ? [2, 0, 1, 3] : [0];
  const kind = (k: string) => `dpx-${name === 'Y (luma)' ? 'y' : name.toLowerCase()}-${k}-${be}`;
  const withStride = (dataBytes: number) => {
    // ffmpeg aligns lines to 32 bits only when the file is long enough to hold it.
    const aligned = Math.ceil(dataBytes / 4) * 4;
    return h.imageOffset + aligned * height <= fileSize ? aligned : dataBytes;
  };

  let layout: Omit<FrameLayout, 'imageBytes' | 'flip' | 'container' | 'width' | 'height' | 'endian'>;
  switch (el.bitDepth) {
    case 8: {
      const pixFmt = n === 1 ? 'gray' : n === 3 ? 'bgr0' : 'bgra';
      layout = {
        key: kind('8'),
        label: `DPX ${name} 8-bit ${endianWord}`,
        pack: 'u8',
        bits: 8,
        source: source8,
        rawPixelBytes: n === 1 ? 1 : 4,
        pixFmt,
        rawFrameBytes: width * height * (n === 1 ? 1 : 4),
        lineStride: withStride(width * n),
      };
      break;
    }
    case 10: {
      if (el.packing !== 1) refuse(file, 'packing (image element 1)', el.packing, '10-bit needs 1 = filled to 32-bit words, method A');
      if (el.descriptor === 6 || el.descriptor === 52) refuse(file, 'descriptor (image element 1)', el.descriptor, `10-bit ${name} is not decoded by ffmpeg`);
      layout = {
        key: kind('10a'),
        label: `DPX ${name} 10-bit filled (method A) ${endianWord}`,
        pack: '10in32',
        bits: 10,
        source: sourcePlanar,
        rawPixelBytes: 0,
        pixFmt: n === 3 ? 'gbrp10le' : 'gbrap10le',
        rawFrameBytes: width * height * n * 2,
        lineStride: Math.ceil((width * n) / 3) * 4,
      };
      break;
    }
    case 12: {
      if (el.packing !== 1) refuse(file, 'packing (image element 1)', el.packing, '12-bit needs 1 = filled to 16-bit words, method A');
      if (el.descriptor === 6 || el.descriptor === 52) refuse(file, 'descriptor (image element 1)', el.descriptor, `12-bit ${name} is not decoded by ffmpeg`);
      layout = {
        key: kind('12a'),
        label: `DPX ${name} 12-bit filled (method A) ${endianWord}`,
        pack: 'u16',
        bits: 12,
        source: sourcePlanar,
        rawPixelBytes: 0,
        pixFmt: n === 3 ? 'gbrp12le' : 'gbrap12le',
        rawFrameBytes: width * height * n * 2,
        lineStride: withStride(width * n * 2),
      };
      break;
    }
    case 16: {
      if (el.descriptor === 52) refuse(file, 'descriptor (image element 1)', el.descriptor, '16-bit ABGR is not decoded by ffmpeg');
      layout = {
        key: kind('16'),
        label: `DPX ${name} 16-bit ${endianWord}`,
        pack: 'u16',
        bits: 16,
        source: sourcePlanar,
        rawPixelBytes: 0,
        pixFmt: n === 1 ? 'gray16le' : n === 3 ? 'gbrp16le' : 'gbrap16le',
        rawFrameBytes: width * height * n * 2,
        lineStride: withStride(width * n * 2),
      };
      break;
    }
    default:
      refuse(file, 'bit depth (image element 1)', el.bitDepth, 'supported: 8, 10, 12, 16');
  }
  const imageBytes = layout.lineStride * height;
  if (h.imageOffset + imageBytes > fileSize) {
    throw new InputError(
      `${file}: truncated DPX: ${fileSize} bytes, but the image data needs ${h.imageOffset + imageBytes} (offset ${h.imageOffset} + ${imageBytes})`,
      { file },
    );
  }
  return { ...layout, container: 'dpx', width, height, endian: h.endian, imageBytes, flip };
}
