/** What `normalise` needs to know; the CLI builds this from flags, the batch runner from a ledger. */
export interface NormaliseOptions {
  /** Files or folders (absolute). Folders: every media file inside, recursively. */
  inputs: string[];
  /** Output folder (absolute). */
  outputDir: string;
  /** FFV1 slice count; default chosen from the frame size. */
  slices?: number | undefined;
  /** Normalise lossy video too (otherwise warned about and skipped). */
  allowLossy: boolean;
  /** Redo inputs whose verified outputs already exist. */
  force: boolean;
  /** Make an IFI SIP under outputDir/<oe>/<uuid> instead of loose files. */
  sip?: { oe: string; uuid?: string | undefined } | undefined;
  /** A failed MediaConch policy check fails the input (otherwise a warning). */
  strict: boolean;
}
