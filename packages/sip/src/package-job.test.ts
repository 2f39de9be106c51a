import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '@avpres/core';
import { HumanLogSink, Logger } from '@avpres/log';
import { choosePackage } from './package-job.js';

describe('choosePackage', () => {
  it("never takes over another job's package under a UUID asked for, nor records it as the job's own", async () => {
    const out = await mkdtemp(join(tmpdir(), 'avpres-package-job-'));
    const taken = '0e8f5c2a-3b1d-4c6e-9f7a-1b2c3d4e5f60';
    await mkdir(join(out, 'oe1', taken), { recursive: true });
    const logger = new Logger({ tool: 'avpres sip', version: '0.1.0', user: 'ana', commandLine: ['avpres', 'sip'], sinks: [new HumanLogSink(join(out, 'run.log'))] });
    const request = { outputDir: out, tool: 'sip', key: 'job', oe: 'oe1', identity: { size: 1 }, force: false, dryRun: false, label: 'tape', logger };

    const refused = choosePackage({ ...request, uuid: taken });
    await expect(refused).rejects.toBeInstanceOf(UsageError);
    await expect(refused).rejects.toThrow(`${join(out, 'oe1', taken)}: a package with this UUID already exists`);
    // The same job without --uuid gets a package of its own.
    expect((await choosePackage(request)).uuid).not.toBe(taken);
    // Another job may replace it when asked to (--force).
    await expect(choosePackage({ ...request, key: 'other', uuid: taken, force: true })).resolves.toMatchObject({ uuid: taken, replace: true });
  });
});
