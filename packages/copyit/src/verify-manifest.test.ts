import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '@avpres/core';
import { Logger } from '@avpres/log';
import type { ToolContext } from '@avpres/media';
import { verifyManifest } from './verify-manifest.js';

function context(dryRun: boolean): ToolContext {
  const logger = new Logger({ tool: 'avpres verify', version: '0.1.0', user: 'ana', commandLine: ['avpres', 'verify'] });
  const tools = {} as ToolContext['tools']; // verify runs no ffmpeg
  return { logger, tools, signal: new AbortController().signal, cwd: tmpdir(), env: {}, dryRun, print: () => {} };
}

describe('verifyManifest', () => {
  it('refuses a manifest that lists no files (empty, or blank lines only) as an InputError naming it, even with --dry-run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'avpres-verify-manifest-'));
    const folder = join(dir, 'somefolder');
    await mkdir(folder);
    await writeFile(join(folder, 'a.txt'), 'a');
    for (const [name, text] of [['empty.md5', ''], ['blank.md5', '\n\r\n  \n']]) {
      const manifest = join(dir, name);
      await writeFile(manifest, text);
      for (const dryRun of [false, true]) {
        const run = verifyManifest({ manifest, folder, wholeFolder: false }, context(dryRun));
        await expect(run).rejects.toBeInstanceOf(InputError);
        await expect(run).rejects.toThrow(`${manifest}: lists no files`);
      }
    }
  });
});
