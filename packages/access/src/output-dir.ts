import { mkdir } from 'node:fs/promises';
import { EnvironmentError } from '@avpres/core';

/** The output folder, made if missing; failing to make it is the machine's problem (exit 3). */
export async function makeOutputDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new EnvironmentError(`${dir}: cannot make the output folder (${code})`, { cause: error });
  }
}
