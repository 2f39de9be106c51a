import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ExitCode, AvpresError, exitCodeFor } from '@avpres/core';
import {
  ffmpegCapabilities,
  missingCapabilities,
  resolveOptionalTool,
  resolveToolset,
  type Requirements,
  type ResolvedTool,
} from '@avpres/media';
import type { CommandEnv } from '../command-env.js';
import { addSharedOptions, sharedOptionsFrom } from '../shared-options.js';

/** What the toolbox as a whole needs from ffmpeg. */
export const REQUIRED: Required<Requirements> = {
  encoders: ['ffv1', 'flac', 'libx264', 'aac', 'pcm_s24le'],
  decoders: ['v210', 'ffv1', 'dpx', 'tiff', 'flac', 'h264'],
  filters: ['bwdif', 'overlay', 'idet', 'asetnsamples', 'scale', 'colorchannelmixer'],
  muxers: ['matroska', 'mp4', 'framemd5', 'md5'],
};

interface DoctorReport {
  ok: boolean;
  exitCode: number;
  tools: Record<string, { path: string; source: string; version: string } | { missing: string }>;
  mediainfoJs: string;
  missingCapabilities: string[];
}

export function makeDoctorCommand({ io, setExitCode }: CommandEnv): Command {
  const command = new Command('doctor')
    .description('show which ffmpeg, ffprobe, MediaInfo and RAWcooked will run, their versions, and what is missing')
    .addHelpText('after', '\nExample:\n  $ avpres doctor\n  $ avpres doctor --ffmpeg /usr/bin/ffmpeg --json');
  addSharedOptions(command, { outputs: false });
  command.action(async (opts: Record<string, unknown>) => {
    const shared = sharedOptionsFrom(opts, io.cwd);
    const report: DoctorReport = { ok: true, exitCode: 0, tools: {}, mediainfoJs: mediainfoJsVersion(), missingCapabilities: [] };
    const lines: string[] = [];
    const show = (label: string, tool: ResolvedTool | undefined, note: string) => {
      if (tool) {
        report.tools[label] = { path: tool.path, source: tool.source, version: tool.version };
        lines.push(`${label.padEnd(11)} ${tool.version.padEnd(28)} ${tool.path} (${tool.source})`);
      } else {
        report.tools[label] = { missing: note };
        lines.push(`${label.padEnd(11)} ${'not found'.padEnd(28)} ${note}`);
      }
    };
    try {
      const tools = await resolveToolset({ ffmpeg: shared.ffmpeg, ffprobe: shared.ffprobe, env: io.env, cwd: io.cwd });
      show('ffmpeg', tools.ffmpeg, '');
      show('ffprobe', tools.ffprobe, '');
      report.missingCapabilities = missingCapabilities(await ffmpegCapabilities(tools.ffmpeg.path), REQUIRED);
    } catch (error) {
      if (!(error instanceof AvpresError)) throw error;
      report.ok = false;
      report.exitCode = exitCodeFor(error);
      // On stderr as well: seen even when the report goes to a file.
      if (!shared.json) io.stderr.write(`error: ${error.message}\n`);
      lines.push(`error: ${error.message}`);
    }
    const locate = { env: io.env, cwd: io.cwd };
    lines.push(`${'mediainfo.js'.padEnd(11)} ${report.mediainfoJs.padEnd(28)} in-process (XML sidecars)`);
    show('mediainfo', await resolveOptionalTool('mediainfo', locate), 'optional: MediaTrace XML sidecars (apt install mediainfo)');
    show('rawcooked', await resolveOptionalTool('rawcooked', locate), 'optional: seq2ffv1 uses its builtin engine instead');
    show('mediaconch', await resolveOptionalTool('mediaconch', locate), 'optional: policy checks (apt install mediaconch)');
    if (report.missingCapabilities.length > 0) {
      report.ok = false;
      report.exitCode = ExitCode.environment;
      if (!shared.json) io.stderr.write(`error: missing in ffmpeg: ${report.missingCapabilities.join(', ')}\n`);
      lines.push(`missing in ffmpeg: ${report.missingCapabilities.join(', ')}`);
    } else if (report.ok) {
      lines.push(`capabilities: all found (${Object.values(REQUIRED).flat().join(' ')})`);
    }
    // The report is doctor's output (avpres doctor > report.txt); with --json, the JSON is.
    (shared.json ? io.stderr : io.stdout).write(lines.join('\n') + '\n');
    if (shared.json) io.stdout.write(JSON.stringify({ tool: 'doctor', ...report }, null, 2) + '\n');
    setExitCode(report.exitCode);
  });
  return command;
}

function mediainfoJsVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    const pkgPath = require.resolve('mediainfo.js/package.json');
    return (JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}
