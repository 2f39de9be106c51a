#!/usr/bin/env node
// Redraws the default watermarks (a © mark, geometry only, no fonts) into this folder.
// Deterministic: the same pixels every time; `npm run build` first (it uses packages/access/dist).
import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_WATERMARKS, drawDefaultWatermark } from '../packages/access/dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
for (const [aspect, { file, width, height }] of Object.entries(DEFAULT_WATERMARKS)) {
  const png = drawDefaultWatermark(aspect);
  writeFileSync(join(here, file), png);
  console.log(`${file}: ${width}x${height} (${aspect}), ${png.length} bytes`);
}
