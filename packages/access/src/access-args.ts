import { colourArgs } from './colour-tags.js';
import type { AccessPlan } from './access-plan.js';
import { formatSeconds } from './time-value.js';

/**
 * ffmpeg's arguments (after -hide_banner etc.) for one access copy: one run, one graph.
 * Trim seeks on the input (-ss before -i: fast, and exact because ffmpeg decodes from the
 * preceding keyframe and drops what comes before); -t counts from there. No source
 * metadata or chapters pass; the copyright is ours. The output is a .partial, hence -f mp4.
 */
export function buildAccessArgs(plan: AccessPlan): string[] {
  const { segment, settings, level } = plan;
  const args: string[] = ['-y'];
  if (segment.start > 0) args.push('-ss', formatSeconds(segment.start));
  args.push('-i', plan.source);
  // png_pipe reads the file name literally (image2 would treat % in it as a pattern).
  if (plan.watermark) args.push('-f', 'png_pipe', '-i', plan.watermark.path);
  args.push('-filter_complex', plan.graph.graph, '-map', `[${plan.graph.videoLabel}]`);
  if (plan.graph.audioLabel) args.push('-map', `[${plan.graph.audioLabel}]`);
  if (segment.limit && segment.duration !== undefined) args.push('-t', formatSeconds(segment.duration));
  args.push('-map_metadata', '-1', '-map_chapters', '-1');
  args.push(
    '-c:v', 'libx264',
    '-preset', settings.preset,
    '-crf', String(settings.crf),
    '-profile:v', 'high',
    '-level:v', level.level,
    '-maxrate', `${level.maxrateKbps}k`,
    '-bufsize', `${level.bufsizeKbit}k`,
    '-pix_fmt', 'yuv420p',
    ...colourArgs(plan.colour),
  );
  if (plan.audio) args.push('-c:a', 'aac', '-b:a', settings.audioBitrate, '-ar', '48000', '-ac', '2');
  if (settings.copyright !== undefined) args.push('-metadata', `copyright=${settings.copyright}`);
  args.push('-movflags', '+faststart', '-f', 'mp4', plan.partial);
  return args;
}
