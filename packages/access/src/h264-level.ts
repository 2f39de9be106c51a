/** An H.264 level and the rate limits that make the claim true. */
export interface H264Level {
  /** As x264 takes it: "3.1", "4". */
  level: string;
  /** High profile maximum bitrate and VBV buffer, kbit/s and kbit (Table A-1 x 1.25). */
  maxrateKbps: number;
  bufsizeKbit: number;
}

// H.264 Table A-1: level, MaxMBPS (macroblocks/s), MaxFS (macroblocks), MaxBR, MaxCPB (kbit/s, kbit).
const LEVELS: ReadonlyArray<readonly [string, number, number, number, number]> = [
  ['3', 40_500, 1_620, 10_000, 10_000],
  ['3.1', 108_000, 3_600, 14_000, 14_000],
  ['3.2', 216_000, 5_120, 20_000, 20_000],
  ['4', 245_760, 8_192, 20_000, 25_000],
  ['4.1', 245_760, 8_192, 50_000, 62_500],
  ['4.2', 522_240, 8_704, 50_000, 62_500],
  ['5', 589_824, 22_080, 135_000, 135_000],
  ['5.1', 983_040, 36_864, 240_000, 240_000],
  ['5.2', 2_073_600, 36_864, 240_000, 240_000],
];

/** High profile allows 1.25x the base bitrate and buffer (Table A-2, cpbBrVclFactor 1250). */
const HIGH_FACTOR = 1.25;

/**
 * The smallest level (from 3, which every player handles) whose frame size, macroblock rate
 * and frame dimensions hold the picture. The caller passes the rate limits to x264 as
 * -maxrate/-bufsize, so a CRF encode cannot exceed what the level promises.
 */
export function chooseH264Level(width: number, height: number, fps: number): H264Level {
  const mbWide = Math.ceil(width / 16);
  const mbHigh = Math.ceil(height / 16);
  const frameMbs = mbWide * mbHigh;
  const mbps = frameMbs * fps;
  for (const [level, maxMbps, maxFs, maxBr, maxCpb] of LEVELS) {
    // A.3.1: neither dimension may exceed sqrt(8 * MaxFS) macroblocks.
    const maxDim = Math.sqrt(8 * maxFs);
    if (frameMbs <= maxFs && mbps <= maxMbps && mbWide <= maxDim && mbHigh <= maxDim) {
      return { level, maxrateKbps: Math.round(maxBr * HIGH_FACTOR), bufsizeKbit: Math.round(maxCpb * HIGH_FACTOR) };
    }
  }
  throw new RangeError(`${width}x${height} at ${fps} fps exceeds H.264 level 5.2`);
}
