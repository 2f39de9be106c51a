import type { Framehash } from '@avpres/fixity';

/**
 * Whether a source decodes to less than its container declares: the seconds its decoded
 * video frames cover (their framemd5 timestamps) against the video stream's declared
 * duration, with one frame of slack. A capture cut off after its index decodes cleanly up
 * to the cut, so output and source agree frame for frame and only this shows the loss.
 * Frames are not counted: an AVI's index can declare entries that hold no picture
 * (dropped-frame placeholders), and those are no loss.
 */
export function cutOff(source: Framehash, stream: number, declaredSeconds: number | undefined): { covered: number; declared: number } | undefined {
  if (declaredSeconds === undefined || !(declaredSeconds > 0)) return undefined;
  const tb = rational(source.streams.get(stream)?.timeBase);
  const frames = source.frames.filter((f) => f.stream === stream);
  if (tb === undefined || frames.length === 0) return undefined;
  const first = frames[0]!;
  const last = frames.reduce((a, b) => (b.pts > a.pts ? b : a));
  const frame = (last.duration || 1) * tb;
  const covered = (last.pts + (last.duration || 1) - first.pts) * tb;
  return covered + frame + 0.001 < declaredSeconds ? { covered, declared: declaredSeconds } : undefined;
}

function rational(text: string | undefined): number | undefined {
  const [n, d] = (text ?? '').split('/').map(Number);
  return n !== undefined && d !== undefined && n > 0 && d > 0 ? n / d : undefined;
}
