import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAttachments } from './mkv-attachments.js';

/** EBML element: id bytes, an 8-byte size, data. */
function el(id: number[], ...data: Buffer[]): Buffer {
  const body = Buffer.concat(data);
  const size = Buffer.alloc(8);
  size.writeBigUInt64BE(BigInt(body.length) | 0x0100000000000000n);
  return Buffer.concat([Buffer.from(id), size, body]);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'avpres-ebml-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('readAttachments', () => {
  it('finds attached files after other top-level elements', async () => {
    const file = join(dir, 'a.mkv');
    const attached = el([0x61, 0xa7], el([0x46, 0x6e], Buffer.from('part1.bin')), el([0x46, 0x60], Buffer.from('application/octet-stream')), el([0x46, 0x5c], Buffer.from([1, 2, 3])));
    const segment = el([0x18, 0x53, 0x80, 0x67], el([0x15, 0x49, 0xa9, 0x66], Buffer.alloc(20)), el([0x19, 0x41, 0xa4, 0x69], attached));
    await writeFile(file, Buffer.concat([el([0x1a, 0x45, 0xdf, 0xa3], Buffer.from([0x42, 0x82, 0x88]), Buffer.from('matroska')), segment]));
    expect(await readAttachments(file)).toEqual([{ name: 'part1.bin', mimeType: 'application/octet-stream', data: Buffer.from([1, 2, 3]) }]);
  });

  it('says so when the file is not Matroska', async () => {
    const file = join(dir, 'not.mkv');
    await writeFile(file, 'a text file\n');
    await expect(readAttachments(file)).rejects.toThrow(/not a Matroska file/);
  });
});
