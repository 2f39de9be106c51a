import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { FrameLayout } from './frame-layout.js';
import { readReversibility, ReversibilityWriter, type FileRecord } from './reversibility.js';

const layout = { key: 'dpx-rgb-10a-be', width: 4, height: 2 } as FrameLayout;
const header = (n: number) => {
  const h = Buffer.alloc(2048, 0x20);
  h.write(`frame ${n}`, 36, 'latin1');
  return h;
};
const record = (n: number, extra: Partial<FileRecord> = {}): FileRecord => ({
  name: `dpx/scan_${String(n).padStart(7, '0')}.dpx`,
  size: 4096 + n,
  md5: n.toString(16).padStart(32, '0'),
  header: header(n),
  trailer: Buffer.from(n % 2 ? 'odd' : ''),
  padding: { offsets: [], values: [] },
  ...extra,
});
const info = { name: 'reel 1', layout, frameRate: '24', gaps: [] };

describe('reversibility data, version 1', () => {
  it('reads back every record it wrote, headers stored as deltas, padding bits included', () => {
    const w = new ReversibilityWriter();
    const records = [1, 2, 3, 4].map((n) => record(n));
    records[2] = record(3, { padding: { offsets: [3, 7, 4099], values: [1, 3, 2] }, header: Buffer.from('short header') });
    for (const r of records) w.add(r);
    const parts = w.finish(info);
    expect(parts).toHaveLength(1);
    const back = readReversibility(parts, 'x.mkv');
    expect(back.sequence).toMatchObject({ name: 'reel 1', fileCount: 4, frameRate: '24' });
    expect(back.records).toEqual(records);
  });

  it('stays small when headers differ little (1000 files)', () => {
    const w = new ReversibilityWriter();
    for (let n = 0; n < 1000; n++) w.add(record(n));
    const bytes = w.finish(info).reduce((s, p) => s + p.length, 0);
    expect(bytes).toBeLessThan(40 * 1000); // < 40 bytes a file for 2 KB headers
  });

  it('cuts parts by size; each part decodes on its own and the set reads back in any order', () => {
    const w = new ReversibilityWriter(5000);
    const records = Array.from({ length: 7 }, (_, i) => record(i));
    for (const r of records) w.add(r);
    const parts = w.finish(info);
    expect(parts.length).toBeGreaterThan(2);
    expect(readReversibility([...parts].reverse(), 'x.mkv').records).toEqual(records);
  });

  it('refuses a damaged part or a missing one (verification errors)', () => {
    const w = new ReversibilityWriter(5000);
    for (let i = 0; i < 7; i++) w.add(record(i));
    const parts = w.finish(info);
    const damaged = Buffer.from(parts[0]!);
    damaged[damaged.length >> 1] ^= 0xff;
    expect(() => readReversibility([damaged, ...parts.slice(1)], 'x.mkv')).toThrow(/damaged|cut short|not seq2ffv1/);
    expect(() => readReversibility([parts[0]!, parts[2]!], 'x.mkv')).toThrow(/incomplete|holds/);
    expect(() => readReversibility([deflateSync(Buffer.from('hello'))], 'x.mkv')).toThrow(/not seq2ffv1 reversibility data/);
  });
});
