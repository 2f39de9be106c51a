import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { AVPRES, avpres } from './helpers/cli.js';

/** Every tool command, and whether it runs ffmpeg. */
const TOOLS: [string, boolean][] = [
  ['normalise', true],
  ['seq2ffv1', true],
  ['access', true],
  ['copyit', false],
  ['verify', false],
  ['sip', false],
  ['validate', false],
];

describe('avpres, the umbrella command', () => {
  it('exits 0 quietly when its reader closes stdout early (avpres --help | head)', async () => {
    const child = spawn(process.execPath, [AVPRES, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before the first write
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  });

  it('lists every tool in --help with the exit codes', async () => {
    const r = await avpres(['--help']);
    expect(r.exitCode).toBe(0);
    for (const [tool] of TOOLS) expect(r.stdout).toMatch(new RegExp(`^  ${tool}\\b`, 'm'));
    expect(r.stdout).toMatch(/Exit codes: 0 done and verified, 1 verification failed/);
  });

  it('prints its version', async () => {
    const r = await avpres(['--version']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('exits 2 on an unknown command, saying so', async () => {
    const r = await avpres(['nonsense']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'nonsense'/);
  });
});

describe.each(TOOLS)('avpres %s keeps the shared contract', (tool) => {
  it('teaches with --help: a description, the shared flags and examples', async () => {
    const r = await avpres([tool, '--help']);
    expect(r.exitCode).toBe(0);
    for (const flag of ['--json', '--dry-run', '--user', '--log-dir']) expect(r.stdout).toContain(flag);
    // Only tools that make outputs can redo them; those that only read write a log only where told.
    const readsOnly = tool === 'verify' || tool === 'validate';
    expect(r.stdout.includes('--force'), '--force').toBe(!readsOnly);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(readsOnly ? 'nothing is written' : '<output>/avpres-logs');
    expect(r.stdout).toMatch(/Examples?:/);
    expect(r.stdout).toContain(`avpres ${tool}`);
  });

  it('exits 2 on an unknown flag with nothing on stdout, even with --json', async () => {
    const r = await avpres([tool, '--no-such-flag', '--json']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    // commander reports a missing required option before an unknown one; either is a usage error.
    expect(r.stderr).toMatch(/^error: (unknown option '--no-such-flag'|required option)/m);
  });

});

describe.each(TOOLS.filter(([, media]) => media))('avpres %s without ffmpeg', (tool) => {
  it('exits 3 with a one-line reason when ffmpeg cannot be found', async () => {
    const r = await avpres([tool, '-i', '/tmp/whatever.mov', '-o', '/tmp/avpres-never-written', '--ffmpeg', '/nonexistent/ffmpeg']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/ffmpeg not found or not executable: \/nonexistent\/ffmpeg \(from --ffmpeg\)/);
  });
});

describe('avpres doctor', () => {
  it('names the ffmpeg and ffprobe it will use, with versions and where they come from', async () => {
    const r = await avpres(['doctor', '--json']);
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(true);
    for (const name of ['ffmpeg', 'ffprobe']) {
      expect(report.tools[name]).toMatchObject({ path: expect.stringMatching(/\//), source: expect.stringMatching(/^(flag|env|path|embedded)$/) });
      expect(report.tools[name].version).not.toBe('unknown');
    }
    expect(report.missingCapabilities).toEqual([]);
    expect(r.stderr).toMatch(/^ffmpeg\s+\S+\s+\/\S+ffmpeg \((embedded|path|env)\)$/m);
  });

  it('prints its report on stdout, so it can be saved (avpres doctor > report.txt)', async () => {
    const r = await avpres(['doctor']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ffmpeg\s+\S+\s+\/\S+ffmpeg \((embedded|path|env)\)$/m);
    expect(r.stdout).toMatch(/^capabilities: all found/m);
  });

  it('exits 3 when the ffmpeg it is told to use does not exist', async () => {
    const r = await avpres(['doctor', '--ffmpeg', '/nonexistent']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/error: ffmpeg not found or not executable: \/nonexistent \(from --ffmpeg\)/);
  });

  it('exits 3 naming what an ffmpeg lacks', async () => {
    // A stand-in "ffmpeg" that runs but lists no encoders: nothing else can produce this case.
    const { mkdtemp, writeFile, chmod, rm } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'avpres-fake-ffmpeg-'));
    const fake = join(dir, 'ffmpeg');
    await writeFile(fake, '#!/bin/sh\necho "ffmpeg version 0.0-fake"\n');
    await chmod(fake, 0o755);
    try {
      const r = await avpres(['doctor', '--ffmpeg', fake]);
      expect(r.exitCode).toBe(3);
      expect(r.stdout).toMatch(/missing in ffmpeg: encoder ffv1, encoder flac/);
      expect(r.stderr).toMatch(/error: missing in ffmpeg: encoder ffv1, encoder flac/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
