import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { VerificationError } from '@avpres/core';
import { Logger } from '@avpres/log';
import { findOnPath, resolveToolset, type ToolContext } from '@avpres/media';
import { fixture } from '@avpres/fixtures';
import { checkPolicy, parseMediaconch, POLICY } from './policy-check.js';

describe('parseMediaconch', () => {
  it('reads the verdict and the failed rules', () => {
    const out = 'fail! /x.mkv\n   --  [fail:avpres preservation master]\n   --   [fail:CRC per slice]\n';
    expect(parseMediaconch(out)).toEqual({ pass: false, failed: ['avpres preservation master', 'CRC per slice'] });
    expect(parseMediaconch('pass! /x.mkv\n')).toEqual({ pass: true, failed: [] });
  });
  it('keeps the policy file in the package', () => {
    expect(existsSync(POLICY)).toBe(true);
  });
});

const mediaconch = findOnPath('mediaconch', process.env['PATH']);

const title = `checkPolicy with the real mediaconch${mediaconch ? '' : ' (skipped: mediaconch not installed)'}`;
describe.skipIf(!mediaconch)(title, () => {
  async function context(): Promise<ToolContext> {
    const logger = new Logger({ tool: 'test', version: '0', user: 'test', commandLine: [] });
    const tools = await resolveToolset({ env: process.env, cwd: process.cwd() });
    return { logger, tools, signal: new AbortController().signal, cwd: process.cwd(), env: process.env, dryRun: false, print: () => undefined };
  }

  it('fails a file that is not FFV1/Matroska: a warning, or with strict a VerificationError', async () => {
    const mov = await fixture('sd-v210-timecode');
    const ctx = await context();
    const lenient = await checkPolicy(mov, 'x.mov', ctx, false);
    expect(lenient).toMatchObject({ ran: true, pass: false });
    expect(lenient.detail).toMatch(/Video is FFV1/);
    expect(ctx.logger.recordedEvents.at(-1)).toMatchObject({ type: 'validation', outcome: 'warning' });
    await expect(checkPolicy(mov, 'x.mov', ctx, true)).rejects.toBeInstanceOf(VerificationError);
  });
});
