import { Command } from 'commander';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from '@avpres/core';
import { makeCapture, SD_V210 } from '@avpres/fixtures';
import { normalise } from '@avpres/normalise';
import { resolveToolset } from '@avpres/media';
import type { CommandEnv } from '../command-env.js';
import { addSharedOptions, sharedOptionsFrom } from '../shared-options.js';
import { runToolCommand } from '../tool-runner.js';
import { VERSION } from '../version.js';

/** A first run for a new user: a synthetic capture, normalised and proven, and where it all went. */
export function makeDemoCommand({ io, setExitCode }: CommandEnv): Command {
  const command = new Command('demo')
    .description('make a short sample capture (720x576 interlaced v210 + 24-bit PCM) and normalise it, to see the toolbox work')
    .option('-o, --output <dir>', 'folder for the sample and the results (default: a new temporary folder)')
    .option('--seconds <n>', 'length of the sample capture', '5')
    .addHelpText('after', '\nExample:\n  $ npx avpres demo\n  $ npx avpres demo -o ~/avpres-demo --seconds 20');
  addSharedOptions(command);
  command.action(async (opts: Record<string, unknown>) => {
    const shared = sharedOptionsFrom(opts, io.cwd);
    const seconds = Number(opts['seconds']);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) {
      throw new UsageError(`--seconds: expected a number from 1 to 600, got ${String(opts['seconds'])}`);
    }
    const base = typeof opts['output'] === 'string' ? resolve(io.cwd, opts['output']) : await mkdtemp(join(tmpdir(), 'avpres-demo-'));
    const sample = join(base, 'capture', 'demo_capture.mov');
    const outputDir = join(base, 'normalised');
    const tools = await resolveToolset({ ffmpeg: shared.ffmpeg, ffprobe: shared.ffprobe, env: io.env, cwd: io.cwd });
    if (!shared.dryRun) {
      await mkdir(join(base, 'capture'), { recursive: true });
      io.stderr.write(`making a ${seconds} s sample capture: ${sample}\n`);
      await makeCapture(tools.ffmpeg.path, { ...SD_V210, seconds }, sample);
    }
    const code = await runToolCommand(
      {
        tool: 'normalise',
        shared,
        outputDir,
        needsMedia: true,
        execute: (ctx) => normalise({ inputs: [sample], outputDir, allowLossy: false, force: shared.force, strict: false }, ctx, VERSION),
      },
      io,
    );
    io.stderr.write(`\ndemo: the sample capture is in ${join(base, 'capture')}, the FFV1/MKV and its proof in ${outputDir}\n`);
    setExitCode(code);
  });
  return command;
}
