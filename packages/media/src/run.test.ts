import { describe, expect, it } from 'vitest';
import { FfmpegError, InterruptedError } from '@avpres/core';
import { requireTool } from './locate.js';
import { ffmpegInvocation, lastMeaningfulLine, runProgram } from './run.js';
import type { FfmpegProgress } from './progress.js';

const ffmpeg = requireTool('ffmpeg', { env: process.env, cwd: process.cwd() }).path;
const source = (seconds: number) => ['-f', 'lavfi', '-i', `testsrc2=size=320x240:rate=25:duration=${seconds}`];

describe('runProgram with the real ffmpeg', () => {
  it('streams typed progress from -progress and finishes with the last block', async () => {
    const seen: FfmpegProgress[] = [];
    await runProgram(ffmpeg, ffmpegInvocation([...source(2), '-f', 'framemd5', '-y', '/dev/null'], { progress: true }), {
      onProgress: (p) => seen.push(p),
      totals: { frames: 50 },
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toMatchObject({ end: true, frame: 50, percent: 100 });
  });

  it('throws FfmpegError with the reason from stderr and the argv', async () => {
    const args = ffmpegInvocation(['-i', '/nonexistent/input.mov', '-f', 'null', '-']);
    const error = await runProgram(ffmpeg, args, { file: '/nonexistent/input.mov' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FfmpegError);
    expect((error as FfmpegError).message).toMatch(/ffmpeg failed on \/nonexistent\/input\.mov: .*No such file or directory/);
    expect((error as FfmpegError).args).toEqual(args);
    expect((error as FfmpegError).processExitCode).not.toBe(0);
  });

  it('kills ffmpeg when the signal aborts mid-run and throws InterruptedError', async () => {
    const controller = new AbortController();
    let lastFrame = 0;
    const run = runProgram(ffmpeg, ffmpegInvocation([...source(600), '-f', 'framemd5', '-y', '/dev/null'], { progress: true }), {
      signal: controller.signal,
      onProgress: (p) => {
        lastFrame = p.frame ?? lastFrame;
        if ((p.frame ?? 0) > 10 && !controller.signal.aborted) controller.abort();
      },
    });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    // Stopped near where it was aborted, not after the 15,000 frames it was asked for.
    expect(lastFrame).toBeLessThan(15_000);
  });
});

describe('lastMeaningfulLine', () => {
  it('skips ffmpeg’s closing boilerplate', () => {
    expect(lastMeaningfulLine('a\nmoov atom not found\nConversion failed!\n')).toBe('moov atom not found');
  });
});
