import { withoutLeadingName, type InputResult } from '@avpres/core';

/** The --json object: tool, version, ok, exitCode and one record per input. */
export interface RunSummary {
  tool: string;
  version: string;
  ok: boolean;
  exitCode: number;
  error?: string;
  inputs: InputResult[];
  log?: { human: string; events: string; premis?: string };
}

/** The human end-of-run summary, for stderr. */
export function renderSummary(summary: RunSummary): string {
  const lines: string[] = [];
  for (const r of summary.inputs) {
    if (r.status === 'failed') {
      const reason = withoutLeadingName(r.reason ?? 'unknown reason', r.input);
      lines.push(`FAILED   ${r.input}: ${reason}`);
      continue;
    }
    const verdict = r.verification ? ` (${r.verification.method}: ${r.verification.outcome})` : '';
    lines.push(`${r.status === 'done' ? 'DONE    ' : 'SKIPPED '} ${r.input}${verdict}${r.reason ? ` - ${r.reason}` : ''}`);
    for (const o of r.outputs) lines.push(`           ${o.role}: ${o.path}`);
  }
  const count = (status: string) => summary.inputs.filter((i) => i.status === status).length;
  if (summary.inputs.length > 0) {
    lines.push(`avpres ${summary.tool}: ${count('done')} done, ${count('skipped')} skipped, ${count('failed')} failed (exit ${summary.exitCode})`);
  }
  if (summary.log) lines.push(`log: ${summary.log.human}`);
  return lines.length ? lines.join('\n') + '\n' : '';
}
