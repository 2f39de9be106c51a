import { describe, expect, it } from 'vitest';
import { missingCapabilities, parseCodecList, parseFilterList, parseFormatList } from './capabilities.js';

describe('capability lists', () => {
  it('parses encoders after the rule line', () => {
    const text = ` V..... = Video\n A..... = Audio\n ------\n V.S... ffv1                 FFmpeg video codec #1\n A..... flac                 FLAC\n`;
    expect([...parseCodecList(text)]).toEqual(['ffv1', 'flac']);
  });
  it('parses filters and muxers', () => {
    expect([...parseFilterList(' TS. bwdif             V->V       Deinterlace\n ... idet              V->V       Interlace detect\n')]).toEqual(['bwdif', 'idet']);
    expect([...parseFormatList('File formats:\n D. = Demuxing\n --\n  E framemd5        Per-frame MD5\n  E matroska        Matroska\n DE nut             NUT\n')]).toEqual(
      expect.arrayContaining(['framemd5', 'matroska', 'nut']),
    );
  });
  it('names what is missing', () => {
    const caps = { encoders: new Set(['ffv1']), decoders: new Set<string>(), filters: new Set(['idet']), muxers: new Set<string>() };
    expect(missingCapabilities(caps, { encoders: ['ffv1', 'libx264'], filters: ['bwdif', 'idet'] })).toEqual(['encoder libx264', 'filter bwdif']);
  });
});
