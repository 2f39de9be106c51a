import { describe, expect, it } from 'vitest';
import { ffv1SliceCount } from '@avpres/media';
import { buildDecodeArgs, buildEncodeArgs, frameRateArg } from './ffv1-args.js';
import type { FrameLayout } from './frame-layout.js';

const layout = (over: Partial<FrameLayout> = {}): FrameLayout => ({
  key: 'dpx-rgb-10a-be',
  label: 'DPX RGB 10-bit',
  container: 'dpx',
  width: 2048,
  height: 1556,
  endian: 'big',
  pack: '10in32',
  bits: 10,
  source: [2, 0, 1],
  rawPixelBytes: 0,
  pixFmt: 'gbrp10le',
  rawFrameBytes: 2048 * 1556 * 6,
  lineStride: 2048 * 4,
  imageBytes: 2048 * 4 * 1556,
  flip: { horizontal: false, vertical: false },
  ...over,
});

describe('ffv1SliceCount', () => {
  it('gives 16 slices below HD and 24 from 1280x720 up', () => {
    expect(ffv1SliceCount(720, 576)).toBe(16);
    expect(ffv1SliceCount(256, 192)).toBe(16);
    expect(ffv1SliceCount(1280, 720)).toBe(24);
    expect(ffv1SliceCount(1920, 1080)).toBe(24);
    expect(ffv1SliceCount(2048, 1556)).toBe(24);
  });
});

describe('frameRateArg', () => {
  it('takes 24 when the header has none, and NTSC rates as exact fractions', () => {
    expect(frameRateArg(undefined)).toBe('24');
    expect(frameRateArg(25)).toBe('25');
    expect(frameRateArg(23.976)).toBe('24000/1001');
    expect(frameRateArg(29.97)).toBe('30000/1001');
    expect(frameRateArg(18)).toBe('18');
    expect(frameRateArg(16.5)).toBe('16.5');
  });
});

describe('buildEncodeArgs', () => {
  it('reads the numbered files with image2 (% doubled), writes FFV1 v3 and attaches each part', () => {
    const args = buildEncodeArgs({
      dir: '/scans/100% reel',
      pattern: 'a%%b_%07d.dpx',
      start: 86400,
      frameRate: '24000/1001',
      layout: layout({ flip: { horizontal: false, vertical: true } }),
      attachments: [
        { path: '/w/p1.bin', name: 'p1.bin', mimeType: 'application/octet-stream' },
        { path: '/w/p2.bin', name: 'p2.bin', mimeType: 'application/octet-stream' },
      ],
      output: '/out/reel.mkv.partial',
    });
    expect(args.slice(0, 8)).toEqual(['-f', 'image2', '-framerate', '24000/1001', '-start_number', '86400', '-i', '/scans/100%% reel/a%%b_%07d.dpx']);
    expect(args).toEqual(expect.arrayContaining(['-vf', 'vflip', '-c:v', 'ffv1', '-level:v', '3', '-g:v', '1', '-slicecrc:v', '1', '-slices:v', '24', '-pix_fmt', 'gbrp10le']));
    expect(args.join(' ')).toContain('-attach /w/p1.bin -metadata:s:t:0 mimetype=application/octet-stream -metadata:s:t:0 filename=p1.bin');
    expect(args.join(' ')).toContain('-attach /w/p2.bin -metadata:s:t:1 mimetype=application/octet-stream -metadata:s:t:1 filename=p2.bin');
    expect(args.slice(-4)).toEqual(['-f', 'matroska', '-y', '/out/reel.mkv.partial']);
    expect(args).not.toContain('-context:v');
  });
});

describe('buildDecodeArgs', () => {
  it('decodes once to raw frames on stdout (orientation undone) and a framemd5 of the stored frames', () => {
    const args = buildDecodeArgs({ mkv: '/o/r.mkv', layout: layout({ flip: { horizontal: true, vertical: true } }), framemd5: '/o/r.framemd5' });
    expect(args).toEqual(['-i', '/o/r.mkv', '-map', '0:v:0', '-vf', 'vflip,hflip', '-f', 'rawvideo', '-pix_fmt', 'gbrp10le', 'pipe:1', '-map', '0:v:0', '-f', 'framemd5', '-y', '/o/r.framemd5']);
  });
});
