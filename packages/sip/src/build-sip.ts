import { link, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { EnvironmentError, InterruptedError, UsageError, VerificationError, type OutputRecord } from '@avpres/core';
import { copyFileVerified, forEachConcurrently, fsyncDir, hashBuffer, hashFile, pathExists, planCopies, Prefetcher, readManifest, SyncGroup, writeFileAtomic } from '@avpres/fixity';
import { HumanLogSink, JsonlSink, now, type LogRecord, type LogSink, type Logger, type PreservationEvent, type RunInfo } from '@avpres/log';
import { resolveOptionalTool } from '@avpres/media';
import { parseBagManifest } from './bagit.js';
import { byteProgress } from './byte-progress.js';
import { chunkSizeFor } from './chunk-size.js';
import { checkOeNumber, packageUuid, uuidInUse } from './identifiers.js';
import { IFI_MANIFEST_SUFFIX, type PackageLayout } from './locate-package.js';
import { writeMediainfoSidecar, writeMediatraceSidecar } from './mediainfo-sidecars.js';
import { PACKAGE_FOLDERS } from './package-folders.js';
import { writePackageManifests } from './package-manifests.js';
import { writePackagePremis } from './package-premis.js';
import { checkOutsideSources, planSip, type PlannedFile, type SipPlan } from './sip-plan.js';
import { sidecarNames } from './sidecar-names.js';
import { validateBag } from './validate-bag.js';
import { validateIfi } from './validate-ifi.js';

/** Small files copied at once into a package (the copy lanes' few threads take them in turn). */
const SMALL_FILE_JOBS = 64;

export interface SipRequest {
  /** The folder that holds oe folders: the package is `<outputDir>/<oe>/<uuid>`. */
  outputDir: string;
  oe: string;
  uuid?: string;
  layout?: PackageLayout;
  /** Files or folders, into objects/. */
  objects: { path: string; name?: string }[];
  /** Into metadata/. */
  metadata?: { path: string; name?: string }[];
  /** Into metadata/supplemental/. */
  supplemental?: string[];
  /** Into logs/, as they stand at this moment (a snapshot: a live run log has no END line yet). */
  logs?: { path: string; name?: string }[];
  /** Hard-link objects instead of copying (same file system only, else EnvironmentError). */
  link?: boolean;
  /** MediaInfo XML per object (default true), and MediaTrace XML when `mediainfo` is on PATH. */
  mediainfo?: boolean;
  /** The run and events for the package's PREMIS XML (default: the logger's run and events so far). */
  premis?: { run: RunInfo; events: readonly PreservationEvent[] };
  logger: Logger;
  signal?: AbortSignal;
  /** Operator; recorded by the logger's run (kept for callers that pass it). */
  user?: string;
  /** Replace an existing package with this UUID (default: refuse). */
  replace?: boolean;
  /** Resolves relative paths; where to look for the `mediainfo` program (PATH in env). */
  cwd?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** Called on one packaged file just before the package is verified (tests corrupt it). */
  beforeVerify?: (file: string) => Promise<void> | void;
}

export interface SipResult {
  /** `<out>/<oe>/<uuid>` (the bag itself for BagIt). */
  packageDir: string;
  uuid: string;
  layout: PackageLayout;
  /** `<out>/<oe>/<uuid>_manifest.md5`, or the bag's manifest-md5.txt. */
  manifest: string;
  outputs: OutputRecord[];
}

/** Where a package is put together before it is renamed into place. */
export function partialPackageDir(oeDir: string, uuid: string): string {
  return join(oeDir, `.${uuid}.partial`);
}

/**
 * Build a SIP: plan and check every input, copy (or hard-link) objects with verified copies,
 * add MediaInfo sidecars, supplied metadata and logs, the build's own log and the PREMIS XML,
 * then the manifest(s) — all in `<out>/<oe>/.<uuid>.partial` — check the package as
 * `validate` would (objects already verified by their copies are not read a third time),
 * and only then rename it into place. Sources are never moved or changed.
 */
export async function buildSip(request: SipRequest): Promise<SipResult> {
  const { logger, signal } = request;
  const oe = checkOeNumber(request.oe);
  const uuid = packageUuid(request.uuid);
  const layout = request.layout ?? 'ifi';
  if (layout !== 'ifi' && layout !== 'bagit') throw new UsageError(`expected layout ifi or bagit, got ${JSON.stringify(layout)}`);
  const oeDir = join(request.outputDir, oe);
  const finalDir = join(oeDir, uuid);
  const finalManifest = layout === 'ifi' ? join(oeDir, uuid + IFI_MANIFEST_SUFFIX) : join(finalDir, 'manifest-md5.txt');
  const names = sidecarNames(`${uuid}_sip`);
  const logRel = `${PACKAGE_FOLDERS.logs}/${names.log}`;
  const eventsRel = `${PACKAGE_FOLDERS.logs}/${names.events}`;
  const premisRel = `${PACKAGE_FOLDERS.metadata}/${sidecarNames(uuid).premis}`;

  const plan = await planSip({
    objects: request.objects,
    metadata: request.metadata ?? [],
    supplemental: request.supplemental ?? [],
    logs: request.logs ?? [],
    reserved: [logRel, eventsRel, premisRel],
    ...(request.cwd !== undefined ? { cwd: request.cwd } : {}),
    ...(signal ? { signal } : {}),
  });
  checkOutsideSources(plan, oeDir);
  const sidecarsWanted = request.mediainfo ?? true;
  const mediatrace = sidecarsWanted && request.env ? await resolveOptionalTool('mediainfo', { env: request.env, cwd: request.cwd ?? '/' }) : undefined;
  checkSidecarNames(plan, sidecarsWanted, Boolean(mediatrace));

  const existing = await pathExists(finalDir) || (layout === 'ifi' && (await pathExists(finalManifest)));
  if (existing && !request.replace) {
    throw uuidInUse(finalDir);
  }
  await mkdir(oeDir, { recursive: true });
  if (request.link) await checkSameFileSystem(plan, oeDir);

  const partial = partialPackageDir(oeDir, uuid);
  // A partial left by an interrupted run is never resumed: start clean.
  await rm(partial, { recursive: true, force: true });
  const content = layout === 'ifi' ? join(partial, uuid) : join(partial, 'data');
  for (const folder of [PACKAGE_FOLDERS.objects, PACKAGE_FOLDERS.logs, PACKAGE_FOLDERS.metadata, PACKAGE_FOLDERS.supplemental]) {
    await mkdir(join(content, folder), { recursive: true });
  }
  const started = now();
  const packageLog = [new HumanLogSink(join(content, logRel)), new JsonlSink(join(content, eventsRel))];
  for (const sink of packageLog) logger.attach(sink);
  const buildEvents: PreservationEvent[] = [];
  const collect: LogSink = { write: (r: LogRecord) => void (r.kind === 'event' && buildEvents.push(r.event)) };
  logger.attach(collect);
  let verifying = false;
  try {
    logger.info(`building ${layout === 'ifi' ? 'IFI' : 'BagIt'} package ${oe}/${uuid} in ${partial}`);
    const hashes = new Map<string, string>();
    const checked = new Map<string, string>();
    await packageFiles(request, plan, content, hashes, checked);
    if (sidecarsWanted) await writeSidecars(request, plan, content, mediatrace);
    await writePackagePremis({
      file: join(content, premisRel),
      rel: premisRel,
      premis: request.premis ?? { run: logger.run, events: logger.recordedEvents },
      buildEvents,
      logger,
    });
    for (const sink of packageLog) {
      logger.detach(sink);
      // The package's own log ends here, so the manifest can cover it; the run log goes on.
      sink.write({ kind: 'run-end', time: now(), outcome: 'success', exitCode: 0, summary: 'package contents complete; manifest and verification follow in the run log' });
    }
    const manifest = await writePackageManifests({ layout, partial, content, uuid, oe, hashes, logger, signal, bagSoftware: `${logger.run.tool} ${logger.run.version}`, started });

    verifying = true;
    // The objects met the hook in their copies; the package check sees it on the PREMIS file.
    await request.beforeVerify?.(join(content, premisRel));
    await verifyPartial(layout, partial, uuid, checked, logger, signal);
    verifying = false;

    await moveIntoPlace(layout, partial, oeDir, uuid, finalDir, finalManifest, manifest, Boolean(request.replace && existing));
    logger
      .begin('information package creation', `${layout === 'ifi' ? 'IFI' : 'BagIt'} package ${oe}/${uuid}`, {
        objects: [{ path: finalDir, role: 'outcome' }],
      })
      .succeed(`${plan.files.length} packaged files, verified`);
    return { packageDir: finalDir, uuid, layout, manifest: finalManifest, outputs: await outputsOf(layout, finalDir, finalManifest, oeDir, uuid) };
  } catch (error) {
    if (verifying && error instanceof VerificationError) throw error; // keep the evidence, under its hidden name
    await rm(partial, { recursive: true, force: true });
    throw error;
  } finally {
    for (const sink of packageLog) {
      logger.detach(sink);
      sink.close();
    }
    logger.detach(collect);
  }
}

async function packageFiles(
  request: SipRequest,
  plan: SipPlan,
  content: string,
  hashes: Map<string, string>,
  checked: Map<string, string>,
): Promise<void> {
  const { logger, signal } = request;
  const total = plan.files.reduce((n, f) => n + f.size, 0);
  const progress = byteProgress(logger, request.link ? 'hashing linked objects' : 'copying into package', total);
  try {
    for (const [index, files] of groupByEntry(plan.files)) {
      const linking = Boolean(request.link) && files[0]!.role === 'object';
      const what = index.startsWith('object') ? `object ${plan.objects[Number(index.slice(7))]!.name}` : `${files[0]!.role} ${files.map((f) => f.target).join(', ')}`;
      const how = linking
        ? `hard link of ${what} into the package, md5 of each file`
        : files[0]!.role === 'log'
          ? `snapshot of ${what} into the package (md5 of the bytes written)`
          : `verified copy of ${what} into the package (md5, source read once, copy re-read and compared byte for byte)`;
      const event = logger.begin(linking ? 'message digest calculation' : 'replication', how);
      // Many small files (a scan) go many at a time, made durable in groups that fill; with
      // two at a time a group never filled and each file waited out the flush window (200
      // files of 500 kB: 28 s, now 2 s).
      const { jobs, flushBatch } = planCopies(
        files.map((f) => f.size),
        { manyAtOnce: SMALL_FILE_JOBS },
      );
      const syncGroup = flushBatch ? new SyncGroup(content, { batch: flushBatch }) : undefined;
      // The sources to copy, read ahead in order so the copies find them in memory (see Prefetcher).
      const prefetch = new Prefetcher(linking ? [] : files.filter((f) => f.role !== 'log').map((f) => ({ path: f.source, size: f.size })));
      try {
        await forEachConcurrently(files, jobs, async (file) => {
          // Taken before the first wait: the group counts this copy until it flushes or gives
          // up, and flushes at once when every copy under way waits (see SyncGroup.ticket).
          const ticket = file.role !== 'log' && !linking ? syncGroup?.ticket() : undefined;
          try {
            const dst = join(content, file.target);
            await mkdir(join(dst, '..'), { recursive: true });
            let hash: string;
            let size: number;
            if (file.role === 'log') {
              // A snapshot: a caller's run log may still be growing (its own logger writes to
              // it), which a verified copy would rightly refuse as "changed while copied".
              const data = await readFile(file.source);
              await writeFileAtomic(dst, data);
              hash = hashBuffer(data, 'md5');
              size = data.length;
              progress.add(size);
            } else if (linking) {
              await link(file.source, dst);
              ({ digest: hash, size } = await hashFile(dst, { algorithm: 'md5', chunkSize: chunkSizeFor(file.size), ...(signal ? { signal } : {}), onBytes: (n) => progress.add(n) }));
            } else {
              ({ hash, size } = await copyFileVerified(file.source, dst, {
                algorithm: 'md5',
                // The re-read copy compared with the source's bytes: no second md5 to compute.
                checkAlgorithm: 'bytes',
                sizeHint: file.size, // known from the plan: no second stat to choose how to copy
                // One flush of the file system per group of files and one fsync per folder
                // after the entry, not one of each per file (image sequences).
                ...(ticket ? { syncGroup: ticket } : {}),
                syncFolder: false,
                ...(signal ? { signal } : {}),
                ...(request.beforeVerify ? { beforeVerify: request.beforeVerify } : {}),
                onBytes: (n) => {
                  progress.add(n);
                  prefetch.consumed(n);
                },
                holdWriteBack: () => prefetch.reading,
                preserveMtime: true,
              }));
            }
            hashes.set(file.target, hash);
            // Verified by the copy's own re-read, or hashed from the source's inode: the package
            // check need not read these (possibly huge) files a third time.
            if (file.role === 'object') checked.set(file.target, hash);
            event.addObjects({ path: file.source, role: 'source', size, hashes: { md5: hash } }, { path: file.target, role: 'outcome', size, hashes: { md5: hash } });
          } finally {
            ticket?.forgo();
          }
        });
      } catch (error) {
        event.fail(error instanceof Error ? error.message : String(error));
        throw error;
      } finally {
        await prefetch.close();
      }
      for (const folder of new Set(files.map((f) => dirname(join(content, f.target))))) await fsyncDir(folder);
      event.succeed(`${files.length} file${files.length === 1 ? '' : 's'}`);
    }
  } finally {
    progress.end();
  }
}

/** Files grouped by the request entry they came from (one event per object, per metadata file...). */
function groupByEntry(files: readonly PlannedFile[]): Map<string, PlannedFile[]> {
  const groups = new Map<string, PlannedFile[]>();
  for (const f of files) {
    const key = f.role === 'object' ? `object ${f.objectIndex}` : `${f.role} ${f.target}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return groups;
}

function sidecarPaths(name: string) {
  const names = sidecarNames(name);
  return { mediainfo: `${PACKAGE_FOLDERS.metadata}/${names.mediainfo}`, mediatrace: `${PACKAGE_FOLDERS.metadata}/${names.mediatrace}` };
}

function checkSidecarNames(plan: SipPlan, mediainfo: boolean, mediatrace: boolean): void {
  if (!mediainfo) return;
  const taken = new Set(plan.files.map((f) => f.target));
  for (const o of plan.objects) {
    const paths = sidecarPaths(o.name);
    for (const p of mediatrace ? [paths.mediainfo, paths.mediatrace] : [paths.mediainfo]) {
      if (taken.has(p)) throw new UsageError(`${p} would be both a supplied file and the MediaInfo sidecar of ${o.name}; rename one`);
      taken.add(p);
    }
  }
}

async function writeSidecars(
  request: SipRequest,
  plan: SipPlan,
  content: string,
  mediatrace: Awaited<ReturnType<typeof resolveOptionalTool>>,
): Promise<void> {
  for (const o of plan.objects) {
    const described = o.describedBy;
    if (!described) continue;
    const file = { abs: join(content, described.target), rel: described.target };
    const paths = sidecarPaths(o.name);
    await writeMediainfoSidecar(request.logger, file, { abs: join(content, paths.mediainfo), rel: paths.mediainfo });
    if (mediatrace) {
      await writeMediatraceSidecar(request.logger, mediatrace, file, { abs: join(content, paths.mediatrace), rel: paths.mediatrace }, request.signal);
    }
  }
}

/**
 * The package checked as `validate` would, before it is put in place: structure, every file
 * listed and every line present, every hash — reading again all but the objects already
 * read back (or hashed from their own inode) during this build.
 */
async function verifyPartial(
  layout: PackageLayout,
  partial: string,
  uuid: string,
  checked: ReadonlyMap<string, string>,
  logger: Logger,
  signal: AbortSignal | undefined,
): Promise<void> {
  const event = logger.begin('fixity check', 'the new package checked against its manifest before it is put in place (objects verified when copied, every other file re-read)');
  let progress: ReturnType<typeof byteProgress> | undefined;
  const prefix = layout === 'ifi' ? `${uuid}/` : 'data/';
  const known = new Map([...checked].map(([rel, hash]) => [`${prefix}${rel}`, hash]));
  const options = {
    ...(signal ? { signal } : {}),
    known,
    onProgress: (p: { bytesDone: number; bytesTotal: number }) => {
      progress ??= byteProgress(logger, 'verifying package', p.bytesTotal);
      progress.set(p.bytesDone);
    },
  };
  try {
    const result =
      layout === 'ifi'
        ? await validateIfi({ layout: 'ifi', root: join(partial, uuid), oeDir: partial, uuid, manifest: join(partial, uuid + IFI_MANIFEST_SUFFIX) }, options)
        : await validateBag(partial, options);
    progress?.end();
    if (!result.valid) {
      event.fail(result.problems.join('; '));
      throw new VerificationError(
        `package ${uuid} failed verification (${result.problems.join('; ')}); left unfinished in ${partial}`,
        { file: partial },
      );
    }
    event.succeed(`${result.files} files, ${result.bytes} bytes`);
  } catch (error) {
    progress?.end();
    if (!event.isClosed) event.fail(error instanceof InterruptedError ? 'interrupted' : (error as Error).message);
    throw error;
  }
}

async function moveIntoPlace(
  layout: PackageLayout,
  partial: string,
  oeDir: string,
  uuid: string,
  finalDir: string,
  finalManifest: string,
  builtManifest: string,
  replacing: boolean,
): Promise<void> {
  const old = join(oeDir, `.${uuid}.replaced`);
  if (replacing) {
    await rm(old, { recursive: true, force: true });
    await mkdir(old);
    if (await pathExists(finalDir)) await rename(finalDir, join(old, uuid));
    if (layout === 'ifi' && (await pathExists(finalManifest))) await rename(finalManifest, join(old, uuid + IFI_MANIFEST_SUFFIX));
  }
  if (layout === 'ifi') {
    // Folder first, manifest last: a package without its manifest never looks finished.
    await rename(join(partial, uuid), finalDir);
    await rename(builtManifest, finalManifest);
    await rm(partial, { recursive: true, force: true });
  } else {
    await rename(partial, finalDir);
  }
  await fsyncDir(oeDir);
  if (replacing) await rm(old, { recursive: true, force: true });
}

async function outputsOf(layout: PackageLayout, finalDir: string, finalManifest: string, oeDir: string, uuid: string): Promise<OutputRecord[]> {
  const outputs: OutputRecord[] = [];
  if (layout === 'ifi') {
    for (const e of await readManifest(finalManifest)) {
      const path = join(oeDir, e.path);
      outputs.push({ path, role: roleOf(e.path.slice(uuid.length + 1)), size: (await stat(path)).size, md5: e.hash });
    }
  } else {
    for (const e of parseBagManifest(await readFile(finalManifest, 'utf8')).entries) {
      const path = join(finalDir, e.path);
      outputs.push({ path, role: roleOf(e.path.slice('data/'.length)), size: (await stat(path)).size, md5: e.hash });
    }
  }
  const manifestSize = (await stat(finalManifest)).size;
  outputs.push({ path: finalManifest, role: 'manifest', size: manifestSize });
  return outputs;
}

function roleOf(rel: string): string {
  if (rel.startsWith(`${PACKAGE_FOLDERS.objects}/`)) return 'object';
  if (rel.startsWith(`${PACKAGE_FOLDERS.logs}/`)) return 'log';
  if (rel.startsWith(`${PACKAGE_FOLDERS.supplemental}/`)) return 'supplemental';
  if (rel.endsWith('_premis.xml')) return 'premis xml';
  if (rel.endsWith('_mediainfo.xml')) return 'mediainfo xml';
  if (rel.endsWith('_mediatrace.xml')) return 'mediatrace xml';
  return 'metadata';
}

async function checkSameFileSystem(plan: SipPlan, oeDir: string): Promise<void> {
  const target = (await stat(oeDir)).dev;
  for (const f of plan.files) {
    if (f.role !== 'object') continue;
    if ((await stat(f.source)).dev !== target) {
      throw new EnvironmentError(`--link: ${f.source} is on another file system than ${oeDir}; hard links cannot cross file systems (leave out --link to copy)`, { file: f.source });
    }
  }
}
