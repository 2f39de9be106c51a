import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findInputs } from './find-inputs.js';

describe('findInputs', () => {
  it('replaces a folder by its media files, sorted, leaving out hidden files, other files, subfolders and our own copies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'avpres-find-'));
    for (const name of ['b.MOV', 'a tape.mkv', '.hidden.mov', 'notes.txt', 'x_access.mp4', 'clip.mp4', '-dash.avi']) writeFileSync(join(dir, name), '');
    mkdirSync(join(dir, 'sub.mov'));
    expect(await findInputs([dir])).toEqual(['-dash.avi', 'a tape.mkv', 'b.MOV', 'clip.mp4'].map((n) => join(dir, n)));
  });
  it('passes files (of any name) and missing paths through for the run to judge', async () => {
    expect(await findInputs(['/no/such/thing.mov', '/etc/hostname'])).toEqual(['/no/such/thing.mov', '/etc/hostname']);
  });
});
