import { InputError } from '@avpres/core';
import { probe, type ToolContext } from '@avpres/media';
import type { AccessPlan } from './access-plan.js';
import { moovFirst, topLevelBoxes } from './mp4-boxes.js';
import { checkAccessOutput } from './output-check.js';

export const ACCESS_VERIFICATION = 'ffprobe check';

/** ffprobe's view of the finished .partial against the plan, plus moov-before-mdat; logged as a validation event. */
export async function verifyOutput(plan: AccessPlan, ctx: ToolContext): Promise<string[]> {
  const event = ctx.logger.begin('validation', `${ACCESS_VERIFICATION} of ${plan.output}`, { objects: [{ path: plan.partial, role: 'outcome' }] });
  const problems: string[] = [];
  try {
    problems.push(...checkAccessOutput(await probe(ctx.tools.ffprobe.path, plan.partial, ctx.signal), plan));
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    problems.push(`ffprobe cannot read it (${error.message})`);
  }
  try {
    if (!moovFirst(await topLevelBoxes(plan.partial))) problems.push('moov box is not before mdat (not streamable)');
  } catch (error) {
    problems.push(`MP4 boxes unreadable (${(error as Error).message})`);
  }
  if (problems.length) event.fail(problems.join('; '));
  else event.succeed(verificationDetail(plan));
  return problems;
}

export function verificationDetail(plan: AccessPlan): string {
  const parts = [
    `H.264 High yuv420p ${plan.frame.width}x${plan.frame.height} progressive`,
    plan.audio ? 'AAC 48 kHz stereo' : 'no audio',
    plan.segment.duration !== undefined ? `duration ${plan.segment.duration.toFixed(3)} s within one frame` : 'duration not checked (source length unknown)',
    'moov before mdat',
  ];
  if (plan.settings.copyright !== undefined) parts.push('copyright tag present');
  return parts.join(', ');
}
