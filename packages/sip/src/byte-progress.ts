import type { Logger } from '@avpres/log';

/** Progress in bytes for the console: MB/s and ETA, from a running count. */
export function byteProgress(logger: Logger, label: string, total: number) {
  const started = Date.now();
  let done = 0;
  const report = () => {
    const seconds = (Date.now() - started) / 1000;
    const perSecond = seconds > 0 ? done / seconds : 0;
    logger.progress({
      label,
      unit: 'bytes',
      done,
      total,
      rate: `${(perSecond / 1e6).toFixed(1)} MB/s`,
      ...(perSecond > 0 ? { etaSeconds: (total - done) / perSecond } : {}),
    });
  };
  return {
    /** Add n bytes. */
    add(n: number): void {
      done += n;
      report();
    },
    /** Set the count outright (for callbacks that report totals). */
    set(value: number): void {
      done = value;
      report();
    },
    end(): { bytes: number; seconds: number; rate: string } {
      logger.progressEnd(label);
      const seconds = (Date.now() - started) / 1000;
      return { bytes: done, seconds, rate: `${(seconds > 0 ? done / seconds / 1e6 : 0).toFixed(1)} MB/s` };
    },
  };
}
