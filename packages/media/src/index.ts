export {
  locateTool,
  requireTool,
  findOnPath,
  embeddedPath,
  isExecutableFile,
  type ToolName,
  type ToolPath,
  type ToolSource,
  type LocateOptions,
} from './locate.js';
export { programVersion, parseVersion } from './version.js';
export {
  ffmpegCapabilities,
  requireCapabilities,
  missingCapabilities,
  parseCodecList,
  parseFilterList,
  parseFormatList,
  type Capabilities,
  type Requirements,
} from './capabilities.js';
export { ProgressParser, toProgress, parseClock, type FfmpegProgress, type ProgressTotals } from './progress.js';
export { runProgram, ffmpegInvocation, lastMeaningfulLine, type RunOptions, type RunResult } from './run.js';
export { probe, parseProbeJson, parseRate, expectedFrames, type ProbeResult, type ProbeStream } from './probe.js';
export { mediainfoXml } from './mediainfo.js';
export {
  resolveToolset,
  resolveOptionalTool,
  programRun,
  type ResolvedTool,
  type Toolset,
  type ToolsetOptions,
} from './toolset.js';
export type { ToolContext } from './context.js';
export { buildFfv1Args, ffv1SliceCount, type Ffv1Profile } from './ffv1-args.js';
