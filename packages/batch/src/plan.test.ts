import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseList, planJobs, type PlanFilters, type PlanTool } from './plan.js';

let dir: string;
let root: string;
const tool: PlanTool = {
  name: 'normalise',
  extensions: new Set(['.mov', '.mxf']),
  identityOptions: {},
  outputKey: (job) => join(job.outputDir, job.input.path.replace(/^.*\//, '').replace(/\.[^.]+$/, '')),
};
const none: PlanFilters = { include: [], exclude: [] };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'avpres-plan-'));
  root = join(dir, 'in');
  const files: Record<string, string> = {
    'reel1/tape_01.mov': 'x'.repeat(2000),
    'reel1/tape_01.mxf': 'same stem, same folder',
    'reel1/notes.txt': 'n',
    'reel1/.DS_Store': 'junk',
    'reel2/-tape 02 é.mov': 'y'.repeat(10),
    'reel2/old.mov': 'old',
    'reel2/half.mov.partial': 'p',
    'out/reel1/tape_01.mkv': 'an output inside the root',
  };
  for (const [rel, data] of Object.entries(files)) {
    await mkdir(join(root, rel, '..'), { recursive: true });
    await writeFile(join(root, rel), data);
  }
  await utimes(join(root, 'reel2/old.mov'), new Date('2020-01-01'), new Date('2020-01-01'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const rels = (p: { jobs: { rel: string }[] }) => p.jobs.map((j) => j.rel);

describe('planJobs', () => {
  it('makes one job per media file, keeping its folder below the output, never walking the output folder', async () => {
    const plan = await planJobs([root], join(root, 'out'), tool, none);
    expect(rels(plan)).toEqual(['reel1/tape_01.mov', 'reel2/-tape 02 é.mov', 'reel2/old.mov']);
    expect(plan.jobs[1]!.outputDir).toBe(join(root, 'out', 'reel2'));
    expect(plan.jobs[1]!.input.size).toBe(10);
  });
  it('lists two inputs whose outputs would collide, keeping the first', async () => {
    const plan = await planJobs([root], join(dir, 'o'), tool, none);
    expect(plan.problems).toEqual([{ input: join(root, 'reel1/tape_01.mxf'), reason: expect.stringMatching(/would overwrite those of .*tape_01\.mov/) }]);
  });
  it('filters by extension, glob, size and date', async () => {
    const o = join(dir, 'o');
    expect(rels(await planJobs([root], o, tool, { ...none, extensions: new Set(['.txt']) }))).toEqual(['reel1/notes.txt']);
    expect(rels(await planJobs([root], o, tool, { ...none, include: ['reel2/*'] }))).toEqual(['reel2/-tape 02 é.mov', 'reel2/old.mov']);
    expect(rels(await planJobs([root], o, tool, { ...none, exclude: ['old.*', 'reel1/**'] }))).toEqual(['reel2/-tape 02 é.mov']);
    expect(rels(await planJobs([root], o, tool, { ...none, minSize: 1000 }))).toEqual(['reel1/tape_01.mov']);
    expect(rels(await planJobs([root], o, tool, { ...none, since: new Date('2021-01-01') }))).not.toContain('reel2/old.mov');
  });
  it('takes --list entries by stem, file name, path below the root or path, and reports the ones it cannot find', async () => {
    const outside = join(dir, 'elsewhere.mov');
    await writeFile(outside, 'z');
    const plan = await planJobs([root], join(root, 'out'), tool, {
      ...none,
      list: { entries: ['tape_01', '-tape 02 é.mov', 'reel2/old.mov', outside, 'tape_99', 'notes'], base: dir },
    });
    expect(rels(plan)).toEqual(['reel1/tape_01.mov', 'reel2/-tape 02 é.mov', 'reel2/old.mov', 'elsewhere.mov']);
    expect(plan.jobs[3]!.outputDir).toBe(join(root, 'out'));
    expect(plan.problems).toEqual(
      expect.arrayContaining([
        { input: 'tape_99', reason: 'listed, but no such file under the inputs' },
        { input: 'notes', reason: expect.stringMatching(/left out by the other filters/) },
      ]),
    );
  });
  it('reports a missing root and plans the rest', async () => {
    const plan = await planJobs([join(dir, 'nope'), join(root, 'reel2', 'old.mov')], join(dir, 'o'), tool, none);
    expect(plan.problems).toEqual([{ input: join(dir, 'nope'), reason: 'no such file or folder' }]);
    expect(rels(plan)).toEqual(['old.mov']);
    expect(plan.jobs[0]!.outputDir).toBe(join(dir, 'o'));
  });
  it('gives the same job ids on a second planning of unchanged files', async () => {
    const a = await planJobs([root], join(dir, 'o'), tool, none);
    const b = await planJobs([root], join(dir, 'o'), tool, none);
    expect(b.jobs.map((j) => j.id)).toEqual(a.jobs.map((j) => j.id));
  });
});

describe('parseList', () => {
  it('keeps one entry per line, trimmed, without blanks and # comments', () => {
    expect(parseList('# tapes\r\ntape_01\n\n  /a/b c.mov  \n#x\n')).toEqual(['tape_01', '/a/b c.mov']);
  });
});
