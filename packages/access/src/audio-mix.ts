/** How the first audio stream becomes AAC-ready 48 kHz stereo. */
export interface AudioMix {
  /** Filter chain (no labels) for the audio branch of the graph. */
  chain: string;
  description: string;
}

export interface SourceAudio {
  channels?: number | undefined;
  channelLayout?: string | undefined;
}

/** The format every access copy's audio ends in; aformat makes the filter graph convert to it. */
const STEREO_48K = 'aresample=48000,aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo';

/**
 * Mono is copied to both sides at full level (a -3 dB pan would make it quieter than the
 * programme it came from). Stereo passes. A known surround layout (5.1, quad...) is folded
 * down with ffmpeg's standard matrix (centre and surrounds at -3 dB, LFE dropped,
 * normalised so it cannot clip). Several channels without a layout (discrete tracks of a
 * capture) are all kept: odd tracks to the left, even to the right, each side averaged.
 */
export function chooseAudioMix(audio: SourceAudio): AudioMix {
  const channels = audio.channels ?? 2;
  if (channels === 1) return { chain: `pan=stereo|c0=c0|c1=c0,${STEREO_48K}`, description: 'mono copied to both channels' };
  if (channels === 2) return { chain: STEREO_48K, description: 'stereo kept' };
  if (hasLayout(audio.channelLayout)) {
    return { chain: STEREO_48K, description: `${audio.channelLayout} folded down to stereo (standard matrix, LFE dropped)` };
  }
  const left: number[] = [];
  const right: number[] = [];
  for (let c = 0; c < channels; c++) (c % 2 === 0 ? left : right).push(c);
  const side = (list: number[]) => list.map((c) => `${round(1 / list.length)}*c${c}`).join('+');
  return {
    chain: `pan=stereo|c0=${side(left)}|c1=${side(right)},${STEREO_48K}`,
    description: `${channels} channels without a layout: odd tracks mixed left, even tracks right`,
  };
}

function hasLayout(layout: string | undefined): boolean {
  return layout !== undefined && layout !== '' && layout !== 'unknown' && !/^\d+ channels?$/.test(layout);
}

function round(x: number): string {
  return Number(x.toFixed(4)).toString();
}
