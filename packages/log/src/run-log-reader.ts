import { readFile } from 'node:fs/promises';
import type { LogRecord, Outcome } from './event.js';

/** What a run's log says about how the run went; `finished` is false when the END line is missing. */
export interface RunLogStatus {
  path: string;
  /** The START line's text after the timestamp: tool, version, operator, command typed. */
  start?: string;
  startedAt?: string;
  finished: boolean;
  end?: { time: string; outcome: Outcome; exitCode: number; summary: string };
  lines: number;
}

const START = /^(\S+) START (.*)$/;
const END = /^(\S+) END (success|failure|warning) \(exit (\d+)\): (.*)$/;

/** Read a human log (HumanLogSink). A crashed or killed run's log has no END line. */
export async function readRunLog(path: string): Promise<RunLogStatus> {
  const lines = (await readFile(path, 'utf8')).split('\n').filter((l) => l !== '');
  const status: RunLogStatus = { path, finished: false, lines: lines.length };
  const first = START.exec(lines[0] ?? '');
  if (first) {
    status.startedAt = first[1]!;
    status.start = first[2]!;
  }
  const last = END.exec(lines.at(-1) ?? '');
  if (last) {
    status.finished = true;
    status.end = { time: last[1]!, outcome: last[2] as Outcome, exitCode: Number(last[3]), summary: last[4]! };
  }
  return status;
}

export interface EventLogContents {
  path: string;
  records: LogRecord[];
  finished: boolean;
  /** A last line cut off mid-write (the process died while appending). */
  truncatedLine: boolean;
}

/** Read a JSONL event file (JsonlSink); finished when it holds a run-end record. */
export async function readEventLog(path: string): Promise<EventLogContents> {
  const lines = (await readFile(path, 'utf8')).split('\n');
  const records: LogRecord[] = [];
  let truncatedLine = false;
  lines.forEach((line, index) => {
    if (line === '') return;
    try {
      records.push(JSON.parse(line) as LogRecord);
    } catch (error) {
      // Only the last line may be partial; anything else is a damaged file.
      if (index === lines.length - 1) truncatedLine = true;
      else throw new Error(`${path}: line ${index + 1} is not JSON (${(error as Error).message})`);
    }
  });
  return { path, records, finished: records.some((r) => r.kind === 'run-end'), truncatedLine };
}

/** One line for a person: "finished: success (exit 0)" or "run did not finish (no END line)". */
export function describeRunLog(status: RunLogStatus): string {
  if (!status.finished) return `run did not finish (no END line after ${status.lines} lines)`;
  return `finished: ${status.end!.outcome} (exit ${status.end!.exitCode})`;
}
