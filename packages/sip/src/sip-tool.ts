import { InterruptedError, failedResult, type InputResult } from '@avpres/core';
import type { ToolContext } from '@avpres/media';
import { join } from 'node:path';
import { buildSip } from './build-sip.js';
import { checkOeNumber } from './identifiers.js';
import type { PackageLayout } from './locate-package.js';
import { planSip } from './sip-plan.js';

/** `avpres sip` options, already checked by the CLI. */
export interface SipOptions {
  inputs: string[];
  outputDir: string;
  oe: string;
  uuid?: string | undefined;
  layout: PackageLayout;
  supplemental: string[];
  link: boolean;
  /** --force: replace an existing package with the same UUID. */
  replace: boolean;
}

/** One package from all inputs: a single result, done or failed as a whole. */
export async function sipTool(options: SipOptions, ctx: ToolContext): Promise<InputResult[]> {
  const input = options.inputs.join(', ');
  if (ctx.dryRun) return [await dryRun(options, ctx, input)];
  try {
    const result = await buildSip({
      outputDir: options.outputDir,
      oe: options.oe,
      ...(options.uuid !== undefined ? { uuid: options.uuid } : {}),
      layout: options.layout,
      objects: options.inputs.map((path) => ({ path })),
      supplemental: options.supplemental,
      link: options.link,
      replace: options.replace,
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
        verification: { method: 'md5 manifest, every packaged file re-read', outcome: 'pass', detail: `${result.outputs.length - 1} files match ${result.manifest}` },
        details: { packageDir: result.packageDir, uuid: result.uuid, layout: result.layout, manifest: result.manifest, link: options.link },
      },
    ];
  } catch (error) {
    if (error instanceof InterruptedError) throw error;
    ctx.logger.error(error instanceof Error ? error.message : String(error));
    return [failedResult(input, error)];
  }
}

async function dryRun(options: SipOptions, ctx: ToolContext, input: string): Promise<InputResult> {
  const plan = await planSip({ objects: options.inputs.map((path) => ({ path })), supplemental: options.supplemental, cwd: ctx.cwd });
  const where = join(options.outputDir, checkOeNumber(options.oe), options.uuid ?? '<new uuid>');
  for (const f of plan.files) ctx.print(`${options.link && f.role === 'object' ? 'link' : 'copy'} ${f.source} -> ${join(where, options.layout === 'bagit' ? 'data' : '', f.target)}`);
  ctx.print(`then MediaInfo sidecars, PREMIS XML, ${options.layout === 'ifi' ? `${where}_manifest.md5` : 'BagIt manifests'}, verification (nothing written: --dry-run)`);
  return { input, status: 'skipped', exitCode: 0, reason: 'dry run', outputs: [] };
}
