import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LogRecord, LogSink } from './event.js';
import { formatRecord } from './format.js';

/**
 * Appends lines to a file kept open for the run. Each line is written synchronously, so a
 * crash leaves every line written so far (and no "run finished" line); keeping the file
 * open spares an open and a close per line, which thousands of small copies notice.
 * The file is closed after the log's last record (run-end) and by `close`; a line after
 * that opens it again.
 */
class AppendFile {
  private fd: number | undefined;
  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }
  append(line: string): void {
    this.fd ??= openSync(this.path, 'a');
    writeSync(this.fd, line + '\n');
  }
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Human-readable log: one timestamped line per record. */
export class HumanLogSink implements LogSink {
  private readonly file: AppendFile;
  constructor(readonly path: string) {
    this.file = new AppendFile(path);
  }
  write(record: LogRecord): void {
    const line = formatRecord(record);
    if (line !== undefined) this.file.append(line);
    if (record.kind === 'run-end') this.file.close();
  }
  close(): void {
    this.file.close();
  }
}

/** Machine-readable events: one JSON object per line, append-only. */
export class JsonlSink implements LogSink {
  private readonly file: AppendFile;
  constructor(readonly path: string) {
    this.file = new AppendFile(path);
  }
  write(record: LogRecord): void {
    if (record.kind === 'progress' || record.kind === 'progress-end') return;
    this.file.append(JSON.stringify(record));
    if (record.kind === 'run-end') this.file.close();
  }
  close(): void {
    this.file.close();
  }
}
