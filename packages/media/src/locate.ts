import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { EnvironmentError } from '@avpres/core';

export type ToolName = 'ffmpeg' | 'ffprobe' | 'rawcooked' | 'mediainfo' | 'mediaconch';
export type ToolSource = 'flag' | 'env' | 'path' | 'embedded';

export interface ToolPath {
  name: ToolName;
  path: string;
  source: ToolSource;
}

export interface LocateOptions {
  /** From --ffmpeg / --ffprobe: used as given, or an error. */
  flag?: string | undefined;
  /** The environment to read AVPRES_FFMPEG/AVPRES_FFPROBE and PATH from. */
  env: Readonly<Record<string, string | undefined>>;
  /** The folder relative flag paths are resolved against. */
  cwd: string;
  /** Whether to fall back to the npm-shipped static build (ffmpeg/ffprobe only). */
  embedded?: boolean;
}

const ENV_VAR: Partial<Record<ToolName, string>> = {
  ffmpeg: 'AVPRES_FFMPEG',
  ffprobe: 'AVPRES_FFPROBE',
};

export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` on PATH, or undefined. */
export function findOnPath(name: string, pathVar: string | undefined): string | undefined {
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (dir === '' || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** The static build shipped inside an npm package (the toolbox's embedded default). */
export function embeddedPath(name: 'ffmpeg' | 'ffprobe'): string | undefined {
  const require = createRequire(import.meta.url);
  try {
    const pkg = name === 'ffmpeg' ? '@ffmpeg-installer/ffmpeg' : '@ffprobe-installer/ffprobe';
    const found = (require(pkg) as { path?: string }).path;
    return found !== undefined && isExecutableFile(found) ? found : undefined;
  } catch {
    return undefined; // no build for this platform
  }
}

/**
 * Where a program comes from: the flag, then the environment variable, then PATH, then
 * (ffmpeg/ffprobe) the embedded build. A flag or variable that names nothing runnable is
 * an error rather than a silent fallback: the user asked for that program.
 */
export function locateTool(name: ToolName, options: LocateOptions): ToolPath | undefined {
  if (options.flag !== undefined) {
    const path = resolve(options.cwd, options.flag);
    if (!isExecutableFile(path)) {
      throw new EnvironmentError(`${name} not found or not executable: ${options.flag} (from --${name})`);
    }
    return { name, path, source: 'flag' };
  }
  const envVar = ENV_VAR[name];
  const fromEnv = envVar ? options.env[envVar] : undefined;
  if (envVar && fromEnv) {
    const path = resolve(options.cwd, fromEnv);
    if (!isExecutableFile(path)) {
      throw new EnvironmentError(`${name} not found or not executable: ${fromEnv} (from ${envVar})`);
    }
    return { name, path, source: 'env' };
  }
  const onPath = findOnPath(name, options.env['PATH']);
  if (onPath) return { name, path: onPath, source: 'path' };
  if (options.embedded !== false && (name === 'ffmpeg' || name === 'ffprobe')) {
    const path = embeddedPath(name);
    if (path) return { name, path, source: 'embedded' };
  }
  return undefined;
}

/** Like locateTool, but a missing program is an EnvironmentError naming how to provide it. */
export function requireTool(name: ToolName, options: LocateOptions): ToolPath {
  const found = locateTool(name, options);
  if (found) return found;
  const how = ENV_VAR[name] ? ` (install it, or give --${name} PATH or ${ENV_VAR[name]})` : ' (install it on PATH)';
  throw new EnvironmentError(`${name} not found${how}`);
}
