export { seq2ffv1, type Seq2ffv1Options, type Engine } from './seq2ffv1.js';
export { decodeSequences, type DecodeOptions } from './decode-sequence.js';
export { frameRateArg, buildEncodeArgs, buildDecodeArgs } from './ffv1-args.js';
export { findSequence, image2Pattern, type Sequence, type SequenceFile } from './find-sequence.js';
export { readDpxHeader, type DpxHeader, type DpxElement } from './dpx-header.js';
export { dpxLayout, type FrameLayout, type PackKind } from './frame-layout.js';
export { tiffLayout, type TiffImage } from './tiff-layout.js';
export { packFrame, paddingPositions, extractPadding, restorePadding, type PaddingBits } from './pack-frame.js';
export { readAttachments, type Attachment } from './mkv-attachments.js';
export {
  ReversibilityWriter,
  readReversibility,
  REVERSIBILITY_VERSION,
  DEFAULT_PART_BYTES,
  type FileRecord,
  type SequenceInfo,
  type Reversibility,
} from './reversibility.js';
export { RAWCOOKED_CHECKS, rawcookedEncodeArgs, rawcookedDecodeArgs, rawcookedWorkMkv } from './rawcooked-engine.js';
