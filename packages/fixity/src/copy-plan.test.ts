import { describe, expect, it } from 'vitest';
import { planCopies } from './copy-plan.js';

describe('planCopies', () => {
  it('keeps many small files under way and flushes them in groups that can fill', () => {
    for (const count of [2, 3, 200, 2000]) {
      const plan = planCopies(new Array<number>(count).fill(500_000), { manyAtOnce: 64 });
      expect(plan.jobs).toBe(64);
      // A group larger than the copies under way could never fill: each would wait out the window.
      expect(plan.flushBatch).toBeGreaterThanOrEqual(1);
      expect(plan.flushBatch!).toBeLessThanOrEqual(Math.min(plan.jobs, count));
    }
  });

  it('copies large files two at a time, each with its own fsync, and one file alone', () => {
    expect(planCopies([2e9, 3e9], { manyAtOnce: 64 })).toEqual({ jobs: 2 });
    expect(planCopies([500_000], { manyAtOnce: 64 })).toEqual({ jobs: 2 });
  });

  it('takes the jobs asked for', () => {
    expect(planCopies(new Array<number>(100).fill(1000), { manyAtOnce: 256, jobs: 8 })).toEqual({ jobs: 8, flushBatch: 4 });
    expect(planCopies([2e9, 3e9], { manyAtOnce: 256, jobs: 1 })).toEqual({ jobs: 1 });
  });
});
