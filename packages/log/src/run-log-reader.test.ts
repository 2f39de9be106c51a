import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HumanLogSink, JsonlSink } from './file-sinks.js';
import { Logger } from './logger.js';
import { describeRunLog, readEventLog, readRunLog } from './run-log-reader.js';

const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));

async function logFiles() {
  const dir = await mkdtemp(join(tmpdir(), 'avpres-runlog-'));
  return { human: join(dir, 'run.log'), events: join(dir, 'run.events.jsonl') };
}

describe('run logs', () => {
  it('a finished run starts with the command typed and ends with END', async () => {
    const files = await logFiles();
    const logger = new Logger({ tool: 'avpres t', version: '1', user: 'ana', commandLine: ['avpres', 't', '-i', 'tape 1.mov'], sinks: [new HumanLogSink(files.human), new JsonlSink(files.events)] });
    logger.begin('validation', 'check').succeed();
    await logger.finish('success', 0, '1 done');
    const status = await readRunLog(files.human);
    expect(status.start).toBe("avpres t 1 by ana: avpres t -i 'tape 1.mov'");
    expect(status.finished).toBe(true);
    expect(status.end).toMatchObject({ outcome: 'success', exitCode: 0, summary: '1 done' });
    expect(describeRunLog(status)).toBe('finished: success (exit 0)');
    const events = await readEventLog(files.events);
    expect(events.finished).toBe(true);
    expect(events.records.map((r) => r.kind)).toEqual(['run-start', 'event', 'run-end']);
  });

  it('a run killed mid-way leaves every line so far and a log that says it did not finish', async () => {
    const files = await logFiles();
    // A real process that dies (SIGKILL) without finishing its logger.
    const script = `
      import { Logger, HumanLogSink, JsonlSink } from ${JSON.stringify(DIST)};
      const logger = new Logger({ tool: 'avpres t', version: '1', user: 'ana', commandLine: ['avpres', 't'],
        sinks: [new HumanLogSink(${JSON.stringify(files.human)}), new JsonlSink(${JSON.stringify(files.events)})] });
      logger.begin('replication', 'copy one').succeed();
      logger.info('about to crash');
      process.kill(process.pid, 'SIGKILL');`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script]);
    expect(child.signal).toBe('SIGKILL');
    const status = await readRunLog(files.human);
    expect(status.finished).toBe(false);
    expect(status.lines).toBe(3);
    expect(describeRunLog(status)).toMatch(/^run did not finish/);
    expect(await readFile(files.human, 'utf8')).toMatch(/INFO about to crash\n$/);
    const events = await readEventLog(files.events);
    expect(events.finished).toBe(false);
    expect(events.records.map((r) => r.kind)).toEqual(['run-start', 'event', 'message']);
  });

  it('an event file whose last line was cut mid-write is read, and flagged', async () => {
    const files = await logFiles();
    const logger = new Logger({ tool: 't', version: '1', user: 'u', commandLine: ['t'], sinks: [new JsonlSink(files.events)] });
    logger.info('one');
    const { appendFileSync } = await import('node:fs');
    appendFileSync(files.events, '{"kind":"mess');
    const events = await readEventLog(files.events);
    expect(events).toMatchObject({ finished: false, truncatedLine: true });
    expect(events.records).toHaveLength(2);
  });
});
