import { describe, expect, it } from 'vitest';
import { escapeHtml, hrefOf } from './html.js';
import type { JobSummary } from './ledger.js';
import { renderReport, reportRow } from './report.js';

const job = (over: Partial<JobSummary>): JobSummary => ({
  id: 'abc',
  tool: 'normalise',
  input: { path: '/in/<b>"tape" & co.mov', size: 2000, mtimeMs: 1 },
  rel: '<b>"tape" & co.mov',
  outputDir: '/out',
  state: 'planned',
  attempts: 0,
  doneCount: 0,
  ...over,
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and attributes', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
  it('percent-encodes link segments', () => {
    expect(hrefOf('logs/a b#1.log')).toBe('logs/a%20b%231.log');
  });
});

describe('reportRow', () => {
  it('takes sizes and the ratio from the main output of the last end record', () => {
    const row = reportRow(
      job({
        state: 'done',
        last: { time: 't', job: 'abc', state: 'done', seconds: 3.2, outputs: [{ path: '/out/x.mkv', role: 'preservation master', size: 500 }], verification: { method: 'framemd5', outcome: 'pass', detail: 'identical' } },
      }),
      'preservation master',
    );
    expect(row).toMatchObject({ state: 'done', seconds: 3.2, inputBytes: 2000, outputBytes: 500, ratio: 4, verificationOutcome: 'pass', verification: 'framemd5: identical' });
  });
  it('says a job left running will be redone, and shows no stale outcome for it', () => {
    const row = reportRow(job({ state: 'running', last: { time: 't', job: 'abc', state: 'failed', reason: 'old failure' } }), 'preservation master');
    expect(row.reason).toMatch(/redone on the next run/);
    expect(row.verificationOutcome).toBe('not run');
  });
});

describe('renderReport', () => {
  it('escapes every string it shows and links logs relative to the report', async () => {
    const html = await renderReport(
      {
        tool: 'normalise',
        ledgerPath: '/out/avpres-batch/normalise.ledger.jsonl',
        jobs: [job({ state: 'failed', last: { time: 't', job: 'abc', state: 'failed', reason: '<script>alert(1)</script>', log: '/out/avpres-batch/logs/abc.log' } })],
        problems: [{ input: 'a&b', reason: 'listed, but <missing>' }],
        mainRole: 'preservation master',
        generated: '2026-01-01T00:00:00Z',
        interrupted: false,
      },
      '/out/avpres-batch/normalise-report.html',
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('title="/in/&lt;b&gt;&quot;tape&quot; &amp; co.mov"');
    expect(html).toContain('<a href="logs/abc.log">log</a>');
    expect(html).toContain('<td>a&amp;b</td><td>listed, but &lt;missing&gt;</td>');
    expect(html).toContain('1 jobs: 1 failed; 1 not planned');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});
