import type { LogRecord } from './event.js';
import { quoteArgs } from './quote-args.js';

/** One line of the human log for a record, or undefined for records it leaves out. */
export function formatRecord(record: LogRecord): string | undefined {
  switch (record.kind) {
    case 'run-start':
      return `${record.run.start} START ${record.run.tool} ${record.run.version} by ${record.run.user}: ${quoteArgs(record.run.commandLine)}`;
    case 'run-end':
      return `${record.time} END ${record.outcome} (exit ${record.exitCode}): ${record.summary}`;
    case 'message':
      return `${record.time} ${record.level.toUpperCase()} ${record.text}`;
    case 'event': {
      const e = record.event;
      const program = e.program ? ` [${e.program.program} ${e.program.version}: ${quoteArgs([e.program.path, ...e.program.args])}]` : '';
      return `${e.end} EVENT ${e.type} ${e.outcome}: ${e.detail}${program}`;
    }
    default:
      return undefined;
  }
}
