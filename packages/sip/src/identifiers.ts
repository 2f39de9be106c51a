import { UsageError } from '@avpres/core';
import { v4 as uuidv4, validate as uuidValidate, version as uuidVersion } from 'uuid';

/** An IFI object-entry number: "oe" and digits (e.g. oe1234). */
export function checkOeNumber(oe: string): string {
  if (!/^oe\d+$/.test(oe)) throw new UsageError(`expected an object-entry number like oe1234, got ${JSON.stringify(oe)}`);
  return oe;
}

/** The package's UUID: the one given (a version 4 UUID, lower-cased) or a new one. */
export function packageUuid(given?: string): string {
  if (given === undefined) return uuidv4();
  if (!uuidValidate(given) || uuidVersion(given) !== 4) {
    throw new UsageError(`expected a version 4 UUID (like 0e8f5c2a-3b1d-4c6e-9f7a-1b2c3d4e5f60), got ${JSON.stringify(given)}`);
  }
  return given.toLowerCase();
}

/** A package under this UUID exists and is not the job's own: replaced only when asked. */
export function uuidInUse(packageDir: string): UsageError {
  return new UsageError(`${packageDir}: a package with this UUID already exists (give another --uuid, or --force to replace it)`);
}
