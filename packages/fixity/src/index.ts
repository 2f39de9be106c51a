export {
  createHasher,
  hashBuffer,
  hashFile,
  readChunks,
  isHashAlgorithm,
  throwIfAborted,
  HASH_ALGORITHMS,
  CHUNK_SIZE,
  bufferSizeFor,
  type HashAlgorithm,
  type Hasher,
  type HashFileOptions,
} from './hash.js';
export { partialPath, isPartialPath, writeFileAtomic, renameIntoPlace, fsyncDir, fsyncFile } from './atomic-write.js';
export {
  formatManifest,
  parseManifest,
  writeManifest,
  readManifest,
  compareManifests,
  manifestOfFolder,
  verifyFolder,
  listFiles,
  forEachConcurrently,
  comparePaths,
  algorithmOfManifest,
  manifestNameFor,
  type ManifestEntry,
  type ManifestComparison,
  type FolderFile,
  type FolderProgress,
  type WalkOptions,
  type ManifestOfFolderOptions,
  type VerifyFolderOptions,
  type FolderVerification,
} from './manifest.js';
export {
  parseFramemd5,
  compareFramemd5,
  type Framehash,
  type FramehashStream,
  type FramehashFrame,
  type StreamComparison,
  type FramehashComparison,
} from './framemd5.js';
export { CHECK_METHODS, isCheckMethod, type CheckMethod } from './compare-copy.js';
export { copyFileVerified, fileMatches, type CopyVerifiedOptions, type CopyVerifiedResult } from './copy-verified.js';
export { fsError } from './fs-error.js';
export { followFile, type FileFollower, type FollowOptions } from './follow-file.js';
export { HashPool, sharedHashPool } from './hash-pool.js';
export { CopyLanes, sharedCopyLanes } from './copy-lanes.js';
export { SyncGroup, type SyncTicket } from './sync-group.js';
export { readBuffer } from './read-buffer.js';
export { pathExists } from './path-exists.js';
export { Prefetcher } from './prefetch.js';
export { planCopies, type CopyPlan } from './copy-plan.js';
