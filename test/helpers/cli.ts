// Helpers for end-to-end tests: run the BUILT bins as a user would, hash files, make temp folders.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type Options } from 'execa';
import { requireTool } from '@avpres/media';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const AVPRES = join(ROOT, 'bin', 'avpres.js');

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** `avpres <args>` as a child process; never throws on a non-zero exit. */
export async function avpres(args: readonly string[], options: Options = {}): Promise<CliRun> {
  const r = await execa(process.execPath, [AVPRES, ...args], { reject: false, stdin: 'ignore', ...options });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

export async function md5File(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A fresh temp folder, removed by the returned function. */
export async function tempDir(prefix = 'avpres-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The ffmpeg/ffprobe the toolbox would pick, for independent checks in tests. */
export function ffmpegPath(): string {
  return requireTool('ffmpeg', { env: process.env, cwd: ROOT }).path;
}
export function ffprobePath(): string {
  return requireTool('ffprobe', { env: process.env, cwd: ROOT }).path;
}

/** Run ffmpeg/ffprobe directly (not through our code) and return stdout. */
export async function ff(program: 'ffmpeg' | 'ffprobe', args: readonly string[]): Promise<string> {
  const own = program === 'ffmpeg' ? ['-hide_banner', '-nostdin'] : ['-hide_banner'];
  const r = await execa(program === 'ffmpeg' ? ffmpegPath() : ffprobePath(), [...own, ...args], {
    stdin: 'ignore',
    maxBuffer: 256 * 1024 * 1024,
  });
  return String(r.stdout);
}

/** Video frame hashes of a file decoded to `pixFmt`, by ffmpeg alone. */
export async function videoFrameHashes(file: string, pixFmt: string): Promise<string[]> {
  const text = await ff('ffmpeg', ['-v', 'error', '-i', `file:${file}`, '-map', '0:v:0', '-pix_fmt', pixFmt, '-f', 'framemd5', '-']);
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(',').at(-1)!.trim());
}

/** md5 of the whole decoded audio stream n as PCM `codec`. */
export async function audioStreamMd5(file: string, n: number, codec: string): Promise<string> {
  const text = await ff('ffmpeg', ['-v', 'error', '-i', `file:${file}`, '-map', `0:a:${n}`, '-c:a', codec, '-f', 'md5', '-']);
  return text.trim();
}

export async function ffprobeJson(file: string): Promise<{ streams: Record<string, unknown>[]; format: Record<string, unknown> }> {
  return JSON.parse(await ff('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', `file:${file}`]));
}
