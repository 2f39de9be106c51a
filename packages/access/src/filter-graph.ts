import type { ColourTags } from './colour-tags.js';
import type { DeinterlaceDecision } from './field-order.js';
import type { FrameSize } from './frame-size.js';

export interface GraphSpec {
  /** ffmpeg stream specifier of the source video, e.g. "0:0". */
  video: string;
  deinterlace: DeinterlaceDecision;
  /** True when the source is interlaced but left so (--deinterlace off): scale field-aware. */
  keepFields: boolean;
  frame: FrameSize;
  colour: ColourTags;
  watermark?: { input: string; opacity: number } | undefined;
  audio?: { input: string; chain: string } | undefined;
}

export interface FilterGraph {
  graph: string;
  videoLabel: string;
  audioLabel?: string;
}

/**
 * The one filter graph of an access copy. Deinterlacing comes first, on the source frame
 * (bwdif, one frame out per frame in, explicit parity); then one scale to the output
 * size that also converts to 8-bit 4:2:0 (the format filter after it sets what scale
 * produces); square pixels; then the watermark, scaled to the frame, its alpha multiplied
 * by the opacity, laid over the picture.
 */
export function buildFilterGraph(spec: GraphSpec): FilterGraph {
  const video: string[] = [];
  if (spec.deinterlace.deinterlace) video.push(`bwdif=mode=send_frame:parity=${spec.deinterlace.parity ?? 'tff'}`);
  const scaleOptions = [`w=${spec.frame.width}`, `h=${spec.frame.height}`, ...spec.colour.scaleOptions];
  if (spec.keepFields) scaleOptions.push('interl=1');
  video.push(`scale=${scaleOptions.join(':')}`, 'setsar=1', 'format=yuv420p');

  const chains: string[] = [];
  if (spec.watermark) {
    const { width, height } = spec.frame;
    chains.push(`[${spec.video}]${video.join(',')}[main]`);
    chains.push(`[${spec.watermark.input}]scale=w=${width}:h=${height},format=rgba,colorchannelmixer=aa=${opacity(spec.watermark.opacity)}[mark]`);
    chains.push('[main][mark]overlay=x=0:y=0,setsar=1,format=yuv420p[vout]');
  } else {
    chains.push(`[${spec.video}]${video.join(',')}[vout]`);
  }
  if (spec.audio) chains.push(`[${spec.audio.input}]${spec.audio.chain}[aout]`);
  return { graph: chains.join(';'), videoLabel: 'vout', ...(spec.audio ? { audioLabel: 'aout' } : {}) };
}

function opacity(x: number): string {
  return Number(x.toFixed(4)).toString();
}
