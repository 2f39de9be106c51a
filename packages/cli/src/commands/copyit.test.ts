import { describe, expect, it } from 'vitest';
import { copyitOptionsFrom } from './copyit.js';
import type { SharedOptions } from '../shared-options.js';

const shared: SharedOptions = { json: false, quiet: false, verbose: false, dryRun: false, force: false, user: 'tester', ffmpeg: undefined, ffprobe: undefined, logDir: undefined };
const from = (opts: Record<string, unknown>, paths = ['tape.mov', 'dest']) => copyitOptionsFrom(paths, opts, shared, '/work');

describe('copyitOptionsFrom', () => {
  it("leaves the check to copyit's default (bytes) unless asked, and resolves paths against cwd", () => {
    const o = from({});
    expect(o).toMatchObject({ sources: ['/work/tape.mov'], destination: '/work/dest', algorithm: 'md5', force: false, overwrite: false });
    expect(o.verifyAlgorithm).toBeUndefined();
  });
  it('takes --verify, or its old name --verify-hash, or both when they agree', () => {
    expect(from({ verify: 'md5' }).verifyAlgorithm).toBe('md5');
    expect(from({ verifyHash: 'xxh128' }).verifyAlgorithm).toBe('xxh128');
    expect(from({ verify: 'sha256', verifyHash: 'sha256' }).verifyAlgorithm).toBe('sha256');
  });
  it('refuses --verify and --verify-hash that disagree, rather than pick one', () => {
    expect(() => from({ verify: 'bytes', verifyHash: 'md5' })).toThrow('--verify bytes and --verify-hash md5 disagree');
  });
  it('names the option that was given a wrong value', () => {
    expect(() => from({ verify: 'nope' })).toThrow('--verify: expected one of bytes, md5, sha256, sha512, xxh128, got nope');
    expect(() => from({ verifyHash: 'crc32' })).toThrow('--verify-hash: expected one of bytes, md5, sha256, sha512, xxh128, got crc32');
    expect(() => from({ algorithm: 'bytes' })).toThrow('--algorithm: expected one of md5, sha256, sha512, xxh128, got bytes');
    expect(() => from({ jobs: '0' })).toThrow('--jobs: expected a whole number from 1 to 256, got 0');
    expect(() => from({}, ['dest'])).toThrow('expected one or more sources and a destination folder, got 1 path');
    expect(() => from({}, ['/w/reel', '/w/reel/sub'])).toThrow('refusing to copy /w/reel into itself');
  });
});
