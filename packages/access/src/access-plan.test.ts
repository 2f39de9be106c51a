import { describe, expect, it } from 'vitest';
import type { ProbeResult, ProbeStream } from '@avpres/media';
import { accessOutputPath, planAccess, planSegment, type EncodeSettings } from './access-plan.js';
import { buildAccessArgs } from './access-args.js';
import { decideDeinterlace } from './field-order.js';
import { checkAccessOutput } from './output-check.js';

function stream(s: Partial<ProbeStream> & Pick<ProbeStream, 'index' | 'codecType' | 'codecName'>): ProbeStream {
  return { tags: {}, disposition: {}, ...s };
}

function probeOf(streams: ProbeStream[], extra: Partial<ProbeResult> = {}): ProbeResult {
  return { file: '/in/-tape 01.mov', formatName: 'mov,mp4', duration: 20, size: 1, tags: {}, streams, chapters: 0, raw: {}, ...extra };
}

const SD = probeOf([
  stream({ index: 0, codecType: 'video', codecName: 'v210', width: 720, height: 576, sampleAspectRatio: '16:15', fieldOrder: 'tt', frameRate: '25/1', pixFmt: 'yuv422p10le', duration: 20, colorPrimaries: 'bt470bg', colorTransfer: 'bt709', colorSpace: 'bt470bg' }),
  stream({ index: 1, codecType: 'audio', codecName: 'pcm_s24le', channels: 2, channelLayout: 'stereo', sampleRate: 48000 }),
]);

const SETTINGS: EncodeSettings = { crf: 18, preset: 'slow', audioBitrate: '192k', copyright: '© 2026 Archive', watermark: { kind: 'default' }, watermarkOpacity: 0.2 };

function plan(probe: ProbeResult, settings: EncodeSettings = SETTINGS, trim = {}) {
  const video = probe.streams.find((s) => s.codecType === 'video')!;
  return planAccess({
    probe,
    output: '/out/x_access.mp4',
    partial: '/out/x_access.mp4.partial',
    segment: planSegment(trim, video.duration ?? probe.duration, probe.file),
    deinterlace: decideDeinterlace({ mode: 'auto', tag: video.fieldOrder }),
    settings,
    defaultWatermark: (aspect) => `/wm/${aspect === '4:3' ? '4x3' : '16x9'}.png`,
  });
}

describe('planSegment', () => {
  it('seeks to the start and lasts the duration or up to the end', () => {
    expect(planSegment({ start: 5, duration: 10 }, 20, 'f')).toEqual({ start: 5, duration: 10, limit: true });
    expect(planSegment({ start: 5, end: 12 }, 20, 'f')).toEqual({ start: 5, duration: 7, limit: true });
    expect(planSegment({}, 20, 'f')).toEqual({ start: 0, duration: 20, limit: false });
    expect(planSegment({ start: 4 }, 20, 'f')).toEqual({ start: 4, duration: 16, limit: false });
  });
  it('shortens a request that runs past the end and says so', () => {
    expect(planSegment({ start: 15, duration: 10 }, 20, 'f')).toEqual({ start: 15, duration: 5, limit: true, shortenedFrom: 10 });
  });
  it('refuses a start past the end, naming the file', () => {
    expect(() => planSegment({ start: 20 }, 20, '/in/a.mov')).toThrow(/\/in\/a\.mov: --start 20 s is not before the end of the source \(20 s\)/);
  });
  it('works without a known source length', () => {
    expect(planSegment({ duration: 3 }, undefined, 'f')).toEqual({ start: 0, duration: 3, limit: true });
  });
});

describe('accessOutputPath', () => {
  it('names the copy <stem>_access.mp4 in the output folder', () => {
    expect(accessOutputPath('/in/-tape 01 é.mov', '/out')).toBe('/out/-tape 01 é_access.mp4');
    expect(accessOutputPath('/in/a.b.mkv', '/out')).toBe('/out/a.b_access.mp4');
  });
});

describe('planAccess + buildAccessArgs', () => {
  it('deinterlaces, squares, watermarks and tags PAL SD in one graph', () => {
    const p = plan(SD, SETTINGS, { start: 1.5, duration: 4 });
    expect(p.graph.graph).toBe(
      '[0:0]bwdif=mode=send_frame:parity=tff,scale=w=768:h=576,setsar=1,format=yuv420p[main];' +
        '[1:v]scale=w=768:h=576,format=rgba,colorchannelmixer=aa=0.2[mark];' +
        '[main][mark]overlay=x=0:y=0,setsar=1,format=yuv420p[vout];' +
        '[0:1]aresample=48000,aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo[aout]',
    );
    expect(buildAccessArgs(p)).toEqual([
      '-y', '-ss', '1.5', '-i', '/in/-tape 01.mov', '-f', 'png_pipe', '-i', '/wm/4x3.png',
      '-filter_complex', p.graph.graph, '-map', '[vout]', '-map', '[aout]', '-t', '4',
      '-map_metadata', '-1', '-map_chapters', '-1',
      '-c:v', 'libx264', '-preset', 'slow', '-crf', '18', '-profile:v', 'high', '-level:v', '3.1',
      '-maxrate', '17500k', '-bufsize', '17500k', '-pix_fmt', 'yuv420p',
      '-color_primaries', 'bt470bg', '-color_trc', 'bt709', '-colorspace', 'bt470bg', '-color_range', 'tv',
      '-c:a', 'aac', '-b:a', '192k', '-ar', '48000', '-ac', '2',
      '-metadata', 'copyright=© 2026 Archive',
      '-movflags', '+faststart', '-f', 'mp4', '/out/x_access.mp4.partial',
    ]);
  });
  it('leaves progressive HD alone: no bwdif, no seek, no -t, no audio, no watermark', () => {
    const hd = probeOf([stream({ index: 0, codecType: 'video', codecName: 'prores', width: 1280, height: 720, sampleAspectRatio: '1:1', fieldOrder: 'progressive', frameRate: '25/1', duration: 2 })]);
    const p = plan(hd, { ...SETTINGS, watermark: { kind: 'none' }, copyright: undefined });
    expect(p.graph.graph).toBe('[0:0]scale=w=1280:h=720,setsar=1,format=yuv420p[vout]');
    const args = buildAccessArgs(p);
    expect(args).not.toContain('-ss');
    expect(args).not.toContain('-t');
    expect(args).not.toContain('-c:a');
    expect(args).not.toContain('-metadata');
    expect(args.slice(args.indexOf('-color_primaries'), args.indexOf('-color_primaries') + 6)).toEqual(['-color_primaries', 'bt709', '-color_trc', 'bt709', '-colorspace', 'bt709']);
  });
  it('widens HDV, uses the 16:9 mark and duplicates mono', () => {
    const hdv = probeOf([
      stream({ index: 0, codecType: 'video', codecName: 'v210', width: 1440, height: 1080, sampleAspectRatio: '4:3', fieldOrder: 'tt', frameRate: '25/1', duration: 1 }),
      stream({ index: 1, codecType: 'audio', codecName: 'pcm_s24le', channels: 1, channelLayout: 'mono' }),
    ]);
    const p = plan(hdv);
    expect(p.frame).toMatchObject({ width: 1920, height: 1080 });
    expect(p.watermark?.path).toBe('/wm/16x9.png');
    expect(p.level.level).toBe('4');
    expect(p.graph.graph).toContain('[1:v]scale=w=1920:h=1080,format=rgba');
    expect(p.graph.graph).toContain('[0:1]pan=stereo|c0=c0|c1=c0,');
  });
  it('scales field by field when told not to deinterlace an interlaced source', () => {
    const p = planAccess({
      probe: SD,
      output: '/o.mp4',
      partial: '/o.mp4.partial',
      segment: planSegment({}, 20, 'f'),
      deinterlace: decideDeinterlace({ mode: 'off', tag: 'tt' }),
      settings: { ...SETTINGS, watermark: { kind: 'file', path: '/logo%d.png' }, watermarkOpacity: 0.5 },
      defaultWatermark: () => '/unused.png',
    });
    expect(p.graph.graph).toContain('[0:0]scale=w=768:h=576:interl=1,setsar=1');
    expect(p.graph.graph).not.toContain('bwdif');
    expect(p.graph.graph).toContain('colorchannelmixer=aa=0.5');
    expect(buildAccessArgs(p)).toContain('/logo%d.png');
  });
  it('skips cover art and refuses a file without video', () => {
    const art = probeOf([
      stream({ index: 0, codecType: 'video', codecName: 'mjpeg', width: 500, height: 500, disposition: { attached_pic: 1 } }),
      stream({ index: 1, codecType: 'audio', codecName: 'flac', channels: 2 }),
    ]);
    expect(() => plan(art)).toThrow(/no video stream/);
  });
});

describe('checkAccessOutput', () => {
  const p = plan(SD, SETTINGS, { duration: 4 });
  const good = probeOf(
    [
      stream({ index: 0, codecType: 'video', codecName: 'h264', profile: 'High', pixFmt: 'yuv420p', width: 768, height: 576, sampleAspectRatio: '1:1', fieldOrder: 'progressive', duration: 4.04 }),
      stream({ index: 1, codecType: 'audio', codecName: 'aac', channels: 2, sampleRate: 48000 }),
    ],
    { tags: { copyright: '© 2026 Archive' }, size: 1000 },
  );
  it('passes a copy that is what was planned', () => {
    expect(checkAccessOutput(good, p)).toEqual([]);
  });
  it('names each thing that is wrong', () => {
    const bad = probeOf(
      [stream({ index: 0, codecType: 'video', codecName: 'h264', profile: 'Main', pixFmt: 'yuv422p', width: 720, height: 576, fieldOrder: 'tt', duration: 3.9 })],
      { tags: {}, size: 1000 },
    );
    const problems = checkAccessOutput(bad, p);
    expect(problems).toEqual([
      'H.264 profile is Main, expected High',
      'pixel format is yuv422p, expected yuv420p',
      'size is 720x576, expected 768x576',
      'field order is tt, expected progressive',
      'duration 3.900 s, expected 4.000 s (within one frame, 0.040 s)',
      'expected one audio stream, found 0',
      'copyright tag is null, expected "© 2026 Archive"',
    ]);
  });
});
