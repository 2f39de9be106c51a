export { copyit, type CopyitOptions } from './copyit.js';
export { verifyManifest, type VerifyOptions } from './verify-manifest.js';
export { isJunk } from './junk.js';
export { copyPaths, type CopyPaths } from './copy-paths.js';
export { scanSource, type SourceScan, type SourceFile } from './scan-source.js';
export { spaceMargin, formatBytes } from './preflight.js';
