import { describe, expect, it } from 'vitest';
import { globMatcher, globToRegExp } from './glob.js';

describe('globToRegExp', () => {
  it.each([
    ['*.mov', 'tape.mov', true],
    ['*.mov', 'tape.mkv', false],
    ['*.mov', 'a/tape.mov', false],
    ['a/*.mov', 'a/tape.mov', true],
    ['**/*.mov', 'tape.mov', true],
    ['**/*.mov', 'a/b/tape.mov', true],
    ['a/**', 'a/b/c.mov', true],
    ['a/**', 'b/c.mov', false],
    ['tape_00?.mov', 'tape_007.mov', true],
    ['tape_00?.mov', 'tape_0071.mov', false],
    ['tape_[0-4].mov', 'tape_3.mov', true],
    ['tape_[!0-4].mov', 'tape_3.mov', false],
    ['tape_[!0-4].mov', 'tape_7.mov', true],
    ['*.{mov,avi}', 'x.avi', true],
    ['*.{mov,avi}', 'x.mxf', false],
    ['(1).mov', '(1).mov', true],
    ['a+b.mov', 'a+b.mov', true],
    ['a+b.mov', 'aab.mov', false],
    ['\\*.mov', '*.mov', true],
    ['\\*.mov', 'x.mov', false],
  ])('%s against %s is %s', (glob, path, expected) => {
    expect(globToRegExp(glob).test(path)).toBe(expected);
  });

  it('refuses an unclosed brace', () => {
    expect(() => globToRegExp('*.{mov')).toThrow(/unclosed/);
  });
});

describe('globMatcher', () => {
  it('matches a slash-free pattern against the file name anywhere in the tree', () => {
    const m = globMatcher(['*_access.mp4']);
    expect(m('reel1/tape_access.mp4')).toBe(true);
    expect(m('reel1/tape.mp4')).toBe(false);
  });
  it('matches a pattern with a slash against the whole relative path', () => {
    const m = globMatcher(['reel1/*', './reel2/**']);
    expect(m('reel1/tape.mov')).toBe(true);
    expect(m('reel2/x/y.mov')).toBe(true);
    expect(m('reel3/tape.mov')).toBe(false);
  });
  it('matches nothing when given no patterns', () => {
    expect(globMatcher([])('tape.mov')).toBe(false);
  });
});
