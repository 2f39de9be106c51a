import { open } from 'node:fs/promises';
import { InputError } from '@avpres/core';
import { HEADER_PROBE_BYTES, readDpxHeader } from './dpx-header.js';
import { dpxLayout, type FrameLayout } from './frame-layout.js';
import { tiffLayout } from './tiff-layout.js';

/** One file's layout and where its image data starts. */
export interface FrameFile {
  layout: FrameLayout;
  imageOffset: number;
  /** DPX header frame rate (film header, else TV header), when set. */
  frameRate: number | undefined;
}

/** The layout of a DPX or TIFF file from its whole content. */
export function describeFrame(bytes: Buffer, format: 'dpx' | 'tiff', file: string): FrameFile {
  if (format === 'tiff') {
    const t = tiffLayout(bytes, file);
    return { layout: t.layout, imageOffset: t.imageOffset, frameRate: undefined };
  }
  const header = readDpxHeader(bytes.subarray(0, Math.min(bytes.length, HEADER_PROBE_BYTES)), file);
  return { layout: dpxLayout(header, bytes.length, file), imageOffset: header.imageOffset, frameRate: header.filmFrameRate ?? header.tvFrameRate };
}

/** The layout of a file, reading only what is needed (the DPX headers; a TIFF whole). */
export async function readFrameFile(path: string, format: 'dpx' | 'tiff'): Promise<FrameFile> {
  const handle = await open(path, 'r').catch((error: unknown) => {
    throw new InputError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code})`, { file: path, cause: error });
  });
  try {
    const { size } = await handle.stat();
    if (format === 'tiff') {
      const all = Buffer.alloc(size);
      await handle.read(all, 0, size, 0);
      return describeFrame(all, format, path);
    }
    const head = Buffer.alloc(Math.min(size, HEADER_PROBE_BYTES));
    await handle.read(head, 0, head.length, 0);
    const header = readDpxHeader(head, path);
    return { layout: dpxLayout(header, size, path), imageOffset: header.imageOffset, frameRate: header.filmFrameRate ?? header.tvFrameRate };
  } finally {
    await handle.close();
  }
}

/** What differs between two layouts, for "frame N differs from the first" errors. */
export function layoutDifference(a: FrameLayout, b: FrameLayout): string | undefined {
  if (a.key !== b.key) return `${b.label} instead of ${a.label}`;
  if (a.width !== b.width || a.height !== b.height) return `${b.width}x${b.height} instead of ${a.width}x${a.height}`;
  if (a.lineStride !== b.lineStride || a.imageBytes !== b.imageBytes) return `line stride ${b.lineStride} instead of ${a.lineStride}`;
  if (a.flip.horizontal !== b.flip.horizontal || a.flip.vertical !== b.flip.vertical) return 'another orientation';
  return undefined;
}
