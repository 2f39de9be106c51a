import type { Logger, LogRecord, LogSink } from '@avpres/log';

/** Passes a job's warnings and errors up to the batch's own logger (console and run log); the rest stays in the job's log. */
export class ForwardSink implements LogSink {
  constructor(private readonly to: Logger) {}
  write(record: LogRecord): void {
    if (record.kind === 'message' && (record.level === 'warn' || record.level === 'error')) this.to.emit(record);
  }
}
