import { describe, expect, it } from 'vitest';
import { chooseAudioMix } from './audio-mix.js';

const TAIL = 'aresample=48000,aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo';

describe('chooseAudioMix', () => {
  it('duplicates mono at full level', () => {
    expect(chooseAudioMix({ channels: 1, channelLayout: 'mono' }).chain).toBe(`pan=stereo|c0=c0|c1=c0,${TAIL}`);
  });
  it('passes stereo through the resampler only', () => {
    expect(chooseAudioMix({ channels: 2, channelLayout: 'stereo' })).toEqual({ chain: TAIL, description: 'stereo kept' });
  });
  it('folds a known surround layout with the standard matrix', () => {
    const mix = chooseAudioMix({ channels: 6, channelLayout: '5.1' });
    expect(mix.chain).toBe(TAIL);
    expect(mix.description).toMatch(/5\.1 folded down/);
  });
  it('keeps every discrete track when there is no layout', () => {
    expect(chooseAudioMix({ channels: 4 }).chain).toBe(`pan=stereo|c0=0.5*c0+0.5*c2|c1=0.5*c1+0.5*c3,${TAIL}`);
    expect(chooseAudioMix({ channels: 3, channelLayout: '3 channels' }).chain).toBe(`pan=stereo|c0=0.5*c0+0.5*c2|c1=1*c1,${TAIL}`);
  });
});
