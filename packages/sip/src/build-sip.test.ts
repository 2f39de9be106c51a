import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '@avpres/core';
import { HumanLogSink, Logger } from '@avpres/log';
import { buildSip } from './build-sip.js';
import { validatePackage } from './validate-package.js';

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'avpres-buildsip-'));
  const src = join(dir, 'src');
  await mkdir(src);
  await writeFile(join(src, 'tape.mkv'), 'not really video');
  await writeFile(join(src, 'tape_output.framemd5'), '#format: frame checksums\n');
  await writeFile(join(src, 'notes.txt'), 'notes');
  const runLog = join(dir, 'run.log');
  const logger = new Logger({ tool: 'avpres normalise', version: '0.1.0', user: 'ana', commandLine: ['avpres', 'normalise'], sinks: [new HumanLogSink(runLog)] });
  return { dir, src, runLog, logger, out: join(dir, 'out') };
}

describe('buildSip (library use by the tools)', () => {
  it('packages objects, metadata and a still-growing run log; PREMIS holds the caller events and the build', async () => {
    const { src, runLog, logger, out } = await setup();
    const normalised = logger.begin('normalization', 'FFV1 of tape').succeed();
    const result = await buildSip({
      outputDir: out,
      oe: 'oe1',
      objects: [{ path: join(src, 'tape.mkv') }],
      metadata: [{ path: join(src, 'tape_output.framemd5') }],
      supplemental: [join(src, 'notes.txt')],
      logs: [{ path: runLog, name: 'tape.log' }],
      premis: { run: logger.run, events: logger.recordedEvents },
      logger,
    });
    const content = await readdir(join(result.packageDir, 'metadata'));
    expect(content.sort()).toEqual(['supplemental', 'tape.mkv_mediainfo.xml', 'tape_output.framemd5', `${result.uuid}_premis.xml`].sort());
    const snapshot = await readFile(join(result.packageDir, 'logs', 'tape.log'), 'utf8');
    expect(snapshot).toContain('EVENT normalization success');
    const premis = await readFile(join(result.packageDir, 'metadata', `${result.uuid}_premis.xml`), 'utf8');
    expect(premis.match(/<premis:event>/g)).toHaveLength(1 + 4 + 1); // normalization; 4 copies; MediaInfo
    expect(premis).toContain(normalised.id);
    const check = await validatePackage(result.packageDir);
    expect(check).toMatchObject({ valid: true, problems: [], layout: 'ifi', files: 8 });
    // The snapshot of the live run log has no END line: validate says so, as a warning.
    expect(check.warnings).toEqual([expect.stringMatching(/^logs\/tape\.log: run did not finish \(no END line after \d+ lines\)$/)]);
    expect(result.outputs.map((o) => o.role).sort()).toEqual(
      ['object', 'metadata', 'supplemental', 'log', 'log', 'log', 'mediainfo xml', 'premis xml', 'manifest'].sort(),
    );
  });

  it('refuses bad oe numbers and UUIDs, clashing names, and an output inside a source folder', async () => {
    const { src, logger, out } = await setup();
    const base = { outputDir: out, logger, objects: [{ path: join(src, 'tape.mkv') }] };
    await expect(buildSip({ ...base, oe: 'oe-1' })).rejects.toThrow(UsageError);
    await expect(buildSip({ ...base, oe: 'oe1', uuid: '6ba7b810-9dad-11d1-80b4-00c04fd430c8' })).rejects.toThrow(/version 4 UUID/);
    await expect(buildSip({ ...base, oe: 'oe1', objects: [{ path: join(src, 'tape.mkv') }, { path: join(src, 'notes.txt'), name: 'tape.mkv' }] })).rejects.toThrow(
      /two files would be packaged as objects\/tape\.mkv/,
    );
    await expect(buildSip({ ...base, oe: 'oe1', outputDir: join(src, 'inside'), objects: [{ path: src }] })).rejects.toThrow(/inside the source folder/);
    await expect(buildSip({ ...base, oe: 'oe1', objects: [{ path: 'relative.mov' }] })).rejects.toThrow(/absolute path/);
  });
});
