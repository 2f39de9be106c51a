import { join, parse } from 'node:path';
import { InputError } from '@avpres/core';
import { parseRate, type ProbeResult, type ProbeStream } from '@avpres/media';
import { chooseAudioMix, type AudioMix } from './audio-mix.js';
import { chooseColourTags, type ColourTags } from './colour-tags.js';
import { scanTypeFromTag, type DeinterlaceDecision } from './field-order.js';
import { buildFilterGraph, type FilterGraph } from './filter-graph.js';
import { chooseFrameSize, type FrameSize } from './frame-size.js';
import { chooseH264Level, type H264Level } from './h264-level.js';
import type { WatermarkAspect } from './default-watermarks.js';
import { formatSeconds } from './time-value.js';

export type WatermarkChoice = { kind: 'default' } | { kind: 'none' } | { kind: 'file'; path: string };

/** The settings a user chooses (the rest follows from the source). */
export interface EncodeSettings {
  crf: number;
  preset: string;
  audioBitrate: string;
  copyright?: string | undefined;
  watermark: WatermarkChoice;
  watermarkOpacity: number;
}

export interface TrimRequest {
  start?: number | undefined;
  /** Exclusive end, seconds from the start of the source. */
  end?: number | undefined;
  duration?: number | undefined;
}

export interface Segment {
  start: number;
  /** Seconds the copy should last; undefined when the source does not say how long it is. */
  duration: number | undefined;
  /** Pass -t: a duration or end was asked for. */
  limit: boolean;
  /** Set when the request ran past the end of the source and was shortened. */
  shortenedFrom?: number;
}

export interface AccessPlan {
  source: string;
  output: string;
  partial: string;
  segment: Segment;
  fps: number;
  frame: FrameSize;
  deinterlace: DeinterlaceDecision;
  colour: ColourTags;
  level: H264Level;
  audio?: AudioMix & { stream: number };
  watermark?: { path: string; opacity: number };
  settings: EncodeSettings;
  graph: FilterGraph;
}

/** `<stem>_access.mp4`: what archivists' scripts have always called it. */
export function accessOutputPath(source: string, outputDir: string): string {
  return join(outputDir, `${parse(source).name}_access.mp4`);
}

export function firstStream(probe: ProbeResult, type: 'video' | 'audio'): ProbeStream | undefined {
  // A cover image (attached picture) is not the programme.
  return probe.streams.find((s) => s.codecType === type && !s.disposition['attached_pic']);
}

/** Seconds the source's picture lasts: the video stream's own duration, else the file's. */
export function sourceDuration(probe: ProbeResult): number | undefined {
  return firstStream(probe, 'video')?.duration ?? probe.duration;
}

/**
 * Where the copy starts and how long it lasts. A start past the end is bad input; a
 * request running past the end is shortened (the plan says so, the log warns).
 */
export function planSegment(request: TrimRequest, total: number | undefined, file: string): Segment {
  const start = request.start ?? 0;
  const asked = request.duration ?? (request.end !== undefined ? request.end - start : undefined);
  if (asked !== undefined && asked <= 0) throw new InputError(`${file}: the requested segment is empty (end not after start)`, { file });
  if (total !== undefined && start >= total) {
    throw new InputError(`${file}: --start ${formatSeconds(start)} s is not before the end of the source (${formatSeconds(total)} s)`, { file });
  }
  if (total === undefined) return { start, duration: asked, limit: asked !== undefined };
  const available = total - start;
  if (asked === undefined) return { start, duration: available, limit: false };
  if (asked > available + 1e-6) return { start, duration: available, limit: true, shortenedFrom: asked };
  return { start, duration: asked, limit: true };
}

/** Everything about one access copy, decided before ffmpeg runs. Pure. */
export function planAccess(input: {
  probe: ProbeResult;
  output: string;
  partial: string;
  segment: Segment;
  deinterlace: DeinterlaceDecision;
  settings: EncodeSettings;
  defaultWatermark: (aspect: WatermarkAspect) => string;
}): AccessPlan {
  const { probe, settings, deinterlace } = input;
  const video = firstStream(probe, 'video');
  if (!video || !video.width || !video.height) throw new InputError(`${probe.file}: no video stream to make an access copy from`, { file: probe.file });
  const fps = parseRate(video.frameRate) ?? 25;
  const frame = chooseFrameSize({ width: video.width, height: video.height, sampleAspectRatio: video.sampleAspectRatio });
  const colour = chooseColourTags(video, frame.height);
  const level = chooseH264Level(frame.width, frame.height, fps);
  const audioStream = firstStream(probe, 'audio');
  const audio = audioStream ? { ...chooseAudioMix(audioStream), stream: audioStream.index } : undefined;
  const watermarkPath =
    settings.watermark.kind === 'none' ? undefined : settings.watermark.kind === 'file' ? settings.watermark.path : input.defaultWatermark(frame.aspect);
  const watermark = watermarkPath === undefined ? undefined : { path: watermarkPath, opacity: settings.watermarkOpacity };
  const scan = scanTypeFromTag(video.fieldOrder);
  const graph = buildFilterGraph({
    video: `0:${video.index}`,
    deinterlace,
    keepFields: !deinterlace.deinterlace && (scan === 'tff' || scan === 'bff'),
    frame,
    colour,
    watermark: watermark ? { input: '1:v', opacity: watermark.opacity } : undefined,
    audio: audio ? { input: `0:${audio.stream}`, chain: audio.chain } : undefined,
  });
  return {
    source: probe.file,
    output: input.output,
    partial: input.partial,
    segment: input.segment,
    fps,
    frame,
    deinterlace,
    colour,
    level,
    ...(audio ? { audio } : {}),
    ...(watermark ? { watermark } : {}),
    settings,
    graph,
  };
}
