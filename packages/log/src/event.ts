/** PREMIS 3 event-type words (id.loc.gov/vocabulary/preservation/eventType) we use. */
export type EventType =
  | 'capture'
  | 'compression'
  | 'creation'
  | 'decompression'
  | 'fixity check'
  | 'format identification'
  | 'information package creation'
  | 'ingestion'
  | 'message digest calculation'
  | 'metadata extraction'
  | 'migration'
  | 'normalization'
  | 'packing'
  | 'replication'
  | 'transfer'
  | 'validation'
  | 'deletion';

export type Outcome = 'success' | 'failure' | 'warning';

export interface Agent {
  role: 'software' | 'person';
  name: string;
  version?: string;
}

/** An external program's run, recorded in full so the event can be reproduced. */
export interface ProgramRun {
  program: string;
  path: string;
  version: string;
  args: readonly string[];
}

export interface EventObject {
  /** Relative to the package or output folder when there is one; absolute otherwise. */
  path: string;
  role?: 'source' | 'outcome' | 'sidecar';
  size?: number;
  hashes?: Readonly<Record<string, string>>;
  /** Format name when known (e.g. MediaInfo's "Matroska"), for PREMIS formatName. */
  format?: string;
}

export interface PreservationEvent {
  id: string;
  type: EventType;
  start: string;
  end: string;
  outcome: Outcome;
  detail: string;
  agents: Agent[];
  program?: ProgramRun;
  objects: EventObject[];
}

export interface RunInfo {
  tool: string;
  version: string;
  user: string;
  /** argv as the user typed it, program name first. */
  commandLine: readonly string[];
  start: string;
}

export interface ProgressUpdate {
  /** What is being worked on, e.g. the input's name. */
  label: string;
  unit: 'frames' | 'bytes' | 'files' | 'seconds';
  done: number;
  total?: number;
  /** Human rate, e.g. "2.1x" or "480 MB/s". */
  rate?: string;
  etaSeconds?: number;
}

export type LogRecord =
  | { kind: 'run-start'; run: RunInfo }
  | { kind: 'run-end'; time: string; outcome: Outcome; exitCode: number; summary: string }
  | { kind: 'event'; event: PreservationEvent }
  | { kind: 'message'; time: string; level: 'debug' | 'info' | 'warn' | 'error'; text: string }
  | { kind: 'progress'; progress: ProgressUpdate }
  | { kind: 'progress-end'; label: string };

/** Anything fed by the logger: a file, the console, a collector for PREMIS. */
export interface LogSink {
  write(record: LogRecord): void;
  close?(): Promise<void> | void;
}

export function now(): string {
  return new Date().toISOString();
}
