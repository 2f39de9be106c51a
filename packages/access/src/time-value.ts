import { UsageError } from '@avpres/core';

/**
 * A time as the user types it: seconds ("90", "12.5") or a clock "HH:MM:SS[.mmm]"
 * ("00:01:30.040"). Returns seconds; throws a UsageError naming what was given.
 */
export function parseTime(text: string, what = 'time'): number {
  const value = text.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const clock = /^(\d+):([0-5]\d):([0-5]\d(?:\.\d+)?)$/.exec(value);
  if (clock) return Number(clock[1]) * 3600 + Number(clock[2]) * 60 + Number(clock[3]);
  throw new UsageError(`${what}: expected seconds or HH:MM:SS[.mmm], got ${JSON.stringify(text)}`);
}

/** Seconds as ffmpeg reads them: plain decimal, microsecond precision, no exponent. */
export function formatSeconds(seconds: number): string {
  return Number(seconds.toFixed(6)).toString();
}

/** Seconds as a clock for humans: 75.04 -> "00:01:15.040". */
export function formatClock(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${s.toFixed(3).padStart(6, '0')}`;
}
