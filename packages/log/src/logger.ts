import { randomUUID } from 'node:crypto';
import {
  now,
  type Agent,
  type EventObject,
  type EventType,
  type LogRecord,
  type LogSink,
  type Outcome,
  type PreservationEvent,
  type ProgramRun,
  type ProgressUpdate,
  type RunInfo,
} from './event.js';

export interface LoggerOptions {
  tool: string;
  version: string;
  user: string;
  commandLine: readonly string[];
  sinks?: LogSink[];
}

export interface EventStart {
  objects?: EventObject[];
  program?: ProgramRun;
}

/** An event under way; close it exactly once with its outcome. */
export class EventScope {
  private closed = false;
  private readonly objects: EventObject[];
  private program: ProgramRun | undefined;

  constructor(
    private readonly logger: Logger,
    readonly type: EventType,
    private readonly detail: string,
    private readonly start: string,
    init: EventStart,
  ) {
    this.objects = [...(init.objects ?? [])];
    this.program = init.program;
  }

  /** Record the external program that did the work (for the agent and the log). */
  setProgram(program: ProgramRun): void {
    this.program = program;
  }

  addObjects(...objects: EventObject[]): void {
    this.objects.push(...objects);
  }

  succeed(detail?: string): PreservationEvent {
    return this.close('success', detail);
  }

  warn(detail: string): PreservationEvent {
    return this.close('warning', detail);
  }

  fail(detail: string): PreservationEvent {
    return this.close('failure', detail);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private close(outcome: Outcome, detail?: string): PreservationEvent {
    if (this.closed) throw new Error(`event "${this.type}" closed twice`);
    this.closed = true;
    const agents: Agent[] = [
      { role: 'software', name: this.logger.run.tool, version: this.logger.run.version },
      { role: 'person', name: this.logger.run.user },
    ];
    if (this.program) agents.push({ role: 'software', name: this.program.program, version: this.program.version });
    const event: PreservationEvent = {
      id: randomUUID(),
      type: this.type,
      start: this.start,
      end: now(),
      outcome,
      detail: detail === undefined ? this.detail : `${this.detail}: ${detail}`,
      agents,
      objects: this.objects,
      ...(this.program ? { program: this.program } : {}),
    };
    this.logger.emit({ kind: 'event', event });
    return event;
  }
}

/**
 * One logger per run: every sink (human log, JSONL, console, PREMIS collector) sees the
 * same records in the same order.
 */
export class Logger {
  readonly run: RunInfo;
  private readonly sinks: LogSink[] = [];
  private readonly events: PreservationEvent[] = [];

  constructor(options: LoggerOptions) {
    this.run = {
      tool: options.tool,
      version: options.version,
      user: options.user,
      commandLine: options.commandLine,
      start: now(),
    };
    for (const sink of options.sinks ?? []) this.attach(sink);
  }

  /** Add a sink; it first receives the run-start record so every file begins the same way. */
  attach(sink: LogSink): void {
    this.sinks.push(sink);
    sink.write({ kind: 'run-start', run: this.run });
  }

  detach(sink: LogSink): void {
    const index = this.sinks.indexOf(sink);
    if (index !== -1) this.sinks.splice(index, 1);
  }

  emit(record: LogRecord): void {
    if (record.kind === 'event') this.events.push(record.event);
    for (const sink of this.sinks) sink.write(record);
  }

  /** Events closed so far, oldest first. */
  get recordedEvents(): readonly PreservationEvent[] {
    return this.events;
  }

  begin(type: EventType, detail: string, init: EventStart = {}): EventScope {
    return new EventScope(this, type, detail, now(), init);
  }

  debug(text: string): void {
    this.emit({ kind: 'message', time: now(), level: 'debug', text });
  }
  info(text: string): void {
    this.emit({ kind: 'message', time: now(), level: 'info', text });
  }
  warn(text: string): void {
    this.emit({ kind: 'message', time: now(), level: 'warn', text });
  }
  error(text: string): void {
    this.emit({ kind: 'message', time: now(), level: 'error', text });
  }

  progress(progress: ProgressUpdate): void {
    this.emit({ kind: 'progress', progress });
  }

  progressEnd(label: string): void {
    this.emit({ kind: 'progress-end', label });
  }

  /**
   * The last record of the run; sinks are closed after it. A sink that cannot finish its
   * file (a full disk, say) does not stop the others: its error is returned, for the
   * caller to report.
   */
  async finish(outcome: Outcome, exitCode: number, summary: string): Promise<unknown[]> {
    const failures: unknown[] = [];
    try {
      this.emit({ kind: 'run-end', time: now(), outcome, exitCode, summary });
    } catch (error) {
      failures.push(error);
    }
    for (const sink of this.sinks) {
      try {
        await sink.close?.();
      } catch (error) {
        failures.push(error);
      }
    }
    return failures;
  }
}
