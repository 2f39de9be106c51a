import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HumanLogSink, JsonlSink } from './file-sinks.js';

const openDescriptors = () => readdirSync('/proc/self/fd').length;

describe('file sinks', () => {
  it('append each record at once, close after run-end, and append again after that', () => {
    const dir = mkdtempSync(join(tmpdir(), 'log-sinks-'));
    const before = openDescriptors();
    const jsonl = new JsonlSink(join(dir, 'sub', 'run.events.jsonl'));
    const human = new HumanLogSink(join(dir, 'run.log'));
    const info = { kind: 'message', time: '2026-11-28T06:00:00.000Z', level: 'info', text: 'one' } as const;
    for (const sink of [jsonl, human]) sink.write(info);
    // Written through, not buffered: a crash now would keep the line.
    expect(readFileSync(join(dir, 'sub', 'run.events.jsonl'), 'utf8')).toBe(JSON.stringify(info) + '\n');
    expect(readFileSync(join(dir, 'run.log'), 'utf8')).toContain('one');
    expect(openDescriptors()).toBe(before + 2);
    const end = { kind: 'run-end', time: '2026-11-28T06:00:01.000Z', outcome: 'success', exitCode: 0, summary: 'done' } as const;
    for (const sink of [jsonl, human]) sink.write(end);
    expect(openDescriptors()).toBe(before);
    jsonl.write(info);
    jsonl.close();
    expect(readFileSync(join(dir, 'sub', 'run.events.jsonl'), 'utf8').trim().split('\n')).toHaveLength(3);
    expect(openDescriptors()).toBe(before);
  });
});

describe('Logger.finish', () => {
  it('closes every sink even when one cannot finish its file, and returns that error', async () => {
    const { Logger } = await import('./logger.js');
    const closed: string[] = [];
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const logger = new Logger({
      tool: 'avpres test',
      version: '0',
      user: 'tester',
      commandLine: ['avpres', 'test'],
      sinks: [
        { write: () => undefined, close: () => void closed.push('first') },
        { write: () => undefined, close: () => Promise.reject(full) },
        { write: () => undefined, close: () => void closed.push('last') },
      ],
    });
    await expect(logger.finish('success', 0, 'done')).resolves.toEqual([full]);
    expect(closed).toEqual(['first', 'last']);
  });
});
