export {
  createHasher,
  hashBuffer,
  hashFile,
  readChunks,
  isHashAlgorithm,
  HASH_ALGORITHMS,
  CHUNK_SIZE,
  type HashAlgorithm,
  type Hasher,
  type HashFileOptions,
} from './hash.js';
export { partialPath, isPartialPath, writeFileAtomic, renameIntoPlace, fsyncDir } from './atomic-write.js';
