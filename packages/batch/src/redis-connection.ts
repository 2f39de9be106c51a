import { UsageError } from '@avpres/core';
import type { ConnectionOptions } from 'bullmq';

/** The Redis a queue or worker uses: REDIS_URL, else the local default. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * ioredis options from a redis:// URL. A worker waits for Redis to come back (BullMQ needs
 * maxRetriesPerRequest null); a one-shot command gives up after a few tries, so an
 * unreachable Redis is an error, not a hang.
 */
export function redisOptions(url: string, role: 'worker' | 'command'): ConnectionOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`REDIS_URL: expected redis://host:port[/db], got ${url}`);
  }
  if (parsed.protocol !== 'redis:') throw new UsageError(`REDIS_URL: expected redis://host:port[/db], got ${url}`);
  const db = parsed.pathname.replace(/^\//, '');
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    ...(role === 'command' ? { retryStrategy: (times: number) => (times > 3 ? null : 200), connectTimeout: 3000 } : {}),
  };
}
