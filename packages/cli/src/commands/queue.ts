import { Command } from 'commander';
import { exitCodeFor, ExitCode, UsageError } from '@avpres/core';
import { DEFAULT_REDIS_URL, enqueueJobs, planJobs, queueStatus, redisOptions } from '@avpres/batch';
import type { CliIo } from '../io.js';
import type { CommandEnv } from '../command-env.js';
import { addSharedOptions, sharedOptionsFrom } from '../shared-options.js';
import { addPlanningOptions, batchOptionsFrom, readList } from './batch.js';

export function makeQueueCommand(env: CommandEnv): Command {
  return new Command('queue')
    .description('put batch jobs on a Redis queue (BullMQ) for avpres workers on many machines, and see how they are doing')
    .addCommand(makeQueueAddCommand(env))
    .addCommand(makeQueueStatusCommand(env))
    .addHelpText(
      'after',
      `
The queue lives in the Redis named by REDIS_URL (default ${DEFAULT_REDIS_URL}).

Examples:
  $ REDIS_URL=redis://queue-host:6379 avpres queue add normalise -i /mnt/captures -o /mnt/ffv1
  $ avpres worker --concurrency 1                  # on each machine
  $ avpres queue status`,
    );
}

function makeQueueAddCommand({ io, setExitCode }: CommandEnv): Command {
  const command = new Command('add').description('plan jobs as avpres batch does and add them to the queue (a job already queued is not added again)');
  addPlanningOptions(command)
    .option('--attempts <n>', 'tries per job before it is failed for good (default 3)')
    .option('--backoff <seconds>', 'wait before the first retry; doubled each time (default 10)')
    .option('--retry-failed', 'put jobs that failed for good back in the queue')
    .addHelpText(
      'after',
      `
Each job's BullMQ id is its identity (tool, input path, size and mtime, output folder,
output-changing options): adding the same folder again adds only new or changed files.
Paths are stored as this machine sees them; workers that mount the storage elsewhere
translate them with --path-map. A bad input fails at once; other failures are retried.

Examples:
  $ avpres queue add normalise -i /mnt/captures -o /mnt/ffv1 --json
  $ avpres queue add copyit -i /mnt/old -o /mnt/new --list migrate.txt --attempts 5`,
    );
  addSharedOptions(command);
  command.action(async (toolName: string, opts: Record<string, unknown>) => {
    const shared = sharedOptionsFrom(opts, io.cwd);
    const { options, spec, listFile } = batchOptionsFrom(toolName, opts, shared, io.cwd);
    const attempts = opts['attempts'] === undefined ? 3 : Number(opts['attempts']);
    if (!Number.isInteger(attempts) || attempts < 1 || attempts > 100) throw new UsageError(`--attempts: expected a whole number from 1 to 100, got ${String(opts['attempts'])}`);
    const backoff = opts['backoff'] === undefined ? 10 : Number(opts['backoff']);
    if (!Number.isFinite(backoff) || backoff < 0) throw new UsageError(`--backoff: expected seconds (0 or more), got ${String(opts['backoff'])}`);
    const connection = redisOptions(io.env['REDIS_URL'] ?? DEFAULT_REDIS_URL, 'command');
    setExitCode(
      await oneShot(io, shared.json, async () => {
        const list = listFile ? await readList(listFile) : undefined;
        const plan = await planJobs(options.roots, options.outputDir, options.tool, { ...options.filters, ...(list ? { list } : {}) });
        for (const p of plan.problems) io.stderr.write(`error: ${p.input}: ${p.reason}\n`);
        if (shared.dryRun) {
          for (const job of plan.jobs) io.stdout.write(`queue ${spec.tool}  ${job.input.path} -> ${job.outputDir}  [job ${job.id}]\n`);
          return { exitCode: plan.problems.length ? ExitCode.usage : ExitCode.ok, body: { jobs: plan.jobs.length, problems: plan.problems } };
        }
        const jobs = await enqueueJobs(plan.jobs, { connection, spec, outputRoot: options.outputDir, attempts, backoffMs: backoff * 1000, retryFailed: options.retryFailed });
        const count = (o: string) => jobs.filter((j) => j.outcome === o).length;
        if (!shared.quiet) {
          for (const j of jobs) io.stderr.write(`${j.outcome === 'queued' ? 'queued ' : j.outcome === 'retried' ? 'retried' : `already ${j.outcome}:`} ${j.input} [job ${j.id}]\n`);
          io.stderr.write(`avpres queue add: ${count('queued')} queued, ${count('retried')} retried, ${jobs.length - count('queued') - count('retried')} already there, ${plan.problems.length} not plannable\n`);
        }
        return { exitCode: plan.problems.length ? ExitCode.usage : ExitCode.ok, body: { jobs, problems: plan.problems } };
      }),
    );
  });
  return command;
}

function makeQueueStatusCommand({ io, setExitCode }: CommandEnv): Command {
  const command = new Command('status')
    .description('jobs per state, and each failed job with its error')
    .option('--json', 'print one JSON object on stdout')
    .addHelpText('after', `\nExamples:\n  $ avpres queue status\n  $ avpres queue status --json | jq .counts`);
  command.action(async (opts: Record<string, unknown>) => {
    const json = opts['json'] === true;
    const connection = redisOptions(io.env['REDIS_URL'] ?? DEFAULT_REDIS_URL, 'command');
    setExitCode(
      await oneShot(io, json, async () => {
        const status = await queueStatus(connection);
        if (!json) {
          const c = status.counts;
          io.stdout.write(
            `queue ${status.queue}: ${c['waiting'] ?? 0} waiting, ${c['active'] ?? 0} active, ${c['delayed'] ?? 0} delayed (retry backoff), ` +
              `${c['completed'] ?? 0} completed (${status.completed.done} done, ${status.completed.skipped} skipped: outputs already verified), ${c['failed'] ?? 0} failed\n`,
          );
          for (const f of status.failed) io.stdout.write(`FAILED  ${f.input} [job ${f.id}, ${f.attempts} attempt${f.attempts === 1 ? '' : 's'}]: ${f.reason}\n`);
        }
        return { exitCode: ExitCode.ok, body: status };
      }),
    );
  });
  return command;
}

/** Run a one-shot queue command: errors become one line and their exit code; --json prints the body. */
async function oneShot(io: CliIo, json: boolean, work: () => Promise<{ exitCode: number; body: object }>): Promise<number> {
  try {
    const { exitCode, body } = await work();
    if (json) io.stdout.write(JSON.stringify({ ok: exitCode === 0, exitCode, ...body }, null, 2) + '\n');
    return exitCode;
  } catch (error) {
    const exitCode = exitCodeFor(error);
    io.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (exitCode === ExitCode.bug && error instanceof Error) io.stderr.write(`${error.stack}\n`);
    if (json) io.stdout.write(JSON.stringify({ ok: false, exitCode, error: error instanceof Error ? error.message : String(error) }, null, 2) + '\n');
    return exitCode;
  }
}
