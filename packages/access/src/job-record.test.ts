import { describe, expect, it } from 'vitest';
import type { EncodeSettings } from './access-plan.js';
import { accessJobKey, jobRecordPath } from './job-record.js';

const settings: EncodeSettings = { crf: 18, preset: 'slow', audioBitrate: '192k', watermark: { kind: 'default' }, watermarkOpacity: 0.2 };
const job = { source: { path: '/in/a.mov', size: 10, mtimeMs: 5 }, trim: {}, deinterlace: 'auto' as const, settings };

describe('accessJobKey', () => {
  it('is stable for the same job', () => {
    expect(accessJobKey(job)).toBe(accessJobKey({ ...job, trim: { start: 0 } }));
  });
  it('changes with the source and with anything that changes the copy', () => {
    const base = accessJobKey(job);
    expect(accessJobKey({ ...job, source: { ...job.source, mtimeMs: 6 } })).not.toBe(base);
    expect(accessJobKey({ ...job, trim: { duration: 4 } })).not.toBe(base);
    expect(accessJobKey({ ...job, deinterlace: 'off' })).not.toBe(base);
    expect(accessJobKey({ ...job, settings: { ...settings, copyright: '©' } })).not.toBe(base);
    expect(accessJobKey({ ...job, settings: { ...settings, watermark: { kind: 'none' } } })).not.toBe(base);
  });
});

describe('jobRecordPath', () => {
  it('keeps records in the output folder logs, not beside the MP4', () => {
    expect(jobRecordPath('/out', '/out/a_access.mp4')).toBe('/out/avpres-logs/a_access.mp4.job.json');
  });
});
