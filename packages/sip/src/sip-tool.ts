import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InterruptedError, failedResult, type InputResult } from '@avpres/core';
import type { ToolContext } from '@avpres/media';
import { buildSip } from './build-sip.js';
import { checkOeNumber } from './identifiers.js';
import type { PackageLayout } from './locate-package.js';
import { choosePackage, type PackageState } from './package-job.js';
import { checkOutsideSources, planSip, type SipPlan } from './sip-plan.js';

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
    // Before the job's state is written in the output folder: that too would land in a source.
    checkOutsideSources(plan, join(options.outputDir, checkOeNumber(options.oe)));
    if (ctx.dryRun) return [dryRun(options, ctx, input, plan)];
    const job = await sipJob(plan, options);
    const chosen = await choosePackage({
      outputDir: options.outputDir,
      tool: 'sip',
      ...job,
      oe: options.oe,
      uuid: options.uuid,
      force: options.replace,
      dryRun: false,
      label: input,
      logger: ctx.logger,
      signal: ctx.signal,
    });
    const { uuid } = chosen;
    if (chosen.skipReason) {
      const reason = `${chosen.skipReason} (--force rebuilds it)`;
      ctx.logger.info(`${input}: ${reason}`);
      return [{ input, status: 'skipped', exitCode: 0, reason, outputs: [], details: { packageDir: chosen.packageDir, uuid, layout: options.layout } }];
    }
    const result = await buildSip({
      outputDir: options.outputDir,
      oe: options.oe,
      uuid,
      layout: options.layout,
      objects: options.inputs.map((path) => ({ path })),
      supplemental: options.supplemental,
      link: options.link,
      replace: chosen.replace,
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

/**
 * The job: its sources (path, size, mtime, supplemental files too), layout and link mode.
 * Its state file is named by a digest of these and the oe number, as `avpres sip` has
 * always named it, so a state an older version wrote is found (see olderSipState).
 */
async function sipJob(plan: SipPlan, options: SipOptions) {
  const sources: Array<[path: string, size: number, mtimeMs: number]> = [];
  for (const f of plan.files) sources.push([f.source, f.size, (await stat(f.source)).mtimeMs]);
  const { oe, layout, link } = options;
  const key = createHash('sha256').update(JSON.stringify({ sources, oe, layout, link })).digest('hex').slice(0, 32);
  return { key, identity: { sources, layout, link }, olderState: (json: unknown) => olderSipState(json, link) };
}

/**
 * The state `avpres sip` wrote before it used choosePackage: { oe, uuid, layout, sources }.
 * It did not record the link mode, but its file name (the digest) includes it.
 */
function olderSipState(json: unknown, link: boolean): PackageState | undefined {
  const old = json as Partial<{ oe: string; uuid: string; layout: PackageLayout; sources: unknown }> | null;
  if (typeof old?.oe !== 'string' || typeof old.uuid !== 'string' || !Array.isArray(old.sources)) return undefined;
  return { oe: old.oe, uuid: old.uuid, identity: { sources: old.sources, layout: old.layout, link } };
}

function dryRun(options: SipOptions, ctx: ToolContext, input: string, plan: SipPlan): InputResult {
  const where = join(options.outputDir, checkOeNumber(options.oe), options.uuid ?? '<uuid>');
  for (const f of plan.files) ctx.print(`${options.link && f.role === 'object' ? 'link' : 'copy'} ${f.source} -> ${join(where, options.layout === 'bagit' ? 'data' : '', f.target)}`);
  ctx.print(`then MediaInfo sidecars, PREMIS XML, ${options.layout === 'ifi' ? `${where}_manifest.md5` : 'BagIt manifests'}, verification (nothing written: --dry-run)`);
  return { input, status: 'skipped', exitCode: 0, reason: 'dry run', outputs: [] };
}
