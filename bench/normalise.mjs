// Placeholder until the normalise issue lands: measures only the first baseline, a bare
// ffmpeg FFV1 encode, so the harness has something real to run.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { makeCapture, SD_V210 } from '@avpres/fixtures';
import { best } from './measure.mjs';

export async function bench({ workDir, ffmpeg, log }) {
  mkdirSync(workDir, { recursive: true });
  const src = join(workDir, 'sd-20s.mov');
  log('making a 20 s SD v210 capture');
  await makeCapture(ffmpeg, { ...SD_V210, seconds: 20 }, src);
  const bare = await best(2, ffmpeg, ['-y', '-v', 'error', '-i', src, '-map', '0', '-c:v', 'ffv1', '-level', '3', '-g', '1', '-slicecrc', '1', '-slices', '16', '-c:a', 'flac', join(workDir, 'bare.mkv')]);
  return [{ tool: 'normalise', case: 'SD v210 20 s', label: 'bare ffmpeg FFV1 encode', ...bare }];
}
