import { Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '@avpres/core';
import { access, isPngFile, parseTime, type AccessOptions, type WatermarkChoice } from '@avpres/access';
import type { CommandEnv } from '../command-env.js';
import { addSharedOptions, sharedOptionsFrom } from '../shared-options.js';
import { runToolCommand } from '../tool-runner.js';

// ultrafast is left out: it turns off CABAC and 8x8 transforms, so x264 writes Constrained Baseline, not High.
const PRESETS = ['superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow'];

export function makeAccessCommand({ io, setExitCode }: CommandEnv): Command {
  const command = new Command('access')
    .description('watermarked H.264/AAC MP4 access copies: trimmed, deinterlaced, copyright-tagged, browser-ready')
    .requiredOption('-i, --input <file|folder>', 'a master, or a folder of them (repeatable)', collect, [])
    .requiredOption('-o, --output <dir>', 'output folder (made if missing): <stem>_access.mp4 per input')
    .option('--start <time>', 'start at this time (seconds or HH:MM:SS[.mmm])')
    .option('--end <time>', 'stop at this time of the source')
    .option('--duration <time>', 'length of the copy (instead of --end)')
    .addOption(new Option('--deinterlace <mode>', 'auto: field-order tag, else idet; on; off').choices(['auto', 'on', 'off']).default('auto'))
    .option('--watermark <png|none>', 'watermark image scaled to the frame, or none (default: the © mark in watermarks/)')
    .option('--watermark-opacity <0-1>', 'watermark opacity', '0.2')
    .option('--copyright <text>', 'copyright statement written into the MP4 copyright field')
    .option('--crf <n>', 'x264 constant rate factor, 0-51 (lower is better)', '18')
    .addOption(new Option('--preset <name>', 'x264 preset').choices(PRESETS).default('slow'))
    .option('--audio-bitrate <rate>', 'AAC bitrate', '192k')
    .addHelpText(
      'after',
      `
Sizes: 720x576 and 720x480 become square pixels at their 4:3 or 16:9 picture (768x576,
1024x576...); 1440x1080 becomes 1920x1080; 1280x720 and 1920x1080 stay; others keep their
lines and get square pixels. Interlaced pictures are deinterlaced (bwdif, one frame per
frame) when the field-order tag says so, or when idet clearly does where there is no tag.
Audio: AAC 48 kHz stereo. Each copy is written as .partial, checked with ffprobe and renamed.

Examples:
  $ avpres access -i tape_0042.mkv -o access --copyright "© 2026 Example Film Archive"
  $ makeaccess -i tape_0042.mov -o access --start 00:01:30 --duration 60 --watermark none
  $ avpres access -i /masters/2026-11 -o /web --preset medium --json > run.json
  $ avpres access -i tape.mov -o out --dry-run          # show the ffmpeg command only
  $ avpres access -i ./-tape_07.mkv -o out             # a name that starts with '-'`,
    );
  addSharedOptions(command);
  command.action(async (opts: Record<string, unknown>) => {
    const shared = sharedOptionsFrom(opts, io.cwd);
    const options = accessOptionsFrom(opts, io.cwd, shared.force);
    setExitCode(
      await runToolCommand({ tool: 'access', shared, outputDir: options.outputDir, needsMedia: true, execute: (ctx) => access(options, ctx) }, io),
    );
  });
  return command;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** commander's options -> AccessOptions, or a UsageError saying what was expected. */
export function accessOptionsFrom(opts: Record<string, unknown>, cwd: string, force: boolean): AccessOptions {
  const inputs = (opts['input'] as string[]).map((i) => resolve(cwd, i));
  if (inputs.length === 0) throw new UsageError('expected at least one -i <file|folder>');
  const outputDir = resolve(cwd, String(opts['output']));
  const time = (key: string, flag: string) => (opts[key] === undefined ? undefined : parseTime(String(opts[key]), flag));
  const start = time('start', '--start');
  const end = time('end', '--end');
  const duration = time('duration', '--duration');
  if (end !== undefined && duration !== undefined) throw new UsageError('give --end or --duration, not both');
  if (end !== undefined && end <= (start ?? 0)) throw new UsageError(`--end: expected a time after --start (${start ?? 0} s), got ${String(opts['end'])}`);
  if (duration !== undefined && duration <= 0) throw new UsageError(`--duration: expected more than 0, got ${String(opts['duration'])}`);

  const opacity = Number(opts['watermarkOpacity']);
  if (!(opacity > 0 && opacity <= 1)) throw new UsageError(`--watermark-opacity: expected a number above 0 and at most 1, got ${String(opts['watermarkOpacity'])}`);
  const crf = Number(opts['crf']);
  if (!Number.isInteger(crf) || crf < 0 || crf > 51) throw new UsageError(`--crf: expected a whole number 0-51, got ${String(opts['crf'])}`);
  const audioBitrate = String(opts['audioBitrate']);
  if (!/^\d+(\.\d+)?k$/.test(audioBitrate) || Number.parseFloat(audioBitrate) < 32 || Number.parseFloat(audioBitrate) > 512) {
    throw new UsageError(`--audio-bitrate: expected 32k-512k, got ${audioBitrate}`);
  }
  let watermark: WatermarkChoice = { kind: 'default' };
  if (typeof opts['watermark'] === 'string') {
    if (opts['watermark'] === 'none') watermark = { kind: 'none' };
    else {
      const path = resolve(cwd, opts['watermark']);
      if (!existsSync(path)) throw new UsageError(`--watermark: expected a PNG file or none, got ${opts['watermark']} (not found)`);
      // Checked here: given something else, ffmpeg fails mid-encode and the error names the master.
      if (!isPngFile(path)) throw new UsageError(`--watermark: expected a PNG file or none, got ${opts['watermark']} (not a PNG image)`);
      watermark = { kind: 'file', path };
    }
  }
  const copyright = typeof opts['copyright'] === 'string' ? opts['copyright'] : undefined;
  return {
    inputs,
    outputDir,
    start,
    end,
    duration,
    deinterlace: opts['deinterlace'] as AccessOptions['deinterlace'],
    force,
    settings: { crf, preset: String(opts['preset']), audioBitrate, copyright, watermark, watermarkOpacity: opacity },
  };
}
