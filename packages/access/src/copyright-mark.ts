/** Where the mark sits in the frame, as fractions of width and height (for tests and docs). */
export interface MarkBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

const SUBSAMPLES = 4; // 4x4 samples per pixel: smooth edges without a rasteriser library

/**
 * A © drawn with geometry only (no fonts): a ring and an open "C", white with a dark edge
 * so it reads on light and dark pictures, in the lower-right corner of a transparent
 * frame. Returns straight (not premultiplied) RGBA.
 */
export function drawCopyrightMark(width: number, height: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  const g = markGeometry(width, height);
  const x0 = Math.max(0, Math.floor(g.cx - g.extent));
  const x1 = Math.min(width, Math.ceil(g.cx + g.extent));
  const y0 = Math.max(0, Math.floor(g.cy - g.extent));
  const y1 = Math.min(height, Math.ceil(g.cy + g.extent));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      let white = 0;
      let edge = 0;
      for (let sy = 0; sy < SUBSAMPLES; sy++) {
        for (let sx = 0; sx < SUBSAMPLES; sx++) {
          const px = x + (sx + 0.5) / SUBSAMPLES - g.cx;
          const py = y + (sy + 0.5) / SUBSAMPLES - g.cy;
          const d = distanceToMark(px, py, g);
          if (d <= g.stroke / 2) white++;
          else if (d <= g.stroke / 2 + g.outline) edge++;
        }
      }
      const covered = white + edge;
      if (covered === 0) continue;
      const i = (y * width + x) * 4;
      const level = Math.round((255 * white) / covered);
      rgba[i] = level;
      rgba[i + 1] = level;
      rgba[i + 2] = level;
      rgba[i + 3] = Math.round((255 * covered) / (SUBSAMPLES * SUBSAMPLES));
    }
  }
  return rgba;
}

/** The square the mark occupies, as fractions of the frame. */
export function markBox(width: number, height: number): MarkBox {
  const g = markGeometry(width, height);
  return {
    x: (g.cx - g.extent) / width,
    y: (g.cy - g.extent) / height,
    width: (2 * g.extent) / width,
    height: (2 * g.extent) / height,
  };
}

interface Geometry {
  cx: number;
  cy: number;
  ring: number;
  arc: number;
  stroke: number;
  outline: number;
  /** Half-angle of the C's opening, radians. */
  gap: number;
  extent: number;
}

// Sizes follow the frame height, so the mark looks the same at 4:3 and 16:9.
function markGeometry(width: number, height: number): Geometry {
  const ring = 0.1 * height;
  const stroke = 0.022 * height;
  const outline = 0.006 * height;
  const margin = 0.06 * height;
  const extent = ring + stroke / 2 + outline + 1;
  return { cx: width - margin - ring, cy: height - margin - ring, ring, arc: 0.52 * ring, stroke, outline, gap: (50 * Math.PI) / 180, extent };
}

/** Distance from a point (relative to the centre) to the nearest centre line of the mark. */
function distanceToMark(px: number, py: number, g: Geometry): number {
  const r = Math.hypot(px, py);
  const toRing = Math.abs(r - g.ring);
  const angle = Math.atan2(py, px);
  let toArc: number;
  if (Math.abs(angle) >= g.gap) {
    toArc = Math.abs(r - g.arc);
  } else {
    // Inside the opening: distance to the nearer end of the C (round caps).
    const ex = g.arc * Math.cos(g.gap);
    const ey = g.arc * Math.sin(g.gap);
    toArc = Math.min(Math.hypot(px - ex, py - ey), Math.hypot(px - ex, py + ey));
  }
  return Math.min(toRing, toArc);
}
