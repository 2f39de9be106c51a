import { describe, expect, it } from 'vitest';
import { eachInput } from './each-input.js';
import { InputError, InterruptedError } from './errors.js';
import type { InputResult } from './result.js';

const done = (input: string): InputResult => ({ input, status: 'done', exitCode: 0, outputs: [] });

describe('eachInput', () => {
  it('fails one input and goes on with the next', async () => {
    const results = await eachInput(['a', 'b', 'c'], async (i) => (i === 'b' ? Promise.reject(new InputError('b: not media')) : done(i)), { name: (i) => i });
    expect(results.map((r) => [r.input, r.status, r.exitCode])).toEqual([
      ['a', 'done', 0],
      ['b', 'failed', 2],
      ['c', 'done', 0],
    ]);
  });
  it('on Ctrl-C during an input, stops and hands on the inputs finished before it', async () => {
    const run = eachInput(['a', 'b', 'c'], async (i) => (i === 'b' ? Promise.reject(new InterruptedError('interrupted')) : done(i)), { name: (i) => i });
    const error = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InterruptedError);
    expect((error as InterruptedError).completed).toEqual([done('a')]);
  });
  it('on Ctrl-C between inputs, starts nothing more and hands on those finished', async () => {
    const abort = new AbortController();
    const run = eachInput(
      ['a', 'b'],
      async (i) => {
        abort.abort();
        return done(i);
      },
      { name: (i) => i, signal: abort.signal },
    );
    await expect(run).rejects.toMatchObject({ message: 'interrupted before b', completed: [done('a')] });
  });
});
