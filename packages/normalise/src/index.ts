export { normalise, NORMALISE_NEEDS } from './normalise.js';
export type { NormaliseOptions } from './options.js';
export { planStreams, type StreamPlan, type VideoPlan, type AudioPlan } from './stream-plan.js';
export { buildEncodeArgs, buildDecodeArgs, buildStoredPacketArgs, fileUrl, teeEscape, AUDIO_BLOCK_SAMPLES } from './ffmpeg-args.js';
export { findInputs, MEDIA_EXTENSIONS, type SourceFile } from './find-inputs.js';
