import { readFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { formatBytes } from '@avpres/copyit';
import { writeFileAtomic } from '@avpres/fixity';
import { escapeHtml as e, hrefOf } from './html.js';
import type { JobState, JobSummary } from './ledger.js';
import type { PlanProblem } from './plan.js';

export interface ReportInput {
  tool: string;
  ledgerPath: string;
  /** Jobs as the ledger's fold has them, in planning order. */
  jobs: JobSummary[];
  problems: PlanProblem[];
  /** Role of the output the size, ratio and thumbnail come from. */
  mainRole: string;
  generated: string;
  /** The batch stopped early (Ctrl-C). */
  interrupted: boolean;
}

/** One report row's facts, computed from the ledger alone (so report and ledger agree). */
export interface ReportRow {
  id: string;
  rel: string;
  input: string;
  state: JobState;
  reason: string;
  seconds?: number | undefined;
  inputBytes: number;
  outputBytes?: number | undefined;
  ratio?: number | undefined;
  verification: string;
  verificationOutcome: string;
  log?: string | undefined;
  thumbnail?: string | undefined;
}

export function reportRow(job: JobSummary, mainRole: string): ReportRow {
  const last = job.state === 'planned' || job.state === 'running' ? undefined : job.last;
  const main = last?.outputs?.find((o) => o.role === mainRole);
  const v = last?.verification;
  return {
    id: job.id,
    rel: job.rel,
    input: job.input.path,
    state: job.state,
    reason: job.state === 'running' ? 'left running by a batch that stopped; redone on the next run' : (last?.reason ?? ''),
    seconds: last?.seconds,
    inputBytes: job.input.size,
    outputBytes: main?.size,
    ratio: main && main.size > 0 ? job.input.size / main.size : undefined,
    verification: v ? `${v.method}: ${v.detail}` : '',
    verificationOutcome: v?.outcome ?? 'not run',
    log: last?.log,
    thumbnail: last?.thumbnail,
  };
}

const STATES: JobState[] = ['done', 'skipped', 'failed', 'interrupted', 'running', 'planned'];

/** The report: one self-contained HTML file (inline CSS, thumbnails as data: URIs), well-formed XML too. */
export async function renderReport(input: ReportInput, reportPath: string): Promise<string> {
  const rows = input.jobs.map((job) => reportRow(job, input.mainRole));
  const counts = STATES.map((s) => [s, rows.filter((r) => r.state === s).length] as const).filter(([, n]) => n > 0);
  const here = dirname(reportPath);
  const body: string[] = [];
  for (const r of rows) {
    const thumb = r.thumbnail ? await dataUri(r.thumbnail) : undefined;
    const log = r.log ? `<a href="${e(hrefOf(relative(here, r.log)))}">log</a>` : '';
    body.push(
      `<tr class="${e(r.state)}" data-job="${e(r.id)}" data-state="${e(r.state)}">` +
        `<td class="thumb">${thumb ? `<img alt="" src="${e(thumb)}"/>` : ''}</td>` +
        `<td class="input" title="${e(r.input)}">${e(r.rel)}</td>` +
        `<td class="state">${e(r.state)}</td>` +
        `<td class="reason">${e(r.reason)}</td>` +
        `<td class="num">${r.seconds === undefined ? '' : e(r.seconds.toFixed(1) + ' s')}</td>` +
        `<td class="num">${e(formatBytes(r.inputBytes))}</td>` +
        `<td class="num">${r.outputBytes === undefined ? '' : e(formatBytes(r.outputBytes))}</td>` +
        `<td class="num">${r.ratio === undefined ? '' : e(r.ratio.toFixed(2))}</td>` +
        `<td class="verify ${e(r.verificationOutcome.replace(/\s+/g, '-'))}">${e(r.verificationOutcome)}<br/><small>${e(r.verification)}</small></td>` +
        `<td>${log}</td>` +
        `</tr>`,
    );
  }
  const problems = input.problems.length
    ? `<h2>Not planned</h2><table class="problems"><thead><tr><th>input</th><th>reason</th></tr></thead><tbody>${input.problems
        .map((p) => `<tr><td>${e(p.input)}</td><td>${e(p.reason)}</td></tr>`)
        .join('')}</tbody></table>`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<title>${e(`avpres batch ${input.tool}: report`)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f3f3f3;position:sticky;top:0}
td.num{text-align:right;white-space:nowrap}
td.input{font-family:monospace;word-break:break-all}
td.reason{max-width:30em}
td.thumb img{display:block;width:120px;height:auto}
tr.done td.state{color:#176117}
tr.skipped td.state{color:#555}
tr.failed td.state,tr.interrupted td.state,tr.running td.state{color:#a31515;font-weight:bold}
td.verify.pass{color:#176117}
td.verify.fail{color:#a31515}
small{color:#555}
</style>
</head>
<body>
<h1>${e(`avpres batch ${input.tool}`)}</h1>
<p>${e(`Generated ${input.generated} from the ledger ${input.ledgerPath}.`)}${input.interrupted ? ' <strong>The batch was interrupted; a re-run resumes it.</strong>' : ''}</p>
<p class="counts">${e(`${rows.length} jobs: ${counts.map(([s, n]) => `${n} ${s}`).join(', ') || 'none'}`)}${input.problems.length ? e(`; ${input.problems.length} not planned`) : ''}</p>
<table class="jobs">
<thead><tr><th>thumbnail</th><th>input</th><th>state</th><th>reason</th><th>duration</th><th>input size</th><th>output size</th><th>ratio</th><th>verification</th><th>log</th></tr></thead>
<tbody>
${body.join('\n')}
</tbody>
</table>
${problems}
</body>
</html>
`;
}

export async function writeReport(input: ReportInput, reportPath: string): Promise<void> {
  await writeFileAtomic(reportPath, await renderReport(input, reportPath));
}

async function dataUri(file: string): Promise<string | undefined> {
  const data = await readFile(file).catch(() => undefined);
  return data ? `data:image/jpeg;base64,${data.toString('base64')}` : undefined;
}
