import { describe, expect, it } from 'vitest';
import { ConsoleSink } from './console-sink.js';
import type { LogRecord, PreservationEvent } from './event.js';

function sink(signal?: AbortSignal) {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (text: string) => void lines.push(text) } as unknown as NodeJS.WriteStream;
  return { lines, sink: new ConsoleSink({ stream, quiet: true, ...(signal ? { signal } : {}) }) };
}

const event = (outcome: PreservationEvent['outcome'], detail: string): LogRecord => ({
  kind: 'event',
  event: { id: 'x', type: 'replication', start: '', end: '', outcome, detail, agents: [], objects: [] },
});

describe('ConsoleSink', () => {
  it('prints each failed event, and after an interruption counts them instead', () => {
    const controller = new AbortController();
    const { lines, sink: console } = sink(controller.signal);
    console.write(event('failure', 'copy a: disk full'));
    controller.abort();
    for (let i = 0; i < 300; i++) console.write(event('failure', `copy f${i}: interrupted`));
    console.write({ kind: 'message', level: 'error', text: 'interrupted' });
    console.write(event('failure', 'copy g: interrupted'));
    console.close();
    expect(lines).toEqual([
      'replication: failure: copy a: disk full\n',
      "300 events ended unfinished by the interruption (in the run's log, not listed here)\n",
      'error: interrupted\n',
      "1 event ended unfinished by the interruption (in the run's log, not listed here)\n",
    ]);
  });

  it('prints every failed event when there is no signal', () => {
    const { lines, sink: console } = sink();
    console.write(event('failure', 'one'));
    console.write(event('failure', 'two'));
    console.close();
    expect(lines).toEqual(['replication: failure: one\n', 'replication: failure: two\n']);
  });

  it('without a TTY, prints progress at most every interval, and always the last update when the job ends', () => {
    const lines: string[] = [];
    const stream = { isTTY: false, write: (text: string) => void lines.push(text) } as unknown as NodeJS.WriteStream;
    const console = new ConsoleSink({ stream, plainInterval: 3600 });
    const update = (done: number): LogRecord => ({ kind: 'progress', progress: { label: 'copy', unit: 'bytes', done, total: 100 } });
    console.write(update(10));
    console.write(update(50));
    console.write(update(100));
    console.write({ kind: 'progress-end', label: 'copy' });
    // A job whose last update was printed is not printed twice.
    console.write(update(5));
    console.write({ kind: 'progress-end', label: 'copy' });
    console.close();
    expect(lines.map((l) => l.match(/(\d+)\/100/)?.[1])).toEqual(['10', '100', '5']);
  });
});
