import { describe, expect, it } from 'vitest';
import { formatClock, formatSeconds, parseTime } from './time-value.js';

describe('parseTime', () => {
  it('reads plain seconds', () => {
    expect(parseTime('90')).toBe(90);
    expect(parseTime('12.5')).toBe(12.5);
    expect(parseTime('0')).toBe(0);
  });
  it('reads HH:MM:SS with and without milliseconds', () => {
    expect(parseTime('00:01:30')).toBe(90);
    expect(parseTime('01:00:00.040')).toBeCloseTo(3600.04, 9);
    expect(parseTime('10:59:59.5')).toBeCloseTo(39599.5, 9);
  });
  it('refuses anything else with a message naming the value', () => {
    for (const bad of ['', '-1', '1:30', '00:60:00', '00:00:61', 'abc', '1e3', '00:01:30,5']) {
      expect(() => parseTime(bad, '--start')).toThrow(/--start: expected seconds or HH:MM:SS/);
    }
  });
});

describe('formatSeconds / formatClock', () => {
  it('writes decimals ffmpeg reads, without float noise', () => {
    expect(formatSeconds(0.1 + 0.2)).toBe('0.3');
    expect(formatSeconds(12)).toBe('12');
    expect(formatSeconds(3600.04)).toBe('3600.04');
  });
  it('writes clocks for people', () => {
    expect(formatClock(75.04)).toBe('00:01:15.040');
    expect(formatClock(3600)).toBe('01:00:00.000');
  });
});
