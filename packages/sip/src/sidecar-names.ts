/**
 * The names of the files that travel with an object, in one place, so every tool and the
 * SIP builder agree (and archivists find what they expect).
 */
export interface SidecarNames {
  /** MediaInfo XML of the object. */
  mediainfo: string;
  /** MediaTrace XML (only when the `mediainfo` program is present). */
  mediatrace: string;
  /** framemd5 of the decoded source (normalise) or of the decoded sequence (seq2ffv1). */
  sourceFramemd5: string;
  /** framemd5 of the decoded output. */
  outputFramemd5: string;
  /** ffmpeg's own stderr for the job. */
  ffmpegLog: string;
  /** Human log, events and PREMIS of the job. */
  log: string;
  events: string;
  premis: string;
  /** md5 manifest of the source files (sequences) and of the outputs. */
  sourceManifest: string;
  manifest: string;
}

export function sidecarNames(stem: string): SidecarNames {
  return {
    mediainfo: `${stem}_mediainfo.xml`,
    mediatrace: `${stem}_mediatrace.xml`,
    sourceFramemd5: `${stem}_source.framemd5`,
    outputFramemd5: `${stem}_output.framemd5`,
    ffmpegLog: `${stem}_ffmpeg.log`,
    log: `${stem}.log`,
    events: `${stem}_events.jsonl`,
    premis: `${stem}_premis.xml`,
    sourceManifest: `${stem}_source_manifest.md5`,
    manifest: `${stem}_manifest.md5`,
  };
}
