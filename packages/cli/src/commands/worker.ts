import { Command } from 'commander';
import { UsageError } from '@avpres/core';
import { DEFAULT_REDIS_URL, parsePathMap, redisOptions, runWorker } from '@avpres/batch';
import type { CommandEnv } from '../command-env.js';
import { addSharedOptions, sharedOptionsFrom } from '../shared-options.js';
import { runToolCommand } from '../tool-runner.js';
import { VERSION } from '../version.js';

export function makeWorkerCommand({ io, setExitCode }: CommandEnv): Command {
  const command = new Command('worker')
    .description('take jobs from the Redis queue (BullMQ) and run them, until stopped with Ctrl-C or SIGTERM')
    .option('--concurrency <n>', 'jobs at once on this machine (default 1: an encode keeps two cores busy)')
    .option('--path-map <from=to>', 'the queue says /from/..., this machine mounts it at /to/... (repeatable)', (v: string, prev: string[]) => [...prev, v], [])
    .option('--lock <seconds>', 'a job whose worker stops renewing its lock for this long is given to another worker (default 30)')
    .option('--no-thumbnails', 'no thumbnails for video jobs')
    .addHelpText(
      'after',
      `
The queue lives in the Redis named by REDIS_URL (default ${DEFAULT_REDIS_URL}). Each job
runs the tool's library function exactly as avpres batch does; outputs appear under their
final names only once verified, and a job whose verified outputs are already there
completes without redoing the work, so a job delivered twice is done once. A worker that
dies mid-job leaves only partial files; another worker takes the job over once its lock
expires, starting it cleanly. Ctrl-C puts running jobs back in the queue. A bad input
fails at once; other failures are retried with backoff (see avpres queue add --attempts).
Each worker appends to its own ledger: <output>/avpres-batch/workers/<tool>-<host>-<pid>.ledger.jsonl.

Examples:
  $ REDIS_URL=redis://queue-host:6379 avpres worker --concurrency 1
  $ avpres worker --concurrency 4 --path-map /mnt/store=/Volumes/store`,
    );
  addSharedOptions(command);
  command.action(async (opts: Record<string, unknown>) => {
    const shared = sharedOptionsFrom(opts, io.cwd);
    const concurrency = opts['concurrency'] === undefined ? 1 : Number(opts['concurrency']);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageError(`--concurrency: expected a whole number from 1 to 64, got ${String(opts['concurrency'])}`);
    const lock = opts['lock'] === undefined ? 30 : Number(opts['lock']);
    if (!Number.isFinite(lock) || lock < 1) throw new UsageError(`--lock: expected seconds (1 or more), got ${String(opts['lock'])}`);
    const pathMap = (opts['pathMap'] as string[]).map(parsePathMap);
    if (shared.dryRun) throw new UsageError('--dry-run: a worker runs what the queue gives it; use avpres queue add --dry-run to see the jobs');
    const connection = redisOptions(io.env['REDIS_URL'] ?? DEFAULT_REDIS_URL, 'worker');
    setExitCode(
      await runToolCommand(
        {
          tool: 'worker',
          shared,
          outputDir: undefined,
          needsMedia: true,
          execute: (ctx) => runWorker({ connection, concurrency, pathMap, lockMs: lock * 1000, thumbnails: opts['thumbnails'] !== false }, ctx, VERSION),
        },
        io,
      ),
    );
  });
  return command;
}
