import type { Logger } from '@avpres/log';
import { formatBytes } from '@avpres/copyit';

/**
 * The one overall progress line of a batch: jobs done of total, source bytes done, the
 * rate over the whole run so far and the ETA from it. Updated when a job ends and on a
 * timer in between, so a long job does not look stuck.
 */
export class BatchProgress {
  private doneJobs = 0;
  private doneBytes = 0;
  private readonly started = Date.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly tool: string,
    private readonly totalJobs: number,
    private readonly totalBytes: number,
    private readonly now: () => number = Date.now,
  ) {}

  start(intervalMs = 5000): void {
    this.show();
    this.timer = setInterval(() => this.show(), intervalMs);
    this.timer.unref();
  }

  jobDone(bytes: number): void {
    this.doneJobs++;
    this.doneBytes += bytes;
    this.show();
  }

  end(): void {
    if (this.timer) clearInterval(this.timer);
    this.logger.progressEnd(this.label());
  }

  private label(): string {
    return `batch ${this.tool}`;
  }

  private show(): void {
    const seconds = (this.now() - this.started) / 1000;
    const rate = seconds > 0 ? this.doneBytes / seconds : 0;
    const eta = rate > 0 && this.doneBytes > 0 ? (this.totalBytes - this.doneBytes) / rate : undefined;
    this.logger.progress({
      label: this.label(),
      unit: 'bytes',
      done: this.doneBytes,
      total: this.totalBytes,
      // The label stays the same (one bar on a terminal); the job count rides with the rate.
      rate: `${this.doneJobs}/${this.totalJobs} jobs${rate > 0 ? `, ${formatBytes(rate)}/s` : ''}`,
      ...(eta !== undefined ? { etaSeconds: eta } : {}),
    });
  }
}
