import { describe, expect, it } from 'vitest';
import { jobId } from './job.js';

describe('jobId', () => {
  const input = { path: '/in/tape.mov', size: 100, mtimeMs: 1700000000123.5 };
  const id = jobId('normalise', input, '/out', { slices: null });
  it('is stable for the same tool, input, output folder and options', () => {
    expect(jobId('normalise', { ...input }, '/out', { slices: null })).toBe(id);
    expect(id).toMatch(/^[0-9a-f]{24}$/);
  });
  it('changes when the source changes size or mtime', () => {
    expect(jobId('normalise', { ...input, size: 101 }, '/out', { slices: null })).not.toBe(id);
    expect(jobId('normalise', { ...input, mtimeMs: 1700000001000 }, '/out', { slices: null })).not.toBe(id);
  });
  it('changes with the tool, the output folder and the output-changing options', () => {
    expect(jobId('copyit', input, '/out', { slices: null })).not.toBe(id);
    expect(jobId('normalise', input, '/out2', { slices: null })).not.toBe(id);
    expect(jobId('normalise', input, '/out', { slices: 24 })).not.toBe(id);
  });
});
