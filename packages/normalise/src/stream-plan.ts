import { InputError } from '@avpres/core';
import type { ProbeResult, ProbeStream } from '@avpres/media';

/** Video codecs that hold every decoded pixel: uncompressed or mathematically lossless. */
const LOSSLESS_VIDEO = new Set([
  'v210', 'v410', 'v308', 'v408', 'r210', 'r10k', 'rawvideo', 'ayuv', 'yuv4', '012v', 'y41p',
  'ffv1', 'ffvhuff', 'huffyuv', 'utvideo', 'magicyuv', 'dpx', 'tiff', 'png', 'qtrle', 'zlib', 'bitpacked',
]);

/** PCM that FLAC holds exactly (FLAC in ffmpeg stops at 24 bits). */
const FLAC_PCM = /^pcm_(s16|s24|u8|s8)(le|be)?$/;

/** Pixel formats FFV1 encodes as they are (others get an exact repacking, e.g. uyvy422 -> yuv422p). */
const FFV1_PIX_FMTS = new Set([
  'yuv420p', 'yuv422p', 'yuv444p', 'yuv411p', 'yuv410p', 'yuv440p', 'gray', 'gray16le', 'gray10le', 'gray12le',
  'yuv420p10le', 'yuv422p10le', 'yuv444p10le', 'yuv420p12le', 'yuv422p12le', 'yuv444p12le',
  'yuv420p16le', 'yuv422p16le', 'yuv444p16le', 'yuva420p', 'yuva422p', 'yuva444p',
  'yuva420p10le', 'yuva422p10le', 'yuva444p10le', 'yuva420p16le', 'yuva422p16le', 'yuva444p16le',
  'bgr0', 'bgra', 'rgb48le', 'rgba64le', 'gbrp9le', 'gbrp10le', 'gbrp12le', 'gbrp14le', 'gbrp16le', 'gbrap', 'gbrap16le',
]);

/** Packed formats whose planar twin holds the same samples. */
const PLANAR_TWIN: Record<string, string> = {
  uyvy422: 'yuv422p',
  yuyv422: 'yuv422p',
  yvyu422: 'yuv422p',
  rgb24: 'bgr0',
  bgr24: 'bgr0',
  rgba: 'bgra',
  argb: 'bgra',
  abgr: 'bgra',
  '0rgb': 'bgr0',
  rgb0: 'bgr0',
  gray8: 'gray',
  rgb48be: 'rgb48le',
  yuv422p10be: 'yuv422p10le',
};

export interface VideoPlan {
  index: number;
  width: number;
  height: number;
  /** What the source decodes to: both framemd5s are taken at this format. */
  decodePixFmt: string;
  /** What FFV1 stores (the decode format, or its exact planar twin). */
  encodePixFmt: string;
  fieldOrder?: 'tt' | 'bb' | 'tb' | 'bt' | 'progressive';
  /**
   * Mark the frames themselves with this field order (setfield): for an order the decoder
   * does not carry (MediaInfo's reading of an AVI), which -field_order alone did not get
   * into the MKV once an audio stream went through the tee (ffmpeg 2018).
   */
  setField?: 'tff' | 'bff';
  colour: { primaries?: string; trc?: string; space?: string; range?: string };
  lossless: boolean;
  codec: string;
}

export interface AudioPlan {
  index: number;
  codec: string;
  /** FLAC for PCM up to 24 bits; PCM over 24 bits or float stays PCM (copied). */
  action: 'flac' | 'copy';
  /** The PCM codec both audio framemd5s are taken in, so no sample is rounded. */
  hashCodec: string;
  channels: number;
  sampleRate: number;
}

export interface StreamPlan {
  video: VideoPlan[];
  audio: AudioPlan[];
  /** Subtitle streams: copied, or converted where Matroska cannot hold the codec. */
  subtitles: { index: number; codec: string; action: 'copy' | 'ass' }[];
  /** Format-level tags to set on the MKV (start timecode, reel name). */
  tags: Record<string, string>;
  /** Streams not mapped, and why (the log says so). */
  notMapped: { index: number; reason: string }[];
  durationSeconds?: number | undefined;
  /** What the first video stream declares of its own length (a cut-off file still declares it all). */
  videoDurationSeconds?: number | undefined;
  frames?: number | undefined;
}

/** How normalise will treat each stream of a probed file; throws InputError for what it refuses. */
export function planStreams(probe: ProbeResult): StreamPlan {
  const plan: StreamPlan = { video: [], audio: [], subtitles: [], tags: {}, notMapped: [] };
  for (const s of probe.streams) {
    switch (s.codecType) {
      case 'video':
        if (s.disposition['attached_pic']) {
          plan.notMapped.push({ index: s.index, reason: 'cover art (attached picture)' });
          break;
        }
        plan.video.push(planVideo(probe.file, s));
        break;
      case 'audio':
        plan.audio.push(planAudio(s));
        break;
      case 'subtitle':
        plan.subtitles.push({ index: s.index, codec: s.codecName, action: s.codecName === 'mov_text' ? 'ass' : 'copy' });
        break;
      case 'data':
        if (s.codecTag === 'tmcd' || s.tags['timecode'] !== undefined) {
          // Matroska cannot carry a QuickTime timecode track; keep its value as tags.
          if (s.tags['timecode']) plan.tags['TIMECODE'] = s.tags['timecode'];
          if (s.tags['reel_name']) plan.tags['REEL_NAME'] = s.tags['reel_name'];
          plan.notMapped.push({ index: s.index, reason: `timecode track (${s.tags['timecode'] ?? 'no value'}) kept as tags` });
          break;
        }
        throw new InputError(
          `${probe.file}: stream ${s.index} is a data stream (${s.codecTag ?? s.codecName}) that Matroska cannot carry; refusing rather than dropping it`,
          { file: probe.file },
        );
      case 'attachment':
        plan.notMapped.push({ index: s.index, reason: 'attachment (not carried)' });
        break;
      default:
        throw new InputError(`${probe.file}: stream ${s.index} has an unknown type (${s.codecType})`, { file: probe.file });
    }
  }
  if (plan.video.length === 0) throw new InputError(`${probe.file}: no video stream`, { file: probe.file });
  const v0 = probe.streams.find((s) => s.index === plan.video[0]!.index)!;
  plan.tags['TIMECODE'] ??= v0.tags['timecode'] ?? probe.tags['timecode'] ?? '';
  if (plan.tags['TIMECODE'] === '') delete plan.tags['TIMECODE'];
  plan.durationSeconds = probe.duration ?? v0.duration;
  plan.videoDurationSeconds = v0.duration;
  return plan;
}

function planVideo(file: string, s: ProbeStream): VideoPlan {
  if (!s.width || !s.height || !s.pixFmt) {
    throw new InputError(`${file}: video stream ${s.index} has no frame size or pixel format (damaged or truncated?)`, { file });
  }
  const encodePixFmt = FFV1_PIX_FMTS.has(s.pixFmt) ? s.pixFmt : PLANAR_TWIN[s.pixFmt];
  if (!encodePixFmt) {
    throw new InputError(`${file}: video stream ${s.index} pixel format ${s.pixFmt} has no exact FFV1 equivalent`, { file });
  }
  const fo = s.fieldOrder;
  return {
    index: s.index,
    width: s.width,
    height: s.height,
    decodePixFmt: s.pixFmt,
    encodePixFmt,
    ...(fo === 'tt' || fo === 'bb' || fo === 'tb' || fo === 'bt' || fo === 'progressive' ? { fieldOrder: fo } : {}),
    colour: {
      ...(s.colorPrimaries ? { primaries: s.colorPrimaries } : {}),
      ...(s.colorTransfer ? { trc: s.colorTransfer } : {}),
      ...(s.colorSpace ? { space: s.colorSpace } : {}),
      ...(s.colorRange ? { range: s.colorRange } : {}),
    },
    lossless: LOSSLESS_VIDEO.has(s.codecName),
    codec: s.codecName,
  };
}

function planAudio(s: ProbeStream): AudioPlan {
  const bits = s.bitsPerRawSample ?? s.bitsPerSample ?? 16;
  const flac = FLAC_PCM.test(s.codecName);
  return {
    index: s.index,
    codec: s.codecName,
    action: flac ? 'flac' : 'copy',
    hashCodec: s.codecName.startsWith('pcm_f') ? 'pcm_f32le' : bits > 16 ? (bits > 24 ? 'pcm_s32le' : 'pcm_s24le') : 'pcm_s16le',
    channels: s.channels ?? 2,
    sampleRate: s.sampleRate ?? 48000,
  };
}
