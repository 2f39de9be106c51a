import { parseRate, programRun, type ToolContext } from '@avpres/media';
import type { Segment } from './access-plan.js';
import { detectInterlace } from './detect-interlace.js';
import { decideDeinterlace, needsDetection, type DeinterlaceDecision, type DeinterlaceMode } from './field-order.js';

/**
 * The deinterlace decision for one source as a logged event: the tag, idet's counts when
 * it had to be asked, and the verdict. A weak verdict closes the event as a warning.
 */
export async function decideFieldOrder(input: {
  source: string;
  video: { index: number; fieldOrder: string | undefined; frameRate: string | undefined };
  segment: Segment;
  mode: DeinterlaceMode;
  ctx: ToolContext;
}): Promise<DeinterlaceDecision> {
  const { ctx, source, video, mode } = input;
  const event = ctx.logger.begin('metadata extraction', `field order of ${source}`, { objects: [{ path: source, role: 'source' }] });
  try {
    let idet;
    if (needsDetection(mode, video.fieldOrder)) {
      const fps = parseRate(video.frameRate) ?? 25;
      const run = await detectInterlace({ ffmpeg: ctx.tools.ffmpeg.path, source, videoStream: video.index, segment: input.segment, fps, signal: ctx.signal });
      if (run.commands[0]) event.setProgram(programRun(ctx.tools.ffmpeg, run.commands[0]));
      idet = run.report;
    }
    const decision = decideDeinterlace({ mode, tag: video.fieldOrder, idet });
    const text = `${describeDecision(decision)} (${decision.basis}: ${decision.evidence})`;
    // A warning outcome reaches the console on its own; no second message.
    if (decision.warning) {
      event.warn(`${text}; ${decision.warning}`);
    } else {
      event.succeed(text);
    }
    return decision;
  } catch (error) {
    if (!event.isClosed) event.fail(error instanceof Error ? error.message : String(error));
    throw error;
  }
}

export function describeDecision(d: DeinterlaceDecision): string {
  return d.deinterlace ? `deinterlace with bwdif, ${d.parity === 'bff' ? 'bottom' : 'top'} field first` : 'not deinterlaced';
}
