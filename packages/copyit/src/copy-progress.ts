import type { Logger } from '@avpres/log';

/**
 * Progress of a copy in bytes verified (the last of the two passes), with files done,
 * MB/s and ETA, sent to the logger at most every `intervalMs`.
 */
export class CopyProgress {
  private bytes = 0;
  private files = 0;
  private last: number;
  private ended = false;
  private readonly start = Date.now();

  constructor(
    private readonly logger: Logger,
    private readonly label: string,
    private totalBytes: number,
    private readonly totalFiles: number,
    private readonly intervalMs = 250,
  ) {
    // The first report waits a second: a rate over a few milliseconds says nothing.
    this.last = this.start + 1000 - intervalMs;
  }

  setTotal(bytes: number): void {
    this.totalBytes = bytes;
  }

  /** Absolute counts, for callers that keep their own. */
  update(bytes: number, files: number): void {
    this.bytes = bytes;
    this.files = files;
    this.report(false);
  }

  addBytes(n: number): void {
    this.bytes += n;
    this.report(false);
  }

  fileDone(skippedBytes = 0): void {
    this.files++;
    this.bytes += skippedBytes;
    this.report(false);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.report(true);
    this.logger.progressEnd(this.label);
  }

  get seconds(): number {
    return (Date.now() - this.start) / 1000;
  }

  private report(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.last < this.intervalMs) return;
    this.last = now;
    const seconds = (now - this.start) / 1000;
    const rate = seconds > 0 ? this.bytes / seconds : 0;
    this.logger.progress({
      label: this.label,
      unit: 'bytes',
      done: this.bytes,
      total: this.totalBytes,
      rate: `${formatRate(rate)}, ${this.files}/${this.totalFiles} files`,
      // An ETA from the first crumbs of a run is noise: wait for 1% done.
      ...(rate > 0 && this.bytes >= this.totalBytes / 100 ? { etaSeconds: (this.totalBytes - this.bytes) / rate } : {}),
    });
  }
}

export function formatRate(bytesPerSecond: number): string {
  return `${(bytesPerSecond / 1e6).toFixed(bytesPerSecond < 1e7 ? 1 : 0)} MB/s`;
}
