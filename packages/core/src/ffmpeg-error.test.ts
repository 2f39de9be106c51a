import { describe, expect, it } from 'vitest';
import { FfmpegError } from './ffmpeg-error.js';

const failed = (stderrTail: string, file = '/in/tape.mov') => new FfmpegError('ffmpeg failed', { program: 'ffmpeg', args: [], exitCode: 1, signal: undefined, stderrTail, file });

describe('FfmpegError', () => {
  it('is about the input (exit 2) unless the machine refused to write', () => {
    expect(failed('/in/tape.mov: Invalid data found when processing input').exitCode).toBe(2);
    expect(failed('/in/tape.mov: Permission denied').exitCode).toBe(2);
  });
  it('is the environment (exit 3) when the output may not be written or the disk is full', () => {
    expect(failed('[out#0/mp4] Error opening output\n/out/tape_access.mp4.partial: Permission denied').exitCode).toBe(3);
    expect(failed('av_interleaved_write_frame(): No space left on device').exitCode).toBe(3);
    expect(failed('/out/x.mkv: Read-only file system').exitCode).toBe(3);
  });
});
