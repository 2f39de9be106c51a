import { InputError } from '@avpres/core';

/** Bytes a DPX file needs before its industry headers can be read (generic + image + orientation). */
export const DPX_MIN_HEADER = 1664;
/** How many bytes of a file the header readers look at (the standard headers end at 2048). */
export const HEADER_PROBE_BYTES = 2048;

/** The first image element of a DPX file (SMPTE 268M image header, 72 bytes each). */
export interface DpxElement {
  dataSign: number;
  descriptor: number;
  transfer: number;
  colorimetric: number;
  bitDepth: number;
  packing: number;
  encoding: number;
  dataOffset: number;
  eolPadding: number;
  eoiPadding: number;
}

/** The DPX header fields seq2ffv1 decides on. */
export interface DpxHeader {
  endian: 'big' | 'little';
  imageOffset: number;
  version: string;
  /** The file size the header claims. */
  declaredSize: number;
  userDataLength: number;
  encryptionKey: number;
  orientation: number;
  elementCount: number;
  width: number;
  height: number;
  element: DpxElement;
  /** Film header frame rate (offset 1724), undefined when unset. */
  filmFrameRate: number | undefined;
  /** Television header frame rate (offset 1940), undefined when unset. */
  tvFrameRate: number | undefined;
}

const UNSET32 = 0xffffffff;

/**
 * Reads the generic, image and industry headers of a DPX file from its first bytes
 * (field offsets from SMPTE 268M). Throws InputError when the bytes are not DPX.
 */
export function readDpxHeader(bytes: Buffer, file: string): DpxHeader {
  if (bytes.length < 4) throw new InputError(`${file}: not a DPX file (${bytes.length} bytes)`, { file });
  const magic = bytes.toString('latin1', 0, 4);
  const endian = magic === 'SDPX' ? 'big' : magic === 'XPDS' ? 'little' : undefined;
  if (!endian) throw new InputError(`${file}: not a DPX file (magic number ${JSON.stringify(magic)}, expected "SDPX" or "XPDS")`, { file });
  if (bytes.length < DPX_MIN_HEADER) {
    throw new InputError(`${file}: truncated DPX header (${bytes.length} bytes, the headers need ${DPX_MIN_HEADER})`, { file });
  }
  const u32 = (at: number) => (endian === 'big' ? bytes.readUInt32BE(at) : bytes.readUInt32LE(at));
  const u16 = (at: number) => (endian === 'big' ? bytes.readUInt16BE(at) : bytes.readUInt16LE(at));
  const f32 = (at: number) => {
    if (bytes.length < at + 4 || u32(at) === UNSET32) return undefined;
    const v = endian === 'big' ? bytes.readFloatBE(at) : bytes.readFloatLE(at);
    return Number.isFinite(v) && v >= 1 && v < 1000 ? v : undefined; // not set, or not a float (some writers store an integer)
  };
  const e = 780;
  return {
    endian,
    imageOffset: u32(4),
    version: bytes.toString('latin1', 8, 16).replace(/\0.*$/s, ''),
    declaredSize: u32(16),
    userDataLength: u32(32) === UNSET32 ? 0 : u32(32),
    encryptionKey: u32(660),
    orientation: u16(768),
    elementCount: u16(770),
    width: u32(772),
    height: u32(776),
    element: {
      dataSign: u32(e),
      descriptor: bytes[e + 20]!,
      transfer: bytes[e + 21]!,
      colorimetric: bytes[e + 22]!,
      bitDepth: bytes[e + 23]!,
      packing: u16(e + 24),
      encoding: u16(e + 26),
      dataOffset: u32(e + 28),
      eolPadding: u32(e + 32),
      eoiPadding: u32(e + 36),
    },
    filmFrameRate: f32(1724),
    tvFrameRate: f32(1940),
  };
}
