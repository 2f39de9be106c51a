import { join } from 'node:path';
import { partialPath } from '@avpres/fixity';
import { sidecarNames } from '@avpres/sip';

/** Every file one normalise job writes, final names and the .partial names used meanwhile. */
export interface JobPaths {
  dir: string;
  mkv: string;
  sourceFramemd5: string;
  outputFramemd5: string;
  sourceMediainfo: string;
  outputMediainfo: string;
  ffmpegLog: string;
  log: string;
  events: string;
  record: string;
  manifest: string;
  /** Only inside the process: packet hashes of the streamed MKV. */
  packetHashes: string;
}

export function jobPaths(dir: string, stem: string): JobPaths {
  const names = sidecarNames(stem);
  return {
    dir,
    mkv: join(dir, `${stem}.mkv`),
    sourceFramemd5: join(dir, names.sourceFramemd5),
    outputFramemd5: join(dir, names.outputFramemd5),
    sourceMediainfo: join(dir, sidecarNames(`${stem}_source`).mediainfo),
    outputMediainfo: join(dir, names.mediainfo),
    ffmpegLog: join(dir, names.ffmpegLog),
    log: join(dir, names.log),
    events: join(dir, names.events),
    record: join(dir, `${stem}_normalise.json`),
    manifest: join(dir, names.manifest),
    packetHashes: join(dir, `.${stem}_packets.partial`),
  };
}

/** The files verified and listed in the manifest (the manifest itself aside). */
export function producedFiles(p: JobPaths): string[] {
  return [p.mkv, p.sourceFramemd5, p.outputFramemd5, p.sourceMediainfo, p.outputMediainfo, p.ffmpegLog, p.record, p.log, p.events];
}

export { partialPath };
