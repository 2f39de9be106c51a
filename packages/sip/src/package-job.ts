import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { InputError } from '@avpres/core';
import { pathExists, writeFileAtomic } from '@avpres/fixity';
import type { Logger } from '@avpres/log';
import { packageUuid, uuidInUse } from './identifiers.js';
import { validatePackage } from './validate-package.js';

export interface PackageJobRequest {
  outputDir: string;
  /** The state lives in `<outputDir>/.avpres-state/<tool>/<key>.json`. */
  tool: string;
  key: string;
  oe: string;
  /** A UUID asked for (--uuid); default a new one, or the one an earlier run of the same job used. */
  uuid?: string | undefined;
  /** What makes a re-run the same job (the sources' sizes and times, settings): compared as JSON. */
  identity: unknown;
  force: boolean;
  dryRun: boolean;
  /** Names the job in messages (the source). */
  label: string;
  logger: Logger;
  signal?: AbortSignal | undefined;
  /**
   * Reads a state file in the format an older version wrote at the same place, as a
   * PackageState (undefined when it is not one): archives re-run jobs on outputs made by
   * the previous version, and such a re-run must keep its UUID. The new state replaces it.
   */
  olderState?: ((json: unknown) => PackageState | undefined) | undefined;
}

export interface PackageJob {
  uuid: string;
  packageDir: string;
  /** Set when an earlier run's package of the same job is in place and valid: nothing to do. */
  skipReason?: string;
  /** A package is in the way under this UUID (invalid, or --force): the new one replaces it. */
  replace: boolean;
}

/** What a job's state file records. */
export interface PackageState {
  oe: string;
  uuid: string;
  identity: unknown;
}

/**
 * Which package a job builds: a re-run of the same job (same oe, same identity) reuses
 * the earlier UUID, so it never makes a second package of the same source; a valid
 * package already in place is left alone unless `force`, and another job's package under
 * a UUID asked for is never replaced without `force`. The choice is written down before
 * the package is built, so an interrupted run is resumed under the same UUID.
 */
export async function choosePackage(request: PackageJobRequest): Promise<PackageJob> {
  const stateFile = join(request.outputDir, '.avpres-state', request.tool, `${request.key}.json`);
  const previous = await readState(stateFile, request.olderState);
  const same = previous !== undefined && previous.oe === request.oe && isDeepStrictEqual(previous.identity, request.identity);
  if (request.uuid !== undefined && same && previous.uuid !== request.uuid.toLowerCase()) {
    throw new InputError(`${request.label}: already packaged as ${previous.oe}/${previous.uuid}; --uuid ${request.uuid} would make a second package`, {
      file: request.label,
    });
  }
  const uuid = same ? previous.uuid : packageUuid(request.uuid);
  const packageDir = join(request.outputDir, request.oe, uuid);
  const inPlace = await pathExists(packageDir);
  // Checked before the state is written: it must never claim another job's package.
  if (inPlace && !same && !request.force) throw uuidInUse(packageDir);
  // Written on a skip too: that turns a state in an older format into this one.
  if (!request.dryRun) {
    await mkdir(dirname(stateFile), { recursive: true });
    await writeFileAtomic(stateFile, JSON.stringify({ oe: request.oe, uuid, identity: request.identity } satisfies PackageState, null, 2) + '\n');
  }
  if (same && !request.force && inPlace) {
    const check = await validatePackage(packageDir, request.signal ? { signal: request.signal } : {});
    if (check.valid) return { uuid, packageDir, skipReason: `already packaged and valid: ${packageDir}`, replace: false };
    const n = check.problems.length;
    request.logger.warn(`${request.label}: package ${packageDir} does not validate (${n} problem${n === 1 ? '' : 's'}, the first: ${check.problems[0]}); rebuilding it with the same UUID`);
  }
  return { uuid, packageDir, replace: inPlace };
}

async function readState(file: string, older: PackageJobRequest['olderState']): Promise<PackageState | undefined> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined; // none yet, or unreadable: a fresh job
  }
  const state = typeof json === 'object' && json !== null ? (json as Partial<PackageState>) : {};
  if (typeof state.oe === 'string' && typeof state.uuid === 'string' && 'identity' in state) return state as PackageState;
  return older?.(json);
}
