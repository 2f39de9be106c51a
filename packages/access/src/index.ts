export { access, ACCESS_ROLE, type AccessOptions } from './access.js';
export { ACCESS_VERIFICATION } from './verify-output.js';
export {
  accessOutputPath,
  planAccess,
  planSegment,
  type AccessPlan,
  type EncodeSettings,
  type Segment,
  type TrimRequest,
  type WatermarkChoice,
} from './access-plan.js';
export { buildAccessArgs } from './access-args.js';
export { buildFilterGraph, type FilterGraph, type GraphSpec } from './filter-graph.js';
export { chooseFrameSize, type FrameSize } from './frame-size.js';
export { chooseColourTags, type ColourTags } from './colour-tags.js';
export { chooseH264Level, type H264Level } from './h264-level.js';
export { chooseAudioMix, type AudioMix } from './audio-mix.js';
export { decideDeinterlace, judgeIdet, parseIdet, type DeinterlaceMode, type DeinterlaceDecision, type IdetReport } from './field-order.js';
export { parseTime, formatSeconds, formatClock } from './time-value.js';
export { DEFAULT_WATERMARKS, defaultWatermarkPath, drawDefaultWatermark, watermarksDir, type WatermarkAspect } from './default-watermarks.js';
export { drawCopyrightMark, markBox, type MarkBox } from './copyright-mark.js';
export { encodePng, decodeOwnPng, isPngFile } from './png.js';
export { topLevelBoxes, moovFirst, type Box } from './mp4-boxes.js';
