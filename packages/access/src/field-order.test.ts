import { describe, expect, it } from 'vitest';
import { decideDeinterlace, judgeIdet, needsDetection, parseIdet, scanTypeFromTag, sumIdet, type IdetReport } from './field-order.js';

const report = (tff: number, bff: number, progressive: number, undetermined = 0): IdetReport => ({
  multi: { tff, bff, progressive, undetermined },
  single: { tff, bff, progressive, undetermined },
});

// Two summary lines as ffmpeg 4.1 and 5.1 print them.
const STDERR = `frame=   25 fps=0.0 q=-0.0 Lsize=N/A time=00:00:01.00 bitrate=N/A speed=10.2x
[Parsed_idet_0 @ 0x116ada00] Repeated Fields: Neither:    26 Top:     0 Bottom:     0
[Parsed_idet_0 @ 0x116ada00] Single frame detection: TFF:    28 BFF:     0 Progressive:    22 Undetermined:     0
[Parsed_idet_0 @ 0x116ada00] Multi frame detection: TFF:    31 BFF:     0 Progressive:    19 Undetermined:     0
`;

describe('scanTypeFromTag', () => {
  it('reads the first letter as the first field, and progressive as progressive', () => {
    expect(scanTypeFromTag('tt')).toBe('tff');
    expect(scanTypeFromTag('tb')).toBe('tff');
    expect(scanTypeFromTag('bb')).toBe('bff');
    expect(scanTypeFromTag('bt')).toBe('bff');
    expect(scanTypeFromTag('progressive')).toBe('progressive');
    expect(scanTypeFromTag('unknown')).toBeUndefined();
    expect(scanTypeFromTag(undefined)).toBeUndefined();
  });
});

describe('needsDetection', () => {
  it('asks idet only when no tag decides', () => {
    expect(needsDetection('auto', 'tt')).toBe(false);
    expect(needsDetection('auto', 'progressive')).toBe(false);
    expect(needsDetection('auto', undefined)).toBe(true);
    expect(needsDetection('on', 'bb')).toBe(false);
    expect(needsDetection('on', 'progressive')).toBe(true);
    expect(needsDetection('off', undefined)).toBe(false);
  });
});

describe('parseIdet', () => {
  it('reads both summary lines', () => {
    expect(parseIdet(STDERR)).toEqual({
      single: { tff: 28, bff: 0, progressive: 22, undetermined: 0 },
      multi: { tff: 31, bff: 0, progressive: 19, undetermined: 0 },
    });
  });
  it('returns undefined when idet said nothing', () => {
    expect(parseIdet('Output file is empty, nothing was encoded')).toBeUndefined();
  });
  it('adds windows together', () => {
    expect(sumIdet([report(1, 2, 3, 4), report(10, 20, 30, 40)]).multi).toEqual({ tff: 11, bff: 22, progressive: 33, undetermined: 44 });
  });
});

describe('judgeIdet', () => {
  it('believes a clear margin only', () => {
    expect(judgeIdet(report(50, 0, 0))).toBe('tff');
    expect(judgeIdet(report(2, 48, 5))).toBe('bff');
    expect(judgeIdet(report(0, 0, 50))).toBe('progressive');
    expect(judgeIdet(report(4, 0, 40))).toBe('progressive');
  });
  it('calls mixed or thin evidence unclear', () => {
    // The pitfall measured on testsrc2: TFF 40 / BFF 37 / progressive 25.
    expect(judgeIdet(report(40, 37, 25))).toBe('unclear');
    expect(judgeIdet(report(31, 0, 19))).toBe('unclear');
    expect(judgeIdet(report(0, 0, 0, 50))).toBe('unclear');
    expect(judgeIdet(report(5, 0, 0, 45))).toBe('unclear');
  });
});

describe('decideDeinterlace', () => {
  it('trusts a tag over idet', () => {
    const d = decideDeinterlace({ mode: 'auto', tag: 'tt', idet: report(0, 0, 50) });
    expect(d).toMatchObject({ deinterlace: true, parity: 'tff', basis: 'field-order tag' });
    expect(decideDeinterlace({ mode: 'auto', tag: 'bb' })).toMatchObject({ deinterlace: true, parity: 'bff' });
    expect(decideDeinterlace({ mode: 'auto', tag: 'progressive', idet: report(50, 0, 0) })).toMatchObject({ deinterlace: false });
  });
  it('uses idet without a tag, and leaves unclear pictures alone with a warning', () => {
    expect(decideDeinterlace({ mode: 'auto', tag: undefined, idet: report(0, 50, 0) })).toMatchObject({ deinterlace: true, parity: 'bff', basis: 'idet' });
    expect(decideDeinterlace({ mode: 'auto', tag: undefined, idet: report(0, 0, 50) })).toMatchObject({ deinterlace: false, basis: 'idet' });
    const unclear = decideDeinterlace({ mode: 'auto', tag: undefined, idet: report(40, 37, 25) });
    expect(unclear.deinterlace).toBe(false);
    expect(unclear.warning).toMatch(/--deinterlace on/);
    expect(unclear.evidence).toMatch(/TFF 40, BFF 37, progressive 25/);
  });
  it('forces or refuses on request', () => {
    expect(decideDeinterlace({ mode: 'off', tag: 'tt' })).toMatchObject({ deinterlace: false });
    expect(decideDeinterlace({ mode: 'on', tag: 'progressive', idet: report(0, 50, 0) })).toMatchObject({ deinterlace: true, parity: 'bff' });
    const guessed = decideDeinterlace({ mode: 'on', tag: undefined, idet: report(0, 0, 0, 50) });
    expect(guessed).toMatchObject({ deinterlace: true, parity: 'tff' });
    expect(guessed.warning).toMatch(/assuming top field first/);
  });
});
