import { describe, expect, it } from 'vitest';
import { ProgressParser, parseClock, toProgress, type FfmpegProgress } from './progress.js';

const BLOCK = `frame=25
fps=24.50
stream_0_0_q=-0.0
bitrate=N/A
total_size=1048576
out_time_us=1000000
out_time_ms=1000000
out_time=00:00:01.000000
dup_frames=0
drop_frames=0
speed=0.98x
progress=continue
`;

describe('ProgressParser', () => {
  it('emits one typed update per block, even when chunks split lines', () => {
    const seen: FfmpegProgress[] = [];
    const parser = new ProgressParser((p) => seen.push(p), { frames: 50 });
    parser.push(BLOCK.slice(0, 37));
    parser.push(BLOCK.slice(37));
    parser.push(BLOCK.replace('frame=25', 'frame=50').replace('progress=continue', 'progress=end'));
    expect(seen).toHaveLength(2);
    expect(seen[0]).toEqual({ frame: 25, fps: 24.5, outTime: 1, speed: 0.98, totalSize: 1048576, percent: 50, end: false });
    expect(seen[1]).toMatchObject({ frame: 50, percent: 100, end: true });
  });

  it('uses the duration for percent when the frame count is unknown, and ignores N/A', () => {
    const p = toProgress({ out_time_us: '5000000', speed: 'N/A', progress: 'continue' }, { durationSeconds: 20 });
    expect(p).toEqual({ outTime: 5, percent: 25, end: false });
  });
});

describe('parseClock', () => {
  it('reads HH:MM:SS.micro', () => {
    expect(parseClock('01:02:03.500000')).toBeCloseTo(3723.5);
    expect(parseClock('-00:00:00.040000')).toBeCloseTo(-0.04);
    expect(parseClock('garbage')).toBeUndefined();
  });
});
