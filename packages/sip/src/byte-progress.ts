import type { Logger } from '@avpres/log';

/** Below this, work ends before a progress line could say anything useful. */
const SHOW_FROM_BYTES = 256 * 1024 * 1024;

/** Progress in bytes for the console (big jobs only): MB/s and ETA, from a running count. */
export function byteProgress(logger: Logger, label: string, total: number) {
  const started = Date.now();
  const show = total >= SHOW_FROM_BYTES;
  let done = 0;
  const report = () => {
    if (!show) return;
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
      if (show) logger.progressEnd(label);
      const seconds = (Date.now() - started) / 1000;
      return { bytes: done, seconds, rate: `${(seconds > 0 ? done / seconds / 1e6 : 0).toFixed(1)} MB/s` };
    },
  };
}
