import { InterruptedError } from './errors.js';
import { exitCodeFor } from './exit-code.js';
import type { InputResult } from './result.js';

/**
 * Runs `work` on each input in turn; a failing input becomes a failed result (reason and
 * exit code from its error) and the others still run. Ctrl-C stops the whole run.
 */
export async function eachInput<T>(
  inputs: readonly T[],
  work: (input: T) => Promise<InputResult>,
  options: { name: (input: T) => string; onFailure?: (input: T, error: unknown) => void; signal?: AbortSignal },
): Promise<InputResult[]> {
  const results: InputResult[] = [];
  for (const input of inputs) {
    // After Ctrl-C, start nothing new.
    if (options.signal?.aborted) throw Object.assign(new InterruptedError(`interrupted before ${options.name(input)}`), { completed: results });
    try {
      results.push(await work(input));
    } catch (error) {
      if (error instanceof InterruptedError) {
        error.completed ??= results;
        throw error;
      }
      options.onFailure?.(input, error);
      results.push(failedResult(options.name(input), error));
    }
  }
  return results;
}

export function failedResult(input: string, error: unknown): InputResult {
  return {
    input,
    status: 'failed',
    exitCode: exitCodeFor(error),
    reason: error instanceof Error ? error.message : String(error),
    outputs: [],
  };
}
