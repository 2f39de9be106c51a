import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InterruptedError, UsageError, failedResult, type InputResult } from '@avpres/core';
import type { ToolContext } from '@avpres/media';
import { buildSip } from './build-sip.js';
import { checkOeNumber, packageUuid } from './identifiers.js';
import type { PackageLayout } from './locate-package.js';
import { planSip, type SipPlan } from './sip-plan.js';
import { readSipState, sipStateFile, writeSipState } from './sip-state.js';
import { validatePackage } from './validate-package.js';

/** `avpres sip` options, already checked by the CLI. */
export interface SipOptions {
  inputs: string[];
  outputDir: string;
  oe: string;
  uuid?: string | undefined;
  layout: PackageLayout;
  supplemental: string[];
  link: boolean;
  /** --force: rebuild (and replace) a package even when a valid one exists. */
  replace: boolean;
}

/**
 * One package from all inputs: a single result. A re-run of the same job (same sources by
 * path, size and mtime; same oe, layout, link) reuses the UUID recorded in
 * `<out>/.avpres-state/sip/`, and skips when that package is present and valid.
 */
export async function sipTool(options: SipOptions, ctx: ToolContext): Promise<InputResult[]> {
  const input = options.inputs.join(', ');
  try {
    const plan = await planSip({ objects: options.inputs.map((path) => ({ path })), supplemental: options.supplemental, cwd: ctx.cwd, signal: ctx.signal });
    if (ctx.dryRun) return [dryRun(options, ctx, input, plan)];
    const state = await sipStateFile(options.outputDir, plan, { oe: options.oe, layout: options.layout, link: options.link });
    const previous = await readSipState(state.path);
    const uuid = options.uuid ?? previous?.uuid ?? packageUuid();
    const packageDir = join(options.outputDir, options.oe, uuid);
    const ours = previous?.uuid === uuid;
    let replace = options.replace;
    if (existsSync(packageDir) && ours && !options.replace) {
      const check = await validatePackage(packageDir, { signal: ctx.signal });
      if (check.valid) {
        const reason = `already packaged and valid: ${packageDir} (--force rebuilds it)`;
        ctx.logger.info(`${input}: ${reason}`);
        return [{ input, status: 'skipped', exitCode: 0, reason, outputs: [], details: { packageDir, uuid, layout: options.layout } }];
      }
      const n = check.problems.length;
      ctx.logger.warn(`${packageDir} does not validate (${n} problem${n === 1 ? '' : 's'}, the first: ${check.problems[0]}); rebuilding it with the same UUID`);
      replace = true;
    } else if (existsSync(packageDir) && !ours && !options.replace) {
      throw new UsageError(`${packageDir}: a package with this UUID already exists (give another --uuid, or --force to replace it)`);
    }
    // Recorded before building, so an interrupted run's retry reuses the UUID.
    await writeSipState(state.path, { oe: options.oe, uuid, layout: options.layout, sources: state.sources });
    const result = await buildSip({
      outputDir: options.outputDir,
      oe: options.oe,
      uuid,
      layout: options.layout,
      objects: options.inputs.map((path) => ({ path })),
      supplemental: options.supplemental,
      link: options.link,
      replace,
      logger: ctx.logger,
      signal: ctx.signal,
      cwd: ctx.cwd,
      env: ctx.env,
      ...(ctx.testHook ? { beforeVerify: (file: string) => ctx.testHook!('before-verify', file) } : {}),
    });
    return [
      {
        input,
        status: 'done',
        exitCode: 0,
        outputs: result.outputs,
        verification: { method: 'md5: copies re-read, package checked against its manifest', outcome: 'pass', detail: `${result.outputs.length - 1} files match ${result.manifest}` },
        details: { inputs: options.inputs, packageDir: result.packageDir, uuid: result.uuid, layout: result.layout, manifest: result.manifest, link: options.link },
      },
    ];
  } catch (error) {
    if (error instanceof InterruptedError) throw error;
    ctx.logger.error(error instanceof Error ? error.message : String(error));
    return [failedResult(input, error)];
  }
}

function dryRun(options: SipOptions, ctx: ToolContext, input: string, plan: SipPlan): InputResult {
  const where = join(options.outputDir, checkOeNumber(options.oe), options.uuid ?? '<uuid>');
  for (const f of plan.files) ctx.print(`${options.link && f.role === 'object' ? 'link' : 'copy'} ${f.source} -> ${join(where, options.layout === 'bagit' ? 'data' : '', f.target)}`);
  ctx.print(`then MediaInfo sidecars, PREMIS XML, ${options.layout === 'ifi' ? `${where}_manifest.md5` : 'BagIt manifests'}, verification (nothing written: --dry-run)`);
  return { input, status: 'skipped', exitCode: 0, reason: 'dry run', outputs: [] };
}
