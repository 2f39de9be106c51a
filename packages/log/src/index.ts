export type {
  Agent,
  EventObject,
  EventType,
  LogRecord,
  LogSink,
  Outcome,
  PreservationEvent,
  ProgramRun,
  ProgressUpdate,
  RunInfo,
} from './event.js';
export { now } from './event.js';
export { Logger, EventScope, type LoggerOptions, type EventStart } from './logger.js';
export { HumanLogSink, JsonlSink } from './file-sinks.js';
export { ConsoleSink, formatPlainProgress, formatDuration, type ConsoleSinkOptions } from './console-sink.js';
export { formatRecord } from './format.js';
export { quoteArgs } from './quote-args.js';
export { premisXml, writePremisXml, PREMIS_NS, AVPRES_PREMIS_NS } from './premis.js';
export { PremisSink } from './premis-sink.js';
export { eventTypeUri, eventOutcomeUri, digestAlgorithmLabel } from './event-vocabulary.js';
export { readRunLog, readEventLog, describeRunLog, type RunLogStatus, type EventLogContents } from './run-log-reader.js';
