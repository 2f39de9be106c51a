import { describe, expect, it } from 'vitest';
import { decodeBagPath, encodeBagPath, formatBagManifest, parseBagInfo, parseBagManifest, payloadOxum } from './bagit.js';

describe('BagIt text files', () => {
  it('percent-encodes only CR, LF and % in manifest paths, and decodes them back', () => {
    const path = 'data/100% a\nb\rc é 東京.txt';
    expect(encodeBagPath(path)).toBe('data/100%25 a%0Ab%0Dc é 東京.txt');
    expect(decodeBagPath(encodeBagPath(path))).toBe(path);
  });

  it('formats sorted manifest lines and parses them back, reporting malformed lines', () => {
    const text = formatBagManifest([
      { path: 'data/b.txt', hash: 'BB' },
      { path: 'data/a b.txt', hash: 'aa' },
    ]);
    expect(text).toBe('aa  data/a b.txt\nbb  data/b.txt\n');
    expect(parseBagManifest(text + 'garbage\n')).toEqual({
      entries: [
        { hash: 'aa', path: 'data/a b.txt' },
        { hash: 'bb', path: 'data/b.txt' },
      ],
      problems: ['line 3: expected "<checksum> <path>", got "garbage"'],
    });
    expect(parseBagManifest('aa ../etc/passwd\n').problems).toEqual(['line 1: path leaves the bag: "../etc/passwd"']);
  });

  it('reads bag-info.txt with continuation lines, labels case-insensitively', () => {
    const info = parseBagInfo('Source-Organization: An\n  Archive\nPayload-Oxum: 10.2\n');
    expect(info.get('source-organization')).toBe('An Archive');
    expect(info.get('Payload-Oxum')).toBe('10.2');
    expect(payloadOxum([{ size: 3 }, { size: 7 }])).toBe('10.2');
  });
});
