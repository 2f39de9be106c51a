import cliProgress from 'cli-progress';
import type { LogRecord, LogSink, ProgressUpdate } from './event.js';

export interface ConsoleSinkOptions {
  stream?: NodeJS.WriteStream;
  quiet?: boolean;
  verbose?: boolean;
  /** Force TTY behaviour on or off; by default the stream decides. */
  tty?: boolean;
  /** Seconds between plain progress lines when not on a TTY. */
  plainInterval?: number;
  /**
   * The run's abort signal. Once it fires (Ctrl-C), failed events are counted rather than
   * printed one by one: every file under way fails with the interruption (hundreds in a
   * folder of small files), and the run's log records each of them.
   */
  signal?: AbortSignal;
}

/**
 * The console view of a run, on stderr: warnings and errors always, info unless quiet,
 * debug when verbose; a progress bar on a TTY, a plain line every few seconds otherwise.
 */
export class ConsoleSink implements LogSink {
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private readonly plainIntervalMs: number;
  private bar: cliProgress.SingleBar | undefined;
  private barLabel = '';
  private lastPlain = new Map<string, number>();
  /** Without a TTY: the newest update of each label that the interval kept off the screen. */
  private unprintedPlain = new Map<string, ProgressUpdate>();
  /** Failed events not printed because the run was interrupted. */
  private unshown = 0;

  constructor(private readonly options: ConsoleSinkOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.tty = options.tty ?? Boolean(this.stream.isTTY);
    this.plainIntervalMs = (options.plainInterval ?? 5) * 1000;
  }

  write(record: LogRecord): void {
    switch (record.kind) {
      case 'message':
        this.reportUnshown();
        if (record.level === 'debug' && !this.options.verbose) return;
        if (record.level === 'info' && this.options.quiet) return;
        this.line(record.level === 'info' || record.level === 'debug' ? record.text : `${record.level}: ${record.text}`);
        return;
      case 'event':
        if (record.event.outcome !== 'success' && this.options.signal?.aborted) {
          this.unshown++;
          return;
        }
        if (this.options.verbose || record.event.outcome !== 'success') {
          if (this.options.quiet && record.event.outcome === 'success') return;
          this.line(`${record.event.type}: ${record.event.outcome}: ${record.event.detail}`);
        }
        return;
      case 'progress':
        if (!this.options.quiet) this.showProgress(record.progress);
        return;
      case 'progress-end': {
        this.stopBar();
        // The last state of a job (its 100%) is printed even when the interval would skip it.
        const unprinted = this.unprintedPlain.get(record.label);
        if (unprinted) this.stream.write(formatPlainProgress(unprinted) + '\n');
        this.lastPlain.delete(record.label);
        this.unprintedPlain.delete(record.label);
        return;
      }
      default:
        return;
    }
  }

  close(): void {
    this.stopBar();
    this.reportUnshown();
  }

  /** One line for the failed events not printed since the interruption (before the next message). */
  private reportUnshown(): void {
    if (this.unshown > 0) this.line(`${this.unshown} event${this.unshown === 1 ? '' : 's'} ended unfinished by the interruption (in the run's log, not listed here)`);
    this.unshown = 0;
  }

  private line(text: string): void {
    if (this.bar) {
      // cli-progress redraws in place: clear the bar, print, let the next update redraw it.
      this.stream.write('\r\x1b[K');
    }
    this.stream.write(text + '\n');
  }

  private showProgress(p: ProgressUpdate): void {
    if (this.tty) {
      if (!this.bar || this.barLabel !== p.label) {
        this.stopBar();
        this.barLabel = p.label;
        this.bar = new cliProgress.SingleBar(
          {
            stream: this.stream,
            format: '{label} [{bar}] {percentage}% {value}/{total} {unit} {rate} ETA {eta_formatted}',
            hideCursor: false,
            clearOnComplete: true,
            etaBuffer: 20,
          },
          cliProgress.Presets.shades_classic,
        );
        this.bar.start(p.total ?? 0, p.done, { label: p.label, unit: p.unit, rate: p.rate ?? '' });
      }
      if (p.total !== undefined) this.bar.setTotal(p.total);
      this.bar.update(p.done, { rate: p.rate ?? '' });
      return;
    }
    const last = this.lastPlain.get(p.label) ?? 0;
    const t = Date.now();
    if (t - last < this.plainIntervalMs) {
      this.unprintedPlain.set(p.label, p);
      return;
    }
    this.lastPlain.set(p.label, t);
    this.unprintedPlain.delete(p.label);
    this.stream.write(formatPlainProgress(p) + '\n');
  }

  private stopBar(): void {
    if (this.bar) {
      this.bar.stop();
      this.bar = undefined;
    }
  }
}

export function formatPlainProgress(p: ProgressUpdate): string {
  const pct = p.total ? ` ${((100 * p.done) / p.total).toFixed(1)}%` : '';
  const of = p.total !== undefined ? `/${p.total}` : '';
  const rate = p.rate ? ` ${p.rate}` : '';
  const eta = p.etaSeconds !== undefined && Number.isFinite(p.etaSeconds) ? ` ETA ${formatDuration(p.etaSeconds)}` : '';
  return `${p.label}:${pct} ${p.done}${of} ${p.unit}${rate}${eta}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}
