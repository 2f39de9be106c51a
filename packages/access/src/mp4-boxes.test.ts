import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { moovFirst, topLevelBoxes } from './mp4-boxes.js';

function box(type: string, payload: number): Buffer {
  const b = Buffer.alloc(8 + payload);
  b.writeUInt32BE(8 + payload, 0);
  b.write(type, 4, 'latin1');
  return b;
}

function largeBox(type: string, payload: number): Buffer {
  const b = Buffer.alloc(16 + payload);
  b.writeUInt32BE(1, 0);
  b.write(type, 4, 'latin1');
  b.writeBigUInt64BE(BigInt(16 + payload), 8);
  return b;
}

describe('topLevelBoxes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'avpres-boxes-'));
  it('walks 32-bit, 64-bit and to-the-end sizes', async () => {
    const file = join(dir, 'a.mp4');
    const toEnd = box('mdat', 5);
    toEnd.writeUInt32BE(0, 0);
    writeFileSync(file, Buffer.concat([box('ftyp', 8), box('moov', 20), largeBox('free', 3), toEnd]));
    const boxes = await topLevelBoxes(file);
    expect(boxes.map((b) => `${b.type}@${b.offset}+${b.size}`)).toEqual(['ftyp@0+16', 'moov@16+28', 'free@44+19', 'mdat@63+13']);
    expect(moovFirst(boxes)).toBe(true);
  });
  it('sees an index written at the end', async () => {
    const file = join(dir, 'b.mp4');
    writeFileSync(file, Buffer.concat([box('ftyp', 8), box('mdat', 50), box('moov', 20)]));
    expect(moovFirst(await topLevelBoxes(file))).toBe(false);
  });
  it('refuses a box that claims less than its header', async () => {
    const file = join(dir, 'c.mp4');
    const bad = box('moov', 0);
    bad.writeUInt32BE(4, 0);
    writeFileSync(file, bad);
    await expect(topLevelBoxes(file)).rejects.toThrow(/claims 4 bytes/);
  });
});
