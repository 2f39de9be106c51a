/**
 * The FFV1 preservation profile, in one place for every tool that makes FFV1:
 * version 3, intra-only, a CRC per slice, slices by frame size.
 */
export interface Ffv1Profile {
  width: number;
  height: number;
  /** Override the slice count chosen from the frame size. */
  slices?: number | undefined;
  /** Output stream specifier, e.g. "v" (all video) or "v:0". */
  stream?: string;
  /** Large context model: smaller files, slower (`-context 1`). */
  context?: boolean;
}

/** Slices per frame: 16 below HD, 24 from 1280x720 up (more threads, smaller damage per error). */
export function ffv1SliceCount(width: number, height: number): number {
  return width * height >= 1280 * 720 ? 24 : 16;
}

export function buildFfv1Args({ width, height, slices, stream = 'v', context = false }: Ffv1Profile): string[] {
  const n = slices ?? ffv1SliceCount(width, height);
  return [
    `-c:${stream}`, 'ffv1', `-level:${stream}`, '3', `-g:${stream}`, '1', `-slicecrc:${stream}`, '1', `-slices:${stream}`, String(n),
    ...(context ? [`-context:${stream}`, '1'] : []),
  ];
}
