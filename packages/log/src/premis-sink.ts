import type { LogRecord, LogSink, PreservationEvent, RunInfo } from './event.js';
import { premisXml, writePremisXml } from './premis.js';

/**
 * Collects a run's events for PREMIS. Given a path, it writes the document when the
 * logger finishes (close); without one, call `xml()` or `write(file)` when you need it,
 * e.g. inside a SIP before its manifest is made.
 */
export class PremisSink implements LogSink {
  private runInfo: RunInfo | undefined;
  private readonly collected: PreservationEvent[] = [];

  constructor(readonly path?: string) {}

  write(record: LogRecord): void {
    if (record.kind === 'run-start') this.runInfo = record.run;
    else if (record.kind === 'event') this.collected.push(record.event);
  }

  get run(): RunInfo | undefined {
    return this.runInfo;
  }

  get events(): readonly PreservationEvent[] {
    return this.collected;
  }

  xml(): string {
    return premisXml(this.requireRun(), this.collected);
  }

  async writeTo(file: string): Promise<void> {
    await writePremisXml(file, this.requireRun(), this.collected);
  }

  async close(): Promise<void> {
    if (this.path !== undefined && this.runInfo !== undefined) await this.writeTo(this.path);
  }

  private requireRun(): RunInfo {
    // Logger.attach always sends run-start first; a sink fed by hand must do the same.
    if (!this.runInfo) throw new Error('PremisSink has seen no run-start record');
    return this.runInfo;
  }
}
