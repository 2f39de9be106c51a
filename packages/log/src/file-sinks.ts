import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LogRecord, LogSink } from './event.js';
import { formatRecord } from './format.js';

/**
 * Human-readable log: one timestamped line per record, appended synchronously so a crash
 * leaves every line written so far and no "run finished" line.
 */
export class HumanLogSink implements LogSink {
  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }
  write(record: LogRecord): void {
    const line = formatRecord(record);
    if (line !== undefined) appendFileSync(this.path, line + '\n');
  }
}

/** Machine-readable events: one JSON object per line, append-only. */
export class JsonlSink implements LogSink {
  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }
  write(record: LogRecord): void {
    if (record.kind === 'progress' || record.kind === 'progress-end') return;
    appendFileSync(this.path, JSON.stringify(record) + '\n');
  }
}
