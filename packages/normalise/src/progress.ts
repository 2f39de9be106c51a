import type { Logger } from '@avpres/log';
import type { FfmpegProgress } from '@avpres/media';

/** Turn ffmpeg's progress into the logger's: frames done of total, ×realtime, ETA. */
export function progressReporter(logger: Logger, label: string, totalFrames: number | undefined) {
  const started = Date.now();
  return (p: FfmpegProgress) => {
    const elapsed = (Date.now() - started) / 1000;
    const fraction = p.percent !== undefined ? p.percent / 100 : undefined;
    logger.progress({
      label,
      unit: 'frames',
      done: p.frame ?? 0,
      ...(totalFrames !== undefined ? { total: totalFrames } : {}),
      ...(p.speed !== undefined ? { rate: `${p.speed.toFixed(2)}x` } : {}),
      ...(fraction && fraction > 0.01 ? { etaSeconds: (elapsed * (1 - fraction)) / fraction } : {}),
    });
  };
}
