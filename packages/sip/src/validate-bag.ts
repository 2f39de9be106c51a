import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createHasher,
  forEachConcurrently,
  isHashAlgorithm,
  listFiles,
  readChunks,
  type FolderProgress,
  type HashAlgorithm,
  type ManifestEntry,
} from '@avpres/fixity';
import { parseBagInfo, parseBagManifest, payloadOxum } from './bagit.js';
import { chunkSizeFor } from './chunk-size.js';
import type { PackageValidation, ValidateOptions } from './package-check.js';

const PAYLOAD_MANIFEST = /^manifest-([A-Za-z0-9]+)\.txt$/;
const TAG_MANIFEST = /^tagmanifest-([A-Za-z0-9]+)\.txt$/;

interface Manifest {
  name: string;
  algorithm: string;
  entries: ManifestEntry[];
}

/**
 * A bag per RFC 8493: bagit.txt declares version and encoding; every payload file is in
 * every payload manifest and every line has its file; hashes match; tag manifests match;
 * Payload-Oxum matches. Each payload file is read once for all its algorithms.
 */
export async function validateBag(root: string, options: ValidateOptions): Promise<PackageValidation> {
  const problems: string[] = [];
  const warnings: string[] = [];
  const all = await listFiles(root, options.signal ? { signal: options.signal } : {});
  const payload = all.filter((f) => f.path.startsWith('data/'));
  const tagFiles = all.filter((f) => !f.path.startsWith('data/'));
  const present = new Map(all.map((f) => [f.path, f.size]));

  await checkDeclaration(root, problems);
  if (!(await isDir(join(root, 'data')))) problems.push('data/: payload folder missing');
  if (present.has('fetch.txt')) warnings.push('fetch.txt present: files to fetch are not checked');

  const payloadManifests = await readManifests(root, tagFiles, PAYLOAD_MANIFEST, problems);
  const tagManifests = await readManifests(root, tagFiles, TAG_MANIFEST, problems);
  if (payloadManifests.length === 0) problems.push('no payload manifest (manifest-<algorithm>.txt)');

  // What each payload file must hash to, per algorithm we can compute.
  const expected = new Map<string, Map<HashAlgorithm, string>>();
  for (const m of payloadManifests) {
    const listed = new Set<string>();
    for (const e of m.entries) {
      listed.add(e.path);
      if (!e.path.startsWith('data/')) problems.push(`${m.name} lists a file outside data/: ${e.path}`);
      else if (!present.has(e.path)) problems.push(`in ${m.name} but missing from the bag: ${e.path}`);
      else if (isHashAlgorithm(m.algorithm)) {
        const want = expected.get(e.path) ?? new Map<HashAlgorithm, string>();
        want.set(m.algorithm, e.hash);
        expected.set(e.path, want);
      }
    }
    for (const f of payload) if (!listed.has(f.path)) problems.push(`in the bag but not in ${m.name}: ${f.path}`);
    if (!isHashAlgorithm(m.algorithm)) warnings.push(`${m.name}: ${m.algorithm} is not an algorithm we compute; its hashes were not checked`);
  }

  // Files whose hash the caller already established (the builder's own check) are not re-read.
  const known = options.known ?? new Map<string, string>();
  let takenAsKnown = 0;
  for (const [path, hash] of known) {
    const md5 = expected.get(path)?.get('md5');
    if (md5 === undefined) continue;
    if (md5 !== hash) problems.push(`checksum mismatch (md5): ${path}`);
    if (expected.get(path)!.size === 1) {
      expected.delete(path);
      takenAsKnown++;
    }
  }
  const toHash = payload.filter((f) => expected.has(f.path));
  const progress: FolderProgress = { filesDone: 0, filesTotal: toHash.length, bytesDone: 0, bytesTotal: toHash.reduce((n, f) => n + f.size, 0) };
  await forEachConcurrently(toHash, options.concurrency ?? 2, async (file) => {
    const want = expected.get(file.path)!;
    const got = await hashOnce(join(root, file.path), [...want.keys()], { ...options, chunkSize: chunkSizeFor(file.size) }, (n) => {
      progress.bytesDone += n;
      options.onProgress?.({ ...progress });
    });
    for (const [algorithm, hash] of want) {
      if (got.get(algorithm) !== hash) problems.push(`checksum mismatch (${algorithm}): ${file.path}`);
    }
    progress.filesDone++;
    options.onProgress?.({ ...progress });
  });

  for (const m of tagManifests) {
    for (const e of m.entries) {
      if (!present.has(e.path)) problems.push(`in ${m.name} but missing from the bag: ${e.path}`);
      else if (isHashAlgorithm(m.algorithm)) {
        const got = await hashOnce(join(root, e.path), [m.algorithm], { ...options, chunkSize: chunkSizeFor(present.get(e.path)!) }, () => undefined);
        if (got.get(m.algorithm) !== e.hash) problems.push(`checksum mismatch (${m.algorithm}, ${m.name}): ${e.path}`);
      }
    }
  }

  const info = present.has('bag-info.txt') ? parseBagInfo(await readFile(join(root, 'bag-info.txt'), 'utf8')) : undefined;
  const oxum = info?.get('Payload-Oxum');
  if (oxum !== undefined && oxum !== payloadOxum(payload)) {
    problems.push(`bag-info.txt Payload-Oxum is ${oxum} but the payload holds ${payloadOxum(payload)} (bytes.files)`);
  }
  return { layout: 'bagit', valid: problems.length === 0, problems, warnings, files: toHash.length + takenAsKnown, bytes: progress.bytesTotal, packages: [root] };
}

async function checkDeclaration(root: string, problems: string[]): Promise<void> {
  const text = await readFile(join(root, 'bagit.txt'), 'utf8').catch(() => undefined);
  if (text === undefined) {
    problems.push('bagit.txt: missing or unreadable');
    return;
  }
  const declaration = parseBagInfo(text);
  if (!/^\d+\.\d+$/.test(declaration.get('BagIt-Version') ?? '')) problems.push('bagit.txt: no BagIt-Version line');
  if (!declaration.get('Tag-File-Character-Encoding')) problems.push('bagit.txt: no Tag-File-Character-Encoding line');
}

async function readManifests(root: string, tagFiles: ReadonlyArray<{ path: string }>, pattern: RegExp, problems: string[]): Promise<Manifest[]> {
  const manifests: Manifest[] = [];
  for (const f of tagFiles) {
    const match = pattern.exec(f.path);
    if (!match) continue;
    const parsed = parseBagManifest(await readFile(join(root, f.path), 'utf8'));
    for (const p of parsed.problems) problems.push(`${f.path}: ${p}`);
    manifests.push({ name: f.path, algorithm: match[1]!.toLowerCase(), entries: parsed.entries });
  }
  return manifests;
}

/** Every requested digest of a file from a single read. */
async function hashOnce(
  path: string,
  algorithms: HashAlgorithm[],
  options: ValidateOptions & { chunkSize?: number },
  onBytes: (n: number) => void,
): Promise<Map<HashAlgorithm, string>> {
  const hashers = algorithms.map((a) => [a, createHasher(a)] as const);
  await readChunks(path, { ...(options.signal ? { signal: options.signal } : {}), ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}) }, (chunk) => {
    for (const [, h] of hashers) h.update(chunk);
    onBytes(chunk.length);
  });
  return new Map(hashers.map(([a, h]) => [a, h.digest()]));
}

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}
