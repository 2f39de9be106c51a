/** The picture the access copy shows: square pixels at the source's display aspect. */
export interface FrameSize {
  width: number;
  height: number;
  /** True when the source frame must be resampled to get there. */
  scale: boolean;
  /** The watermark family that fits: 4:3, 16:9, or the nearest of them. */
  aspect: '4:3' | '16:9';
  /** Why this size, for the log. */
  reason: string;
}

export interface SourceFrame {
  width: number;
  height: number;
  /** As ffprobe writes it: "16:15", "4:3", "0:1" or absent. */
  sampleAspectRatio?: string | undefined;
}

const FOUR_THREE = 4 / 3;
const SIXTEEN_NINE = 16 / 9;

/**
 * Access-copy size rules. The archive sizes are handled exactly: SD (720/704 wide, 576/480
 * lines) at square pixels for its 4:3 or 16:9 picture (720x576 -> 768x576 or 1024x576),
 * HDV 1440x1080 -> 1920x1080, 1280x720 and 1920x1080 unchanged. Anything else keeps its
 * line count and gets the width its display aspect implies, both even (H.264 4:2:0).
 */
export function chooseFrameSize(source: SourceFrame): FrameSize {
  const { width, height } = source;
  const sar = parseRatio(source.sampleAspectRatio);
  const square = sar === undefined || sar === 1;

  if ((width === 720 || width === 704) && (height === 576 || height === 480)) {
    // SD is always shown at 4:3 or 16:9; a missing or 1:1 tag on SD is a missing tag.
    const dar = square ? FOUR_THREE : (width * sar!) / height;
    const aspect = nearestAspect(dar);
    const outWidth = even(height * (aspect === '4:3' ? FOUR_THREE : SIXTEEN_NINE));
    const why = square ? `SD ${width}x${height} without an aspect tag: shown at 4:3` : `SD ${width}x${height} at ${aspect}`;
    return { width: outWidth, height, scale: true, aspect, reason: `${why} -> ${outWidth}x${height} square pixels` };
  }
  if (width === 1440 && height === 1080) {
    // HDV and anamorphic 1080 are 16:9 by definition.
    return { width: 1920, height: 1080, scale: true, aspect: '16:9', reason: '1440x1080 anamorphic 16:9 -> 1920x1080' };
  }
  if (square && ((width === 1280 && height === 720) || (width === 1920 && height === 1080))) {
    return { width, height, scale: false, aspect: '16:9', reason: `${width}x${height} square pixels: kept` };
  }
  const dar = (width * (sar ?? 1)) / height;
  const outHeight = even(height);
  const outWidth = even(outHeight * dar);
  const scale = outWidth !== width || outHeight !== height;
  return {
    width: outWidth,
    height: outHeight,
    scale,
    aspect: nearestAspect(outWidth / outHeight),
    reason: scale
      ? `${width}x${height} (SAR ${source.sampleAspectRatio ?? 'none'}) -> ${outWidth}x${outHeight} square pixels`
      : `${width}x${height} square pixels: kept`,
  };
}

/** "16:15" or "16/15" -> 1.0667; undefined for "0:1", "N/A", garbage. */
export function parseRatio(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const m = /^(\d+)[:/](\d+)$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const d = Number(m[2]);
  return n > 0 && d > 0 ? n / d : undefined;
}

function nearestAspect(ratio: number): '4:3' | '16:9' {
  return Math.abs(ratio - FOUR_THREE) <= Math.abs(ratio - SIXTEEN_NINE) ? '4:3' : '16:9';
}

function even(x: number): number {
  return Math.max(2, 2 * Math.round(x / 2));
}
