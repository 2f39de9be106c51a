import type { ProgramRun } from '@avpres/log';
import { locateTool, requireTool, type LocateOptions, type ToolName, type ToolPath } from './locate.js';
import { programVersion } from './version.js';

export interface ResolvedTool extends ToolPath {
  version: string;
}

export interface Toolset {
  ffmpeg: ResolvedTool;
  ffprobe: ResolvedTool;
}

export interface ToolsetOptions {
  ffmpeg?: string | undefined;
  ffprobe?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/** The ffmpeg and ffprobe a run will use, with their versions (for every log). */
export async function resolveToolset(options: ToolsetOptions): Promise<Toolset> {
  const base = { env: options.env, cwd: options.cwd };
  const ffmpeg = requireTool('ffmpeg', { ...base, flag: options.ffmpeg });
  const ffprobe = requireTool('ffprobe', { ...base, flag: options.ffprobe });
  const [ffmpegVersion, ffprobeVersion] = await Promise.all([programVersion(ffmpeg.path), programVersion(ffprobe.path)]);
  return { ffmpeg: { ...ffmpeg, version: ffmpegVersion }, ffprobe: { ...ffprobe, version: ffprobeVersion } };
}

const VERSION_ARGS: Record<ToolName, readonly string[]> = {
  ffmpeg: ['-version'],
  ffprobe: ['-version'],
  rawcooked: ['--version'],
  mediainfo: ['--Version'],
  mediaconch: ['--Version'],
};

/** An optional program (rawcooked, mediainfo, mediaconch) with its version, or undefined. */
export async function resolveOptionalTool(name: ToolName, options: LocateOptions): Promise<ResolvedTool | undefined> {
  const found = locateTool(name, options);
  if (!found) return undefined;
  return { ...found, version: await programVersion(found.path, VERSION_ARGS[name]) };
}

/** The log's record of one program run. */
export function programRun(tool: ResolvedTool, args: readonly string[]): ProgramRun {
  return { program: tool.name, path: tool.path, version: tool.version, args };
}
