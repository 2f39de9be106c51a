import type { ProbeResult } from '@avpres/media';
import type { AccessPlan } from './access-plan.js';
import { firstStream } from './access-plan.js';

/**
 * What ffprobe must see in a finished access copy: one H.264 High 4:2:0 picture of the
 * planned size with square pixels, progressive; AAC 48 kHz stereo when the source had sound
 * and none otherwise; the planned length within one frame; our copyright. Returns the
 * problems found (empty: the copy passes).
 */
export function checkAccessOutput(probe: ProbeResult, plan: AccessPlan): string[] {
  const problems: string[] = [];
  const videos = probe.streams.filter((s) => s.codecType === 'video');
  const audios = probe.streams.filter((s) => s.codecType === 'audio');
  const video = firstStream(probe, 'video');
  if (videos.length !== 1 || !video) {
    problems.push(`expected one video stream, found ${videos.length}`);
  } else {
    const expect = (what: string, got: unknown, want: unknown) => {
      if (got !== want) problems.push(`${what} is ${got === undefined ? 'missing' : String(got)}, expected ${String(want)}`);
    };
    expect('video codec', video.codecName, 'h264');
    expect('H.264 profile', video.profile, 'High');
    expect('pixel format', video.pixFmt, 'yuv420p');
    expect('size', `${video.width}x${video.height}`, `${plan.frame.width}x${plan.frame.height}`);
    if (video.sampleAspectRatio !== undefined && video.sampleAspectRatio !== '1:1') expect('pixel aspect', video.sampleAspectRatio, '1:1');
    if (video.fieldOrder !== undefined && plan.deinterlace.deinterlace) expect('field order', video.fieldOrder, 'progressive');
    const want = plan.segment.duration;
    const got = video.duration ?? probe.duration;
    if (want !== undefined) {
      const frame = 1 / plan.fps;
      if (got === undefined) problems.push('duration missing');
      // Half a millisecond of slack for timestamp rounding in the container.
      else if (Math.abs(got - want) > frame + 0.0005) problems.push(`duration ${got.toFixed(3)} s, expected ${want.toFixed(3)} s (within one frame, ${frame.toFixed(3)} s)`);
    }
  }
  if (plan.audio) {
    const audio = audios[0];
    if (audios.length !== 1 || !audio) problems.push(`expected one audio stream, found ${audios.length}`);
    else {
      if (audio.codecName !== 'aac') problems.push(`audio codec is ${audio.codecName}, expected aac`);
      if (audio.sampleRate !== 48000) problems.push(`audio rate is ${audio.sampleRate ?? 'missing'}, expected 48000`);
      if (audio.channels !== 2) problems.push(`audio has ${audio.channels ?? 'no'} channels, expected 2`);
    }
  } else if (audios.length > 0) {
    problems.push(`expected no audio stream, found ${audios.length}`);
  }
  const copyright = plan.settings.copyright;
  if (copyright !== undefined && probe.tags['copyright'] !== copyright) {
    problems.push(`copyright tag is ${JSON.stringify(probe.tags['copyright'] ?? null)}, expected ${JSON.stringify(copyright)}`);
  }
  if (!probe.size || probe.size <= 0) problems.push('file is empty');
  return problems;
}
