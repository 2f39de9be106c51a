import { chmodSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EnvironmentError } from '@avpres/core';
import { findOnPath, locateTool, requireTool } from './locate.js';
import { parseVersion } from './version.js';

const dir = mkdtempSync(join(tmpdir(), 'avpres-locate-'));
const fake = join(dir, 'ffmpeg');
writeFileSync(fake, '#!/bin/sh\necho "ffmpeg version 9.9-test"\n');
chmodSync(fake, 0o755);
const notExec = join(dir, 'ffprobe');
writeFileSync(notExec, 'not a program');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('locateTool', () => {
  it('takes the flag first, then the environment variable, then PATH, then the embedded build', () => {
    expect(locateTool('ffmpeg', { flag: fake, env: { AVPRES_FFMPEG: '/x', PATH: '' }, cwd: '/' })).toEqual({ name: 'ffmpeg', path: fake, source: 'flag' });
    expect(locateTool('ffmpeg', { env: { AVPRES_FFMPEG: fake, PATH: '' }, cwd: '/' })?.source).toBe('env');
    expect(locateTool('ffmpeg', { env: { PATH: dir }, cwd: '/' })).toEqual({ name: 'ffmpeg', path: fake, source: 'path' });
    expect(locateTool('ffmpeg', { env: { PATH: '' }, cwd: '/' })?.source).toBe('embedded');
    expect(locateTool('ffmpeg', { env: { PATH: '' }, cwd: '/', embedded: false })).toBeUndefined();
  });

  it('refuses a flag or variable that names nothing runnable, rather than falling back', () => {
    expect(() => locateTool('ffmpeg', { flag: '/nonexistent', env: {}, cwd: '/' })).toThrow(EnvironmentError);
    expect(() => locateTool('ffprobe', { env: { AVPRES_FFPROBE: notExec }, cwd: '/' })).toThrow(/not found or not executable: .*AVPRES_FFPROBE/);
  });

  it('skips non-executable files and relative folders on PATH', () => {
    expect(findOnPath('ffprobe', dir)).toBeUndefined();
    expect(findOnPath('ffmpeg', `relative:${dir}`)).toBe(fake);
  });

  it('says how to provide a missing optional program', () => {
    expect(() => requireTool('rawcooked', { env: { PATH: dir }, cwd: '/' })).toThrow(/rawcooked not found \(install it on PATH\)/);
  });
});

describe('parseVersion', () => {
  it('reads the version word of the first line', () => {
    expect(parseVersion('ffmpeg version 5.1.6-0+deb12u1 Copyright (c) 2000-2024\nbuilt with gcc')).toBe('5.1.6-0+deb12u1');
    expect(parseVersion('RAWcooked 25.12\n')).toBe('25.12');
  });
});
