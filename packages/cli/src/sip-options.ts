import { UsageError } from '@avpres/core';

/** `--sip --oe oe1234 [--uuid U]` as the media tools take them: checked once, for all. */
export function sipOptionsFrom(opts: Record<string, unknown>, inputCount: number): { oe: string; uuid: string | undefined } | undefined {
  if (!opts['sip']) {
    if (opts['oe'] !== undefined || opts['uuid'] !== undefined) throw new UsageError('--oe and --uuid go with --sip');
    return undefined;
  }
  const oe = opts['oe'];
  if (typeof oe !== 'string' || !/^oe\d+$/.test(oe)) throw new UsageError(`--sip needs --oe in the form oe1234, got ${oe === undefined ? 'none' : String(oe)}`);
  const uuid = opts['uuid'] as string | undefined;
  if (uuid !== undefined && inputCount > 1) throw new UsageError('--uuid names one package: give one input with it');
  return { oe, uuid };
}
