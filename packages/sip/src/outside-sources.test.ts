import { describe, expect, it } from 'vitest';
import { UsageError } from '@avpres/core';
import { checkOutputOutsideSources } from './outside-sources.js';

describe('checkOutputOutsideSources', () => {
  it('refuses the source folder itself and anything below it, by path, and nothing else', () => {
    for (const output of ['/in/day1', '/in/day1/', '/in/day1/sips/oe3', '/in/day1/..sips']) {
      expect(() => checkOutputOutsideSources(['/in/other', '/in/day1'], output), output).toThrow(UsageError);
    }
    expect(() => checkOutputOutsideSources(['/in/day1'], '/in/day1/sips')).toThrow('the output /in/day1/sips is inside the source folder /in/day1');
    for (const output of ['/in', '/in/day10', '/in/day1.sips', '/out/oe3']) expect(() => checkOutputOutsideSources(['/in/day1'], output), output).not.toThrow();
  });
});
