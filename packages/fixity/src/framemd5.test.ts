import { describe, expect, it } from 'vitest';
import { InputError } from '@avpres/core';
import { compareFramemd5, parseFramemd5 } from './framemd5.js';

// Output of ffmpeg 4.1: testsrc2 64x48 at 25 fps plus a 44.1 kHz sine, -f framemd5.
const SOURCE = `#format: frame checksums
#version: 2
#hash: MD5
#software: Lavf58.24.100
#tb 0: 1/25
#media_type 0: video
#codec_id 0: rawvideo
#dimensions 0: 64x48
#sar 0: 1/1
#tb 1: 1/44100
#media_type 1: audio
#codec_id 1: pcm_s16le
#sample_rate 1: 44100
#channel_layout 1: 4
#channel_layout_name 1: mono
#stream#, dts,        pts, duration,     size, hash
0,          0,          0,        1,     4608, 33014121823019e2454ef6b75e5d420d
1,          0,          0,     1024,     2048, 4974187d12eee3cc554f57e7f68f8637
1,       1024,       1024,     1024,     2048, 44fdca2ca02f0f2d04b36b085ebdab9e
0,          1,          1,        1,     4608, 33014121823019e2454ef6b75e5d420d
1,       2048,       2048,      157,      314, ac3460aa06db61cc130a9f583acb47c3
0,          2,          2,        1,     4608, 8ba20ce5d2bf54cc8913a4c2a84cdc84
`;

// The same frames as Matroska reports them: millisecond time base, other timestamps.
const AS_MKV = SOURCE.replace('#tb 0: 1/25', '#tb 0: 1/1000')
  .replace('0,          1,          1,        1,', '0,         40,         40,       40,')
  .replace('0,          2,          2,        1,', '0,         80,         80,       40,');

describe('parseFramemd5', () => {
  it('reads the header per stream and every frame line', () => {
    const parsed = parseFramemd5(SOURCE);
    expect(parsed.version).toBe(2);
    expect(parsed.hashName).toBe('MD5');
    expect(parsed.software).toBe('Lavf58.24.100');
    expect(parsed.streams.get(0)).toMatchObject({ mediaType: 'video', codecId: 'rawvideo', timeBase: '1/25', dimensions: '64x48', sar: '1/1' });
    expect(parsed.streams.get(1)).toMatchObject({ mediaType: 'audio', sampleRate: 44100, channelLayoutName: 'mono' });
    expect(parsed.frames).toHaveLength(6);
    expect(parsed.frames[4]).toEqual({ stream: 1, dts: 2048, pts: 2048, duration: 157, size: 314, hash: 'ac3460aa06db61cc130a9f583acb47c3' });
  });

  it('reads version 1 output (no #format/#version, MD5 implied) and framehash with another hash', () => {
    const v1 = parseFramemd5('#tb 0: 1/25\n0,          0,          0,        1,   829440, 0AB1c2d3e4f5a6b7c8d9e0f1a2b3c4d5\n');
    expect(v1.version).toBeUndefined();
    expect(v1.hashName).toBe('MD5');
    expect(v1.frames[0]!.hash).toBe('0ab1c2d3e4f5a6b7c8d9e0f1a2b3c4d5');
    expect(parseFramemd5('#hash: SHA256\n#tb 0: 1/25\n0, 0, 0, 1, 4, ' + 'ab'.repeat(32)).hashName).toBe('SHA256');
  });

  it('rejects a broken frame line with its line number', () => {
    expect(() => parseFramemd5('#tb 0: 1/25\n0, 0, 0, 1, 4608\n')).toThrow(/line 2/);
    expect(() => parseFramemd5('0, x, 0, 1, 4608, abcd\n')).toThrow(InputError);
  });
});

describe('compareFramemd5', () => {
  it('finds identical frames equal despite different time bases', () => {
    const result = compareFramemd5(parseFramemd5(SOURCE), parseFramemd5(AS_MKV));
    expect(result.equal).toBe(true);
    expect(result.summary).toBe('2 streams, 6 frames identical');
    expect(result.streams.map((s) => [s.expectedFrames, s.actualFrames])).toEqual([[3, 3], [3, 3]]);
  });

  it('names the stream and the first differing frame', () => {
    const changed = SOURCE.replace('44fdca2ca02f0f2d04b36b085ebdab9e', '00000000000000000000000000000000');
    const result = compareFramemd5(parseFramemd5(SOURCE), parseFramemd5(changed));
    expect(result.equal).toBe(false);
    expect(result.summary).toBe('stream 1 (audio): frame 1 differs');
    expect(result.streams[1]!.firstMismatch).toEqual({ index: 1, expected: '44fdca2ca02f0f2d04b36b085ebdab9e', actual: '00000000000000000000000000000000' });
    expect(result.streams[0]!.firstMismatch).toBeUndefined();
  });

  it('counts a size difference as a mismatch', () => {
    const resized = SOURCE.replace('1,       2048,       2048,      157,      314,', '1,       2048,       2048,      157,      316,');
    expect(compareFramemd5(parseFramemd5(SOURCE), parseFramemd5(resized)).summary).toBe('stream 1 (audio): frame 2 differs');
  });

  it('reports a missing last frame at its index, and a missing stream', () => {
    const short = SOURCE.split('\n').filter((l) => !l.startsWith('0,          2,')).join('\n');
    const result = compareFramemd5(parseFramemd5(SOURCE), parseFramemd5(short));
    expect(result.equal).toBe(false);
    expect(result.streams[0]).toMatchObject({ expectedFrames: 3, actualFrames: 2, firstMismatch: { index: 2, expected: '8ba20ce5d2bf54cc8913a4c2a84cdc84' } });
    expect(result.summary).toBe('stream 0 (video): 3 frames expected, 2 found; frame 2 missing');
    const noAudio = SOURCE.split('\n').filter((l) => !/^(1,|#\w+ 1:)/.test(l)).join('\n');
    expect(compareFramemd5(parseFramemd5(SOURCE), parseFramemd5(noAudio)).summary).toBe('stream 1 (audio): missing from the output (3 frames expected)');
  });

  it('refuses to call different hash algorithms equal', () => {
    const sha = parseFramemd5(SOURCE.replace('#hash: MD5', '#hash: SHA256'));
    expect(compareFramemd5(parseFramemd5(SOURCE), sha)).toMatchObject({ equal: false, summary: expect.stringMatching(/different hash algorithms/) });
  });
});
