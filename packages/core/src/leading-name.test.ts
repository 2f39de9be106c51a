import { describe, expect, it } from 'vitest';
import { withoutLeadingName } from './leading-name.js';

describe('withoutLeadingName', () => {
  it('drops the name only where the text begins with it', () => {
    expect(withoutLeadingName('/in/a.mov: not media', '/in/a.mov')).toBe('not media');
    expect(withoutLeadingName('/in/size/f5.dpx: mixed frame sizes in /in/size: 320x240', '/in/size')).toBe('/in/size/f5.dpx: mixed frame sizes in /in/size: 320x240');
    expect(withoutLeadingName('gap after frame 4', '/in/reel')).toBe('gap after frame 4');
  });
});
