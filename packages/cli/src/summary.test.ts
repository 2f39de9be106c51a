import { describe, expect, it } from 'vitest';
import { renderSummary, type RunSummary } from './summary.js';

const run = (inputs: RunSummary['inputs'], exitCode = 2): RunSummary => ({ tool: 'seq2ffv1', version: '0.1.0', ok: exitCode === 0, exitCode, inputs });

describe('renderSummary', () => {
  it("drops a reason's leading file name, which the line already gives", () => {
    const text = renderSummary(run([{ input: '/scans/reel 1', status: 'failed', exitCode: 2, reason: '/scans/reel 1: gap after frame 41', outputs: [] }]));
    expect(text).toContain('FAILED   /scans/reel 1: gap after frame 41');
  });
  it('keeps the same path where it comes later in the reason', () => {
    const reason = '/scans/size/frame_0000005.dpx: mixed frame sizes in /scans/size: 320x240 instead of 640x480';
    const text = renderSummary(run([{ input: '/scans/size', status: 'failed', exitCode: 2, reason, outputs: [] }]));
    expect(text).toContain(`FAILED   /scans/size: ${reason}`);
  });
  it('counts what was done, skipped and failed', () => {
    const text = renderSummary(
      run([
        { input: '/a.mov', status: 'done', exitCode: 0, outputs: [], verification: { method: 'framemd5', outcome: 'pass', detail: '' } },
        { input: '/b.mov', status: 'skipped', exitCode: 0, outputs: [], reason: 'already normalised' },
        { input: '/c.mov', status: 'failed', exitCode: 2, outputs: [] },
      ]),
    );
    expect(text).toContain('DONE     /a.mov (framemd5: pass)');
    expect(text).toContain('SKIPPED  /b.mov - already normalised');
    expect(text).toContain('FAILED   /c.mov: unknown reason');
    expect(text).toContain('avpres seq2ffv1: 1 done, 1 skipped, 1 failed (exit 2)');
  });
});
