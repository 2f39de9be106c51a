import { describe, expect, it } from 'vitest';
import { parseProbeJson } from '@avpres/media';
import { buildDecodeArgs, buildEncodeArgs, teeEscape } from './ffmpeg-args.js';
import { planStreams } from './stream-plan.js';

const probeJson = (streams: object[]) => JSON.stringify({ format: { format_name: 'mov', duration: '2.0', tags: {} }, streams });
const v210 = { index: 0, codec_type: 'video', codec_name: 'v210', width: 720, height: 576, pix_fmt: 'yuv422p10le', field_order: 'tt', color_primaries: 'bt470bg', r_frame_rate: '25/1', nb_frames: '50' };
const pcm = { index: 1, codec_type: 'audio', codec_name: 'pcm_s24le', channels: 2, sample_rate: '48000', bits_per_raw_sample: '24' };
const tmcd = { index: 2, codec_type: 'data', codec_name: 'unknown', codec_tag_string: 'tmcd', tags: { timecode: '10:00:00:00', reel_name: 'R1' } };

describe('planStreams', () => {
  it('maps video and audio, keeps a timecode track as tags', () => {
    const plan = planStreams(parseProbeJson('/x.mov', probeJson([v210, pcm, tmcd])));
    expect(plan.video[0]).toMatchObject({ decodePixFmt: 'yuv422p10le', encodePixFmt: 'yuv422p10le', fieldOrder: 'tt', lossless: true });
    expect(plan.audio[0]).toMatchObject({ action: 'flac', hashCodec: 'pcm_s24le' });
    expect(plan.tags).toEqual({ TIMECODE: '10:00:00:00', REEL_NAME: 'R1' });
    expect(plan.notMapped).toEqual([{ index: 2, reason: 'timecode track (10:00:00:00) kept as tags' }]);
  });

  it('refuses a data stream Matroska cannot carry instead of dropping it', () => {
    const data = { index: 2, codec_type: 'data', codec_name: 'bin_data', codec_tag_string: 'gpmd' };
    expect(() => planStreams(parseProbeJson('/x.mov', probeJson([v210, data])))).toThrow(/stream 2 is a data stream \(gpmd\).*refusing/);
  });

  it('marks lossy video and packed 8-bit 4:2:2 gets its planar twin', () => {
    const plan = planStreams(parseProbeJson('/x.mov', probeJson([{ ...v210, codec_name: 'rawvideo', pix_fmt: 'uyvy422' }, { ...v210, index: 1, codec_name: 'prores' }])));
    expect(plan.video[0]).toMatchObject({ decodePixFmt: 'uyvy422', encodePixFmt: 'yuv422p', lossless: true });
    expect(plan.video[1]!.lossless).toBe(false);
  });

  it('keeps 32-bit PCM as PCM (FLAC stops at 24 bits)', () => {
    const plan = planStreams(parseProbeJson('/x.mov', probeJson([v210, { ...pcm, codec_name: 'pcm_s32le', bits_per_raw_sample: '32' }])));
    expect(plan.audio[0]).toMatchObject({ action: 'copy', hashCodec: 'pcm_s32le' });
  });
});

describe('buildEncodeArgs', () => {
  const plan = planStreams(parseProbeJson('/in/-tape.mov', probeJson([v210, pcm, tmcd])));
  const args = buildEncodeArgs({ source: '/in/-tape.mov', plan, mkv: "/out/it's [1].mkv.partial", sourceFramemd5: '/out/s.framemd5.partial' });

  it('reads the source once through file: so odd names stay names', () => {
    expect(args.filter((a) => a === '-i')).toHaveLength(1);
    expect(args[args.indexOf('-i') + 1]).toBe('file:/in/-tape.mov');
  });

  it('uses the FFV1 profile, keeps field order and colour, FLAC for PCM, timecode as a tag', () => {
    const line = args.join(' ');
    expect(line).toContain('-c:v:0 ffv1 -level:v:0 3 -g:v:0 1 -slicecrc:v:0 1 -slices:v:0 16');
    expect(line).toContain('-field_order:v:0 tt');
    expect(line).toContain('-color_primaries:v:0 bt470bg');
    expect(line).toContain('-c:a:0 flac');
    expect(line).toContain('-metadata TIMECODE=10:00:00:00');
    expect(line).not.toContain('-map 0:2');
  });

  it('tees the MKV to disk and NUT to stdout, and hashes source frames from the same decode', () => {
    expect(args).toContain("[f=matroska]file:/out/it\\'s\\ \\[1\\].mkv.partial|[f=nut]pipe:1");
    expect(args.join(' ')).not.toContain('setfield');
    const marked = buildEncodeArgs({ source: '/in/t.avi', plan: { ...plan, video: [{ ...plan.video[0]!, fieldOrder: 'tt', setField: 'tff' }] }, mkv: '/o.mkv', sourceFramemd5: '/s.fm' });
    expect(marked.join(' ')).toContain('-field_order:v:0 tt -filter:v:0 setfield=tff');
    // Every decoded frame once: no frames duplicated to make the tee constant-rate.
    expect(args.join(' ')).toContain('-vsync passthrough -f tee');
    const tail = args.slice(args.indexOf('tee') + 2).join(' ');
    expect(tail).toBe('-map 0:0 -map 0:1 -c:v:0 rawvideo -pix_fmt:v:0 yuv422p10le -c:a:0 pcm_s24le -filter:a asetnsamples=n=1920:p=0 -f framemd5 file:/out/s.framemd5.partial');
  });

  it('decodes the NUT stream at the same pixel and sample formats', () => {
    const decode = buildDecodeArgs({ plan, outputFramemd5: '/o.fm', packetHashes: '/o.ph' }).join(' ');
    expect(decode).toContain('-f nut -i pipe:0 -map 0:v -map 0:a -c:v:0 rawvideo -pix_fmt:v:0 yuv422p10le -c:a:0 pcm_s24le -filter:a asetnsamples=n=1920:p=0 -f framemd5 file:/o.fm');
    expect(decode).toContain('-map 0 -c copy -f framehash -hash murmur3 file:/o.ph');
  });

  it('escapes what the tee muxer parses', () => {
    expect(teeEscape('/a|b[c]\\d')).toBe('/a\\|b\\[c\\]\\\\d');
  });
});
