import { open } from 'node:fs/promises';

export interface Box {
  type: string;
  offset: number;
  size: number;
}

/**
 * The top-level boxes of an MP4 (ISO 14496-12 4.2): 32-bit size and type, a 64-bit size
 * when the short one is 1, to the end of the file when it is 0. Reads headers only.
 */
export async function topLevelBoxes(file: string): Promise<Box[]> {
  const handle = await open(file, 'r');
  try {
    const { size: fileSize } = await handle.stat();
    const boxes: Box[] = [];
    const header = Buffer.alloc(16);
    let offset = 0;
    while (offset + 8 <= fileSize) {
      const { bytesRead } = await handle.read(header, 0, 16, offset);
      if (bytesRead < 8) break;
      let size = header.readUInt32BE(0);
      const type = header.toString('latin1', 4, 8);
      if (size === 1) {
        if (bytesRead < 16) break;
        size = Number(header.readBigUInt64BE(8));
      } else if (size === 0) {
        size = fileSize - offset;
      }
      if (size < 8) throw new Error(`${file}: box "${type}" at ${offset} claims ${size} bytes`);
      boxes.push({ type, offset, size });
      offset += size;
    }
    return boxes;
  } finally {
    await handle.close();
  }
}

/** True when the index (moov) comes before the media data, so a browser can start at once. */
export function moovFirst(boxes: readonly Box[]): boolean {
  const moov = boxes.findIndex((b) => b.type === 'moov');
  const mdat = boxes.findIndex((b) => b.type === 'mdat');
  return moov !== -1 && mdat !== -1 && moov < mdat;
}
