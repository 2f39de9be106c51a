import type { InputResult } from '@avpres/core';
import { eachInput } from '@avpres/core';
import type { ToolContext } from '@avpres/media';
import { byteProgress } from './byte-progress.js';
import { validatePackage } from './validate-package.js';

/** `avpres validate`: each path checked on its own; problems listed one per line. */
export async function validateTool(options: { packages: string[] }, ctx: ToolContext): Promise<InputResult[]> {
  const { logger } = ctx;
  if (ctx.dryRun) {
    for (const p of options.packages) ctx.print(`validate ${p} (nothing read: --dry-run)`);
    return options.packages.map((input) => ({ input, status: 'skipped', exitCode: 0, reason: 'dry run', outputs: [] }));
  }
  return eachInput(
    options.packages,
    async (path) => {
      const event = logger.begin('validation', `package ${path}: structure, manifest completeness, every hash`, { objects: [{ path, role: 'source' }] });
      let progress: ReturnType<typeof byteProgress> | undefined;
      try {
        const result = await validatePackage(path, {
          signal: ctx.signal,
          onProgress: (p) => {
            progress ??= byteProgress(logger, `validating ${path}`, p.bytesTotal);
            progress.set(p.bytesDone);
          },
        });
        const speed = progress?.end();
        const summary = `${result.layout}, ${result.files} file${result.files === 1 ? '' : 's'}, ${(result.bytes / 1e6).toFixed(1)} MB${speed ? ` at ${speed.rate}` : ''}`;
        for (const w of result.warnings) logger.warn(`${path}: ${w}`);
        for (const p of result.problems) logger.error(`${path}: ${p}`);
        const details = { layout: result.layout, files: result.files, bytes: result.bytes, problems: result.problems, warnings: result.warnings, packages: result.packages };
        if (result.valid) {
          logger.info(`${path}: valid (${summary})`);
          event.succeed(summary);
          return { input: path, status: 'done', exitCode: 0, outputs: [], verification: { method: `${result.layout} manifest`, outcome: 'pass', detail: summary }, details };
        }
        const count = `${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}`;
        event.fail(`${count}, the first: ${result.problems[0]}`);
        return {
          input: path,
          status: 'failed',
          exitCode: 1,
          reason: `invalid, ${count} (listed above)`,
          outputs: [],
          verification: { method: `${result.layout} manifest`, outcome: 'fail', detail: result.problems.join('; ') },
          details,
        };
      } catch (error) {
        progress?.end();
        event.fail(error instanceof Error ? error.message : String(error));
        throw error;
      }
    },
    // The failed validation event already puts the reason on stderr and in the log.
    { name: (p) => p },
  );
}
