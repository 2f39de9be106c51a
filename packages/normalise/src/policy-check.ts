import { fileURLToPath } from 'node:url';
import { basename } from 'node:path';
import { VerificationError } from '@avpres/core';
import { programRun, resolveOptionalTool, runProgram, type ToolContext } from '@avpres/media';

/** The FFV1/Matroska policy kept in this repository (MediaConch XML). */
export const POLICY = fileURLToPath(new URL('../policies/ffv1-mkv.xml', import.meta.url));

const TIME_LIMIT_MS = 120_000;

export interface PolicyOutcome {
  ran: boolean;
  pass?: boolean;
  detail: string;
}

/** "pass! file" / "fail! file" followed by the failed rules, one per line. */
export function parseMediaconch(stdout: string): { pass: boolean; failed: string[] } {
  const lines = stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  const pass = /^pass!/.test(lines[0] ?? '');
  const failed = lines.slice(1).flatMap((l) => /\[fail:(.*)\]/.exec(l)?.[1] ?? []);
  return { pass, failed };
}

/**
 * Check an MKV against the policy when the `mediaconch` program is present. A failure is a
 * warning, or (strict) a failed verification. Absent program: said in the log, no event.
 */
export async function checkPolicy(mkv: string, displayName: string, ctx: ToolContext, strict: boolean): Promise<PolicyOutcome> {
  const tool = await resolveOptionalTool('mediaconch', { env: ctx.env, cwd: ctx.cwd });
  if (!tool) {
    ctx.logger.debug('mediaconch not found: MediaConch policy check not run');
    return { ran: false, detail: 'mediaconch not found' };
  }
  const args = ['-p', POLICY, mkv];
  const scope = ctx.logger.begin('validation', `${displayName} against the MediaConch policy ${basename(POLICY)}`, { program: programRun(tool, args) });
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(TIME_LIMIT_MS)]);
  let stdout: string;
  try {
    ({ stdout } = await runProgram(tool.path, args, { captureStdout: true, signal, file: mkv }));
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    const detail = `mediaconch did not finish (${error instanceof Error ? error.message : String(error)})`;
    scope.warn(detail);
    return { ran: false, detail };
  }
  const { pass, failed } = parseMediaconch(stdout);
  if (pass) {
    scope.succeed('pass');
    return { ran: true, pass, detail: 'pass' };
  }
  const detail = `fail: ${failed.join('; ') || stdout.trim()}`;
  if (strict) {
    scope.fail(detail);
    throw new VerificationError(`${displayName}: MediaConch policy check failed (${failed.join('; ')})`, { file: mkv });
  }
  scope.warn(detail);
  ctx.logger.warn(`${displayName}: MediaConch policy check failed (${failed.join('; ')}); kept as a warning (--strict makes it fail)`);
  return { ran: true, pass, detail };
}
