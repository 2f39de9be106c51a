import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '@avpres/fixtures';
import { avpres, md5File, tempDir, type CliRun } from './helpers/cli.js';

// ---- an independent BagIt (RFC 8493) checker, written from the RFC for this test: it
// shares no code with @avpres/sip or @avpres/fixity; it returns the problems it finds. ----
function walk(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...walk(dir, path));
    else out.push(path);
  }
  return out;
}

function digest(algorithm: string, file: string): string {
  return createHash(algorithm).update(readFileSync(file)).digest('hex');
}

/** Section 2.1.3: CR, LF and % are percent-encoded in manifest paths. */
function decode(path: string): string {
  return path.replace(/%0A/gi, '\n').replace(/%0D/gi, '\r').replace(/%25/g, '%');
}

function manifestLines(text: string): Array<{ hash: string; path: string }> {
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const m = /^(\S+)\s+(.*)$/.exec(l);
      if (!m) throw new Error(`not a manifest line: ${l}`);
      return { hash: m[1]!.toLowerCase(), path: decode(m[2]!) };
    });
}

export function checkBagIndependently(bag: string): { problems: string[]; info: Record<string, string>; payload: string[] } {
  const problems: string[] = [];
  // 2.1.1: bagit.txt, exactly the two declarations, UTF-8.
  const declaration = readFileSync(join(bag, 'bagit.txt'), 'utf8');
  if (!/^BagIt-Version: \d+\.\d+\nTag-File-Character-Encoding: UTF-8\n$/.test(declaration)) problems.push(`bagit.txt: ${JSON.stringify(declaration)}`);
  // 2.1.2: a payload directory named data.
  if (!statSync(join(bag, 'data')).isDirectory()) problems.push('no data/');
  const files = walk(bag);
  const payload = files.filter((f) => f.startsWith('data/'));
  // 2.1.3: at least one payload manifest; every payload file in every manifest; hashes match.
  const manifests = files.filter((f) => /^manifest-[a-z0-9]+\.txt$/.test(f));
  if (manifests.length === 0) problems.push('no payload manifest');
  for (const name of manifests) {
    const algorithm = /^manifest-([a-z0-9]+)\.txt$/.exec(name)![1]!;
    const lines = manifestLines(readFileSync(join(bag, name), 'utf8'));
    const listed = new Set(lines.map((l) => l.path));
    for (const f of payload) if (!listed.has(f)) problems.push(`${name}: unlisted ${f}`);
    for (const l of lines) {
      if (!payload.includes(l.path)) problems.push(`${name}: lists absent ${l.path}`);
      else if (digest(algorithm, join(bag, l.path)) !== l.hash) problems.push(`${name}: wrong hash for ${l.path}`);
    }
  }
  // 2.2.1: tag manifests list tag files (not payload) with matching hashes.
  for (const name of files.filter((f) => /^tagmanifest-[a-z0-9]+\.txt$/.test(f))) {
    const algorithm = /^tagmanifest-([a-z0-9]+)\.txt$/.exec(name)![1]!;
    for (const l of manifestLines(readFileSync(join(bag, name), 'utf8'))) {
      if (l.path.startsWith('data/')) problems.push(`${name}: lists payload ${l.path}`);
      else if (!files.includes(l.path)) problems.push(`${name}: lists absent ${l.path}`);
      else if (digest(algorithm, join(bag, l.path)) !== l.hash) problems.push(`${name}: wrong hash for ${l.path}`);
    }
  }
  // 2.2.2: bag-info.txt label: value lines; Payload-Oxum = octets.streamcount.
  const info: Record<string, string> = {};
  for (const line of readFileSync(join(bag, 'bag-info.txt'), 'utf8').split('\n').filter(Boolean)) {
    const m = /^([^:\s][^:]*):\s(.*)$/.exec(line);
    if (!m) problems.push(`bag-info.txt line: ${line}`);
    else info[m[1]!] = m[2]!;
  }
  const octets = payload.reduce((n, f) => n + statSync(join(bag, f)).size, 0);
  if (info['Payload-Oxum'] !== `${octets}.${payload.length}`) problems.push(`Payload-Oxum ${info['Payload-Oxum']} != ${octets}.${payload.length}`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(info['Bagging-Date'] ?? '')) problems.push(`Bagging-Date ${info['Bagging-Date']}`);
  return { problems, info, payload };
}

/** Flip the middle byte of a file (tampering, done here rather than through our code). */
async function flipByte(file: string): Promise<void> {
  const data = readFileSync(file);
  data[data.length >> 1] ^= 0xff;
  await writeFile(file, data);
}

// ---- the tests ----

let work: { dir: string; cleanup: () => Promise<void> };
let source: string;
let sourceMd5: string;
let bag: string;
let uuid: string;
let run: CliRun;
beforeAll(async () => {
  work = await tempDir('avpres-sip-bag-');
  source = await fixture('awkward-name');
  sourceMd5 = await md5File(source);
  const folder = join(work.dir, 'notes ü');
  await mkdir(join(folder, 'sub dir'), { recursive: true });
  await writeFile(join(folder, 'sub dir', '100% done.txt'), 'percent in a name\n');
  await writeFile(join(folder, '東京 list.txt'), 'unicode\n');
  run = await avpres(['sip', '-i', source, '-i', folder, '-o', join(work.dir, 'out'), '--oe', 'oe77', '--layout', 'bagit', '--json', '--user', 'Bag Tester'], { cwd: work.dir });
  const summary = JSON.parse(run.stdout || '{}');
  bag = summary.inputs?.[0]?.details?.packageDir;
  uuid = summary.inputs?.[0]?.details?.uuid;
});
afterAll(async () => work.cleanup());

describe('avpres sip --layout bagit', () => {
  it('exits 0 and makes <out>/<oe>/<uuid> as a bag', () => {
    expect(run.exitCode, run.stderr).toBe(0);
    expect(bag).toBe(join(work.dir, 'out', 'oe77', uuid));
    expect(existsSync(join(bag, 'bagit.txt'))).toBe(true);
    expect(readdirSync(join(work.dir, 'out', 'oe77')).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('passes an independent RFC 8493 check (own parser, node:crypto md5)', () => {
    const { problems, info, payload } = checkBagIndependently(bag);
    expect(problems).toEqual([]);
    expect(info['Bag-Software-Agent']).toMatch(/^avpres sip \d/);
    expect(info['External-Identifier']).toBe(uuid);
    expect(payload.length).toBeGreaterThanOrEqual(7);
  });

  it('holds the IFI tree inside data/, names with spaces, unicode, % and a leading dash intact', () => {
    const manifest = readFileSync(join(bag, 'manifest-md5.txt'), 'utf8');
    expect(manifest).toContain(`${sourceMd5}  data/objects/-tape 01 é ü 東京.mov\n`);
    expect(manifest).toContain('  data/objects/notes ü/sub dir/100%25 done.txt\n');
    expect(manifest).toContain('  data/objects/notes ü/東京 list.txt\n');
    for (const folder of ['objects', 'logs', 'metadata', 'metadata/supplemental']) expect(statSync(join(bag, 'data', folder)).isDirectory()).toBe(true);
    expect(existsSync(join(bag, 'data', 'objects', 'notes ü', 'sub dir', '100% done.txt'))).toBe(true);
    expect(existsSync(join(bag, 'data', 'metadata', '-tape 01 é ü 東京.mov_mediainfo.xml'))).toBe(true);
    expect(existsSync(join(bag, 'data', 'metadata', `${uuid}_premis.xml`))).toBe(true);
  });

  it('leaves the source untouched', async () => {
    expect(await md5File(source)).toBe(sourceMd5);
  });

  it('validates (exit 0), and the checker agrees that a tampered bag is bad', async () => {
    const ok = await avpres(['validate', bag]);
    expect(ok.exitCode, ok.stderr).toBe(0);
    const copy = join(work.dir, 'checker-copy');
    await cp(bag, copy, { recursive: true });
    await writeFile(join(copy, 'data', 'objects', 'notes ü', '東京 list.txt'), 'changed\n');
    expect(checkBagIndependently(copy).problems).toContain('manifest-md5.txt: wrong hash for data/objects/notes ü/東京 list.txt');
  });

  const tampers: Array<[string, (bag: string) => Promise<void>, RegExp[]]> = [
    ['a changed byte', (b) => flipByte(join(b, 'data', 'objects', '-tape 01 é ü 東京.mov')), [/^checksum mismatch \(md5\): data\/objects\/-tape 01 é ü 東京\.mov$/]],
    ['a removed file', (b) => rm(join(b, 'data', 'objects', 'notes ü', '東京 list.txt')), [/^in manifest-md5\.txt but missing from the bag: data\/objects\/notes ü\/東京 list\.txt$/, /Payload-Oxum/]],
    ['an added file', (b) => writeFile(join(b, 'data', 'logs', 'stray note.txt'), 'x'), [/^in the bag but not in manifest-md5\.txt: data\/logs\/stray note\.txt$/, /Payload-Oxum/]],
    [
      'an edited manifest',
      async (b) => {
        const file = join(b, 'manifest-md5.txt');
        const text = readFileSync(file, 'utf8');
        await writeFile(file, text.replace(/^[0-9a-f]{32}(  data\/objects\/notes ü\/東京 list\.txt)$/m, `${'0'.repeat(32)}$1`));
      },
      [/^checksum mismatch \(md5\): data\/objects\/notes ü\/東京 list\.txt$/, /^checksum mismatch \(md5, tagmanifest-md5\.txt\): manifest-md5\.txt$/],
    ],
  ];
  it.each(tampers)('reports %s with exit 1, naming the file', async (_label, tamper, expected) => {
    const copy = join(work.dir, `tampered-${Math.random().toString(36).slice(2)}`);
    await cp(bag, copy, { recursive: true });
    await tamper(copy);
    const r = await avpres(['validate', copy, '--json']);
    expect(r.exitCode, r.stderr).toBe(1);
    const problems: string[] = JSON.parse(r.stdout).inputs[0].details.problems;
    for (const pattern of expected) expect(problems.some((p) => pattern.test(p)), `${pattern} in ${JSON.stringify(problems)}`).toBe(true);
    for (const p of problems) expect(r.stderr).toContain(p);
  });
});
