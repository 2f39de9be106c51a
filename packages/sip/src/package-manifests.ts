import { join } from 'node:path';
import { forEachConcurrently, hashBuffer, hashFile, listFiles, writeFileAtomic, writeManifest, type ManifestEntry } from '@avpres/fixity';
import type { Logger } from '@avpres/log';
import { bagitTxt, formatBagInfo, formatBagManifest, payloadOxum } from './bagit.js';
import { chunkSizeFor } from './chunk-size.js';
import { IFI_MANIFEST_SUFFIX, type PackageLayout } from './locate-package.js';

export interface ManifestRequest {
  layout: PackageLayout;
  /** The partial folder: holds `<uuid>/` and the IFI manifest, or is the bag. */
  partial: string;
  /** The content root: `<partial>/<uuid>` or `<partial>/data`. */
  content: string;
  uuid: string;
  oe: string;
  /** md5 already known from the verified copy, by path relative to the content root. */
  hashes: ReadonlyMap<string, string>;
  logger: Logger;
  signal: AbortSignal | undefined;
  bagSoftware: string;
  started: string;
}

/**
 * md5 of every file in the package (objects from their verified copies, the rest read
 * now), written as the IFI manifest beside `<uuid>/`, or as the bag's manifest, bagit.txt,
 * bag-info.txt and tag manifest. Returns the payload manifest's path.
 */
export async function writePackageManifests(m: ManifestRequest): Promise<string> {
  const event = m.logger.begin('message digest calculation', 'md5 manifest of the package');
  const files = await listFiles(m.content, m.signal ? { signal: m.signal } : {});
  const entries: ManifestEntry[] = new Array(files.length);
  await forEachConcurrently(files, 2, async (f, i) => {
    const known = m.hashes.get(f.path);
    const hash = known ?? (await hashFile(join(m.content, f.path), { algorithm: 'md5', chunkSize: chunkSizeFor(f.size), ...(m.signal ? { signal: m.signal } : {}) })).digest;
    entries[i] = { path: f.path, hash };
  });
  let manifest: string;
  if (m.layout === 'ifi') {
    manifest = join(m.partial, m.uuid + IFI_MANIFEST_SUFFIX);
    await writeManifest(manifest, entries.map((e) => ({ path: `${m.uuid}/${e.path}`, hash: e.hash })));
  } else {
    manifest = join(m.partial, 'manifest-md5.txt');
    const payload = formatBagManifest(entries.map((e) => ({ path: `data/${e.path}`, hash: e.hash })));
    const tags: Array<[string, string]> = [
      ['bagit.txt', bagitTxt()],
      [
        'bag-info.txt',
        formatBagInfo([
          ['Bag-Software-Agent', m.bagSoftware],
          ['Bagging-Date', m.started.slice(0, 10)],
          ['Payload-Oxum', payloadOxum(files)],
          ['External-Identifier', m.uuid],
          ['Internal-Sender-Identifier', m.oe],
        ]),
      ],
      ['manifest-md5.txt', payload],
    ];
    for (const [name, text] of tags) await writeFileAtomic(join(m.partial, name), text);
    await writeFileAtomic(
      join(m.partial, 'tagmanifest-md5.txt'),
      formatBagManifest(tags.map(([name, text]) => ({ path: name, hash: hashBuffer(text, 'md5') }))),
    );
  }
  event.addObjects({ path: manifest.slice(m.partial.length + 1), role: 'outcome' });
  event.succeed(`${entries.length} files`);
  return manifest;
}
