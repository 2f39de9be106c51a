import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { defaultWatermarkPath } from '@avpres/access';
import { accessOptionsFrom } from './access.js';

const base = { input: ['tape.mov'], output: 'out', deinterlace: 'auto', watermarkOpacity: '0.2', crf: '18', preset: 'slow', audioBitrate: '192k' };

describe('accessOptionsFrom', () => {
  it('fills defaults and resolves paths against cwd', () => {
    const o = accessOptionsFrom(base, '/work', false);
    expect(o).toMatchObject({ inputs: ['/work/tape.mov'], outputDir: '/work/out', deinterlace: 'auto', force: false });
    expect(o.settings).toEqual({ crf: 18, preset: 'slow', audioBitrate: '192k', copyright: undefined, watermark: { kind: 'default' }, watermarkOpacity: 0.2 });
    expect(o.start).toBeUndefined();
  });
  it('reads times in either form', () => {
    const o = accessOptionsFrom({ ...base, start: '00:01:00.5', end: '75' }, '/w', false);
    expect(o.start).toBe(60.5);
    expect(o.end).toBe(75);
  });
  it('takes none as no watermark', () => {
    expect(accessOptionsFrom({ ...base, watermark: 'none' }, '/w', false).settings.watermark).toEqual({ kind: 'none' });
  });
  it('says what it expected', () => {
    expect(() => accessOptionsFrom({ ...base, end: '5', duration: '2' }, '/w', false)).toThrow('give --end or --duration, not both');
    expect(() => accessOptionsFrom({ ...base, duration: '0' }, '/w', false)).toThrow(/--duration: expected more than 0/);
    expect(() => accessOptionsFrom({ ...base, watermarkOpacity: '1.5' }, '/w', false)).toThrow(/--watermark-opacity: expected a number above 0 and at most 1, got 1.5/);
    expect(() => accessOptionsFrom({ ...base, crf: '18.5' }, '/w', false)).toThrow(/--crf: expected a whole number 0-51, got 18.5/);
    expect(() => accessOptionsFrom({ ...base, audioBitrate: '192' }, '/w', false)).toThrow(/--audio-bitrate: expected 32k-512k, got 192/);
    expect(() => accessOptionsFrom({ ...base, watermark: '/no/such.png' }, '/w', false)).toThrow(/--watermark: expected a PNG file or none, got \/no\/such.png \(not found\)/);
    // A file that is there but no PNG (ffmpeg would fail mid-encode, naming the master).
    expect(() => accessOptionsFrom({ ...base, watermark: fileURLToPath(import.meta.url) }, '/w', false)).toThrow(/--watermark: expected a PNG file or none, got .*access\.test\.[jt]s \(not a PNG image\)/);
    expect(accessOptionsFrom({ ...base, watermark: defaultWatermarkPath('4:3') }, '/w', false).settings.watermark).toEqual({ kind: 'file', path: defaultWatermarkPath('4:3') });
    expect(() => accessOptionsFrom({ ...base, input: [] }, '/w', false)).toThrow(/at least one -i/);
  });
});
