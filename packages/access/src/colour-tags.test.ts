import { describe, expect, it } from 'vitest';
import { chooseColourTags, colourArgs } from './colour-tags.js';

describe('chooseColourTags', () => {
  it('uses BT.601 for untagged SD and BT.709 for untagged HD', () => {
    expect(chooseColourTags({}, 576)).toMatchObject({ primaries: 'bt470bg', transfer: 'bt709', matrix: 'smpte170m', basis: 'default' });
    expect(chooseColourTags({}, 480)).toMatchObject({ primaries: 'smpte170m', matrix: 'smpte170m' });
    expect(chooseColourTags({}, 1080)).toMatchObject({ primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', basis: 'default' });
    expect(chooseColourTags({}, 720).scaleOptions).toEqual([]);
  });
  it('keeps what the source says', () => {
    const pal = chooseColourTags({ colorPrimaries: 'bt470bg', colorTransfer: 'bt709', colorSpace: 'bt470bg' }, 576);
    expect(pal).toMatchObject({ primaries: 'bt470bg', matrix: 'bt470bg', basis: 'source' });
    const sdIn709 = chooseColourTags({ colorSpace: 'bt709' }, 576);
    expect(sdIn709).toMatchObject({ primaries: 'bt470bg', matrix: 'bt709', basis: 'mixed' });
  });
  it('ignores names it does not know rather than passing them to ffmpeg', () => {
    expect(chooseColourTags({ colorPrimaries: 'reserved', colorSpace: 'unknown' }, 1080)).toMatchObject({ primaries: 'bt709', matrix: 'bt709', basis: 'default' });
  });
  it('converts RGB with the matrix it tags, and full range to limited', () => {
    expect(chooseColourTags({ pixFmt: 'gbrp10le', colorSpace: 'rgb' }, 1080).scaleOptions).toEqual(['out_color_matrix=bt709', 'out_range=tv']);
    expect(chooseColourTags({ pixFmt: 'rgb48le' }, 576).scaleOptions).toEqual(['out_color_matrix=bt601', 'out_range=tv']);
    expect(chooseColourTags({ pixFmt: 'yuvj420p' }, 576).scaleOptions).toEqual(['out_range=tv']);
  });
});

describe('colourArgs', () => {
  it('writes all three tags and the range', () => {
    expect(colourArgs(chooseColourTags({}, 576))).toEqual([
      '-color_primaries', 'bt470bg', '-color_trc', 'bt709', '-colorspace', 'smpte170m', '-color_range', 'tv',
    ]);
  });
});
