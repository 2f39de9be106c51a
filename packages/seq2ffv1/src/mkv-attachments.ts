import { open, type FileHandle } from 'node:fs/promises';
import { InputError } from '@avpres/core';

/** One attached file of a Matroska file. */
export interface Attachment {
  name: string;
  mimeType: string;
  data: Buffer;
}

const ID = {
  ebml: 0x1a45dfa3,
  segment: 0x18538067,
  seekHead: 0x114d9b74,
  seek: 0x4dbb,
  seekId: 0x53ab,
  seekPosition: 0x53ac,
  attachments: 0x1941a469,
  attachedFile: 0x61a7,
  fileName: 0x466e,
  fileMimeType: 0x4660,
  fileData: 0x465c,
} as const;

interface Element {
  id: number;
  /** Where the element's data starts and its size (undefined when unknown). */
  dataAt: number;
  size: number | undefined;
}

/** Reads EBML element headers with positioned reads: nothing but the attachments is loaded. */
async function readElement(handle: FileHandle, at: number, fileSize: number): Promise<Element | undefined> {
  if (at >= fileSize) return undefined;
  const head = Buffer.alloc(12);
  const { bytesRead } = await handle.read(head, 0, 12, at);
  if (bytesRead < 2) return undefined;
  const idLength = vintLength(head[0]!);
  if (idLength > 4) throw new Error('bad element id');
  let id = 0;
  for (let i = 0; i < idLength; i++) id = id * 256 + head[i]!;
  const sizeLength = vintLength(head[idLength]!);
  if (sizeLength > 8 || idLength + sizeLength > bytesRead) throw new Error('bad element size');
  let size = head[idLength]! & (0xff >> sizeLength);
  let allOnes = size === 0xff >> sizeLength;
  for (let i = 1; i < sizeLength; i++) {
    const b = head[idLength + i]!;
    size = size * 256 + b;
    if (b !== 0xff) allOnes = false;
  }
  return { id, dataAt: at + idLength + sizeLength, size: allOnes ? undefined : size };
}

function vintLength(first: number): number {
  for (let n = 1; n <= 8; n++) if (first & (0x80 >> (n - 1))) return n;
  return 9;
}

function uint(bytes: Buffer): number {
  let n = 0;
  for (const b of bytes) n = n * 256 + b;
  return n;
}

async function readData(handle: FileHandle, el: Element): Promise<Buffer> {
  const data = Buffer.alloc(el.size ?? 0);
  await handle.read(data, 0, data.length, el.dataAt);
  return data;
}

/** Children of an element whose data is in memory. */
function* children(data: Buffer): Generator<{ id: number; data: Buffer }> {
  let at = 0;
  while (at < data.length) {
    const idLength = vintLength(data[at]!);
    let id = 0;
    for (let i = 0; i < idLength; i++) id = id * 256 + data[at + i]!;
    const sizeLength = vintLength(data[at + idLength]!);
    let size = data[at + idLength]! & (0xff >> sizeLength);
    for (let i = 1; i < sizeLength; i++) size = size * 256 + data[at + idLength + i]!;
    const start = at + idLength + sizeLength;
    yield { id, data: data.subarray(start, start + size) };
    at = start + size;
  }
}

/**
 * The attachments of a Matroska file, read straight from the file (the SeekHead, else a
 * walk over the top-level elements). Throws InputError when the file is not Matroska.
 */
export async function readAttachments(file: string): Promise<Attachment[]> {
  const handle = await open(file, 'r');
  try {
    const { size: fileSize } = await handle.stat();
    const ebml = await readElement(handle, 0, fileSize).catch(() => undefined);
    if (!ebml || ebml.id !== ID.ebml || ebml.size === undefined) throw new InputError(`${file}: not a Matroska file`, { file });
    const segment = await readElement(handle, ebml.dataAt + ebml.size, fileSize);
    if (!segment || segment.id !== ID.segment) throw new InputError(`${file}: no Matroska segment`, { file });
    const segmentEnd = segment.size === undefined ? fileSize : Math.min(fileSize, segment.dataAt + segment.size);
    let at = segment.dataAt;
    const visited = new Set<number>();
    while (at < segmentEnd && !visited.has(at)) {
      visited.add(at);
      const el = await readElement(handle, at, segmentEnd);
      if (!el) break;
      if (el.id === ID.attachments && el.size !== undefined) return parseAttachments(await readData(handle, el));
      if (el.id === ID.seekHead && el.size !== undefined) {
        const target = seekTarget(await readData(handle, el), ID.attachments);
        if (target !== undefined && !visited.has(segment.dataAt + target)) {
          const found = await readElement(handle, segment.dataAt + target, segmentEnd);
          if (found?.id === ID.attachments && found.size !== undefined) return parseAttachments(await readData(handle, found));
        }
      }
      if (el.size === undefined) break; // a live-written cluster: cannot skip it
      at = el.dataAt + el.size;
    }
    return [];
  } finally {
    await handle.close();
  }
}

function seekTarget(seekHead: Buffer, wanted: number): number | undefined {
  for (const seek of children(seekHead)) {
    if (seek.id !== ID.seek) continue;
    let id: number | undefined;
    let position: number | undefined;
    for (const c of children(seek.data)) {
      if (c.id === ID.seekId) id = uint(c.data);
      if (c.id === ID.seekPosition) position = uint(c.data);
    }
    if (id === wanted && position !== undefined) return position;
  }
  return undefined;
}

function parseAttachments(data: Buffer): Attachment[] {
  const found: Attachment[] = [];
  for (const file of children(data)) {
    if (file.id !== ID.attachedFile) continue;
    let name = '';
    let mimeType = '';
    let bytes = Buffer.alloc(0);
    for (const c of children(file.data)) {
      if (c.id === ID.fileName) name = c.data.toString('utf8');
      else if (c.id === ID.fileMimeType) mimeType = c.data.toString('latin1');
      else if (c.id === ID.fileData) bytes = Buffer.from(c.data);
    }
    found.push({ name, mimeType, data: bytes });
  }
  return found;
}
