import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cp, mkdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { create } from 'xmlbuilder2';
import { fixture } from '@avpres/fixtures';
import { AVPRES, avpres, md5File, tempDir, type CliRun } from './helpers/cli.js';

const PREMIS = 'http://www.loc.gov/premis/v3';
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let work: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  work = await tempDir('avpres-sip-');
});
afterAll(async () => work.cleanup());

/** Every file under dir, relative, walked here (not by our code). */
function walk(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const path = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? walk(dir, path) : [path];
  });
}

async function flipByte(file: string): Promise<void> {
  const data = await readFile(file);
  data[data.length >> 1] ^= 0xff;
  await writeFile(file, data);
}

describe('avpres sip (IFI layout) from a capture, a folder and a supplemental file', () => {
  let tape: string;
  let awkward: string;
  let folder: string;
  let report: string;
  const before = new Map<string, string>();
  let out: string;
  let run: CliRun;
  let uuid: string;
  let oeDir: string;
  let pkg: string;
  let argv: string[];
  beforeAll(async () => {
    tape = await fixture('sd-v210-timecode');
    awkward = await fixture('awkward-name');
    folder = join(work.dir, 'reel ü');
    await mkdir(join(folder, 'deep er'), { recursive: true });
    await writeFile(join(folder, 'deep er', 'a b.txt'), 'notes\n');
    await writeFile(join(folder, '東京.txt'), 'more notes\n');
    report = join(work.dir, 'condition report.txt');
    await writeFile(report, 'fine\n');
    for (const f of [tape, awkward, join(folder, 'deep er', 'a b.txt'), report]) before.set(f, await md5File(f));
    out = join(work.dir, 'out');
    argv = ['sip', '-i', tape, '-i', awkward, '-i', folder, '-o', out, '--oe', 'oe1234', '--supplemental', report, '--user', 'Ana Técnica', '--json'];
    run = await avpres(argv, { cwd: work.dir });
    const summary = JSON.parse(run.stdout || '{}');
    uuid = summary.inputs?.[0]?.details?.uuid;
    oeDir = join(out, 'oe1234');
    pkg = join(oeDir, uuid);
  });

  it('exits 0 and reports the package, a v4 UUID and its outputs in --json', () => {
    expect(run.exitCode, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ tool: 'sip', ok: true, exitCode: 0 });
    expect(uuid).toMatch(UUID_V4);
    const input = summary.inputs[0];
    expect(input).toMatchObject({ status: 'done', verification: { outcome: 'pass' }, details: { packageDir: pkg, layout: 'ifi', manifest: join(oeDir, `${uuid}_manifest.md5`) } });
    const object = input.outputs.find((o: { path: string }) => o.path === join(pkg, 'objects', 'sd-v210-timecode.mov'));
    expect(object).toMatchObject({ role: 'object', md5: before.get(tape) });
  });

  it('lays out <oe>/<uuid>/{objects,logs,metadata,metadata/supplemental} with the manifest beside it and nothing partial', () => {
    expect(readdirSync(oeDir).sort()).toEqual([uuid, `${uuid}_manifest.md5`]);
    for (const folder of ['objects', 'logs', 'metadata', 'metadata/supplemental']) expect(statSync(join(pkg, folder)).isDirectory()).toBe(true);
    expect(walk(pkg).sort()).toEqual(
      [
        'objects/sd-v210-timecode.mov',
        'objects/-tape 01 é ü 東京.mov',
        'objects/reel ü/deep er/a b.txt',
        'objects/reel ü/東京.txt',
        'metadata/sd-v210-timecode.mov_mediainfo.xml',
        'metadata/-tape 01 é ü 東京.mov_mediainfo.xml',
        'metadata/reel ü_mediainfo.xml',
        `metadata/${uuid}_premis.xml`,
        'metadata/supplemental/condition report.txt',
        `logs/${uuid}_sip.log`,
        `logs/${uuid}_sip_events.jsonl`,
      ].sort(),
    );
  });

  it('writes a sorted md5 manifest of every file, paths relative to the oe folder, that md5sum -c accepts', () => {
    const text = readFileSync(join(oeDir, `${uuid}_manifest.md5`), 'utf8');
    const lines = text.trimEnd().split('\n');
    const paths = lines.map((l) => l.slice(34));
    expect(paths).toEqual([...paths].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    expect(paths.sort()).toEqual(walk(pkg).map((p) => `${uuid}/${p}`).sort());
    expect(text).toContain(`${before.get(tape)}  ${uuid}/objects/sd-v210-timecode.mov\n`);
    expect(text).toContain(`${before.get(awkward)}  ${uuid}/objects/-tape 01 é ü 東京.mov\n`);
    const check = execFileSync('md5sum', ['-c', `${uuid}_manifest.md5`], { cwd: oeDir }).toString();
    expect(check.trim().split('\n').every((l) => l.endsWith(': OK'))).toBe(true);
  });

  it('leaves every source byte-for-byte unchanged', async () => {
    for (const [file, md5] of before) expect(await md5File(file)).toBe(md5);
  });

  it('adds a MediaInfo XML sidecar per object', () => {
    const xml = readFileSync(join(pkg, 'metadata', 'sd-v210-timecode.mov_mediainfo.xml'), 'utf8');
    expect(xml).toContain('<MediaInfo');
    expect(xml).toMatch(/<Format>MPEG-4<\/Format>|<Format>QuickTime<\/Format>/);
  });

  it('puts a PREMIS 3 XML in metadata/ that parses and holds the run so far, covered by the manifest', () => {
    const xml = readFileSync(join(pkg, 'metadata', `${uuid}_premis.xml`), 'utf8');
    const doc = create(xml).node as unknown as Document;
    expect(doc.documentElement.namespaceURI).toBe(PREMIS);
    const events = Array.from(doc.getElementsByTagNameNS(PREMIS, 'event'));
    const types = events.map((e) => e.getElementsByTagNameNS(PREMIS, 'eventType')[0]!.textContent);
    // Three objects and the supplemental file entered by verified copy.
    expect(types.filter((t) => t === 'replication')).toHaveLength(4);
    expect(types.filter((t) => t === 'metadata extraction')).toHaveLength(3);
    const outcomes = events.map((e) => e.getElementsByTagNameNS(PREMIS, 'eventOutcome')[0]!.textContent);
    expect(new Set(outcomes)).toEqual(new Set(['success']));
    const objects = Array.from(doc.getElementsByTagNameNS(PREMIS, 'object'));
    const packaged = objects.find((o) => o.getElementsByTagNameNS(PREMIS, 'objectIdentifierValue')[0]!.textContent === 'objects/sd-v210-timecode.mov')!;
    expect(packaged.getElementsByTagNameNS(PREMIS, 'messageDigest')[0]!.textContent).toBe(before.get(tape));
    const agents = Array.from(doc.getElementsByTagNameNS(PREMIS, 'agentName')).map((a) => a.textContent);
    expect(agents).toEqual(expect.arrayContaining(['avpres sip', 'Ana Técnica']));
    expect(readFileSync(join(oeDir, `${uuid}_manifest.md5`), 'utf8')).toContain(`  ${uuid}/metadata/${uuid}_premis.xml\n`);
  });

  it('keeps a package log that starts with the command typed and ends with END, and a run log that finishes after it', () => {
    const packageLog = readFileSync(join(pkg, 'logs', `${uuid}_sip.log`), 'utf8').trimEnd().split('\n');
    expect(packageLog[0]).toContain(' START avpres sip ');
    expect(packageLog[0]).toContain("--user 'Ana Técnica'");
    expect(packageLog.at(-1)).toMatch(/ END success \(exit 0\): package contents complete/);
    const runLogs = readdirSync(join(out, 'avpres-logs')).filter((n) => n.endsWith('.log'));
    expect(runLogs).toHaveLength(1);
    const runLog = readFileSync(join(out, 'avpres-logs', runLogs[0]!), 'utf8').trimEnd().split('\n');
    expect(runLog[0]).toContain(`: avpres sip -i ${tape}`);
    expect(runLog.some((l) => / EVENT fixity check success: the new package checked against its manifest/.test(l))).toBe(true);
    expect(runLog.some((l) => / EVENT information package creation success/.test(l))).toBe(true);
    expect(runLog.at(-1)).toMatch(/ END success \(exit 0\)/);
  });

  it('validates: exit 0 given the uuid folder, the manifest or the oe folder', async () => {
    for (const target of [pkg, join(oeDir, `${uuid}_manifest.md5`), oeDir]) {
      const r = await avpres(['validate', target]);
      expect(r.exitCode, `${target}: ${r.stderr}`).toBe(0);
      expect(r.stderr).toContain('valid (ifi, 11 files');
    }
  });

  const tampers: Array<[string, (pkg: string, manifest: string, uuid: string) => Promise<void>, (uuid: string) => string[]]> = [
    ['a changed byte', (p) => flipByte(join(p, 'objects', '-tape 01 é ü 東京.mov')), (u) => [`checksum mismatch (md5): ${u}/objects/-tape 01 é ü 東京.mov`]],
    ['a removed file', (p) => rm(join(p, 'objects', 'reel ü', '東京.txt')), (u) => [`in ${u}_manifest.md5 but missing from the package: ${u}/objects/reel ü/東京.txt`]],
    ['an added file', (p) => writeFile(join(p, 'metadata', 'stray note.txt'), 'x'), (u) => [`in the package but not in ${u}_manifest.md5: ${u}/metadata/stray note.txt`]],
    [
      'an edited manifest line',
      async (_p, m, u) => {
        const text = await readFile(m, 'utf8');
        await writeFile(m, text.replace(/^[0-9a-f]{32}(  [^\n]*\/condition report\.txt)$/m, `${'f'.repeat(32)}$1`));
      },
      (u) => [`checksum mismatch (md5): ${u}/metadata/supplemental/condition report.txt`],
    ],
    [
      'a manifest line renamed',
      async (_p, m) => {
        const text = await readFile(m, 'utf8');
        await writeFile(m, text.replace('/objects/reel ü/deep er/a b.txt', '/objects/reel ü/deep er/renamed.txt'));
      },
      (u) => [
        `in ${u}_manifest.md5 but missing from the package: ${u}/objects/reel ü/deep er/renamed.txt`,
        `in the package but not in ${u}_manifest.md5: ${u}/objects/reel ü/deep er/a b.txt`,
      ],
    ],
    ['a manifest turned to garbage', (_p, m) => writeFile(m, 'this is not a manifest\n'), () => []],
  ];
  it.each(tampers)('validate reports %s with exit 1, each problem named on stderr and in --json', async (label, tamper, expected) => {
    const copyOe = join(work.dir, `tampered-${label.replace(/\W+/g, '-')}`, 'oe1234');
    await mkdir(copyOe, { recursive: true });
    await cp(pkg, join(copyOe, uuid), { recursive: true });
    await cp(join(oeDir, `${uuid}_manifest.md5`), join(copyOe, `${uuid}_manifest.md5`));
    await tamper(join(copyOe, uuid), join(copyOe, `${uuid}_manifest.md5`), uuid);
    const r = await avpres(['validate', join(copyOe, uuid), '--json']);
    expect(r.exitCode, r.stderr).toBe(1);
    const problems: string[] = JSON.parse(r.stdout).inputs[0].details.problems;
    if (label.includes('garbage')) expect(problems).toEqual([expect.stringMatching(/^manifest unreadable: .*line 1/)]);
    else expect(problems).toEqual(expected(uuid));
    for (const p of problems) expect(r.stderr).toContain(p);
  });
});

describe('avpres sip options and refusals', () => {
  let small: string;
  beforeAll(async () => {
    small = join(work.dir, 'small source.bin');
    await writeFile(small, Buffer.alloc(100_000, 7));
  });

  it('--link hard-links objects (same inode), and the package still validates', async () => {
    const srcMd5 = await md5File(small);
    const out = join(work.dir, 'linked');
    const r = await avpres(['sip', '-i', small, '-o', out, '--oe', 'oe5', '--link', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const { packageDir } = JSON.parse(r.stdout).inputs[0].details;
    const linked = statSync(join(packageDir, 'objects', 'small source.bin'));
    expect(linked.ino).toBe(statSync(small).ino);
    expect(linked.nlink).toBeGreaterThanOrEqual(2);
    expect((await avpres(['validate', packageDir])).exitCode).toBe(0);
    expect(await md5File(small)).toBe(srcMd5);
  });

  it('copies (different inode) without --link', async () => {
    const out = join(work.dir, 'copied');
    const r = await avpres(['sip', '-i', small, '-o', out, '--oe', 'oe5', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const { packageDir } = JSON.parse(r.stdout).inputs[0].details;
    expect(statSync(join(packageDir, 'objects', 'small source.bin')).ino).not.toBe(statSync(small).ino);
  });

  it.each([
    [['--oe', 'OE12'], /expected an object-entry number like oe1234, got "OE12"/],
    [['--oe', 'oe12', '--uuid', 'not-a-uuid'], /expected a version 4 UUID .*got "not-a-uuid"/],
    [['--oe', 'oe12', '--layout', 'zip'], /--layout.*zip/],
  ])('refuses %j with exit 2 and an empty stdout', async (flags, message) => {
    const r = await avpres(['sip', '-i', small, '-o', join(work.dir, 'refused'), ...flags, '--json']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(existsSync(join(work.dir, 'refused', 'oe12'))).toBe(false);
  });

  it('refuses an existing UUID (exit 2) and replaces it with --force', async () => {
    const out = join(work.dir, 'again');
    const uuid = '0e8f5c2a-3b1d-4c6e-9f7a-1b2c3d4e5f60';
    expect((await avpres(['sip', '-i', small, '-o', out, '--oe', 'oe9', '--uuid', uuid])).exitCode).toBe(0);
    const other = join(work.dir, 'other.txt');
    await writeFile(other, 'replacement\n');
    const again = await avpres(['sip', '-i', other, '-o', out, '--oe', 'oe9', '--uuid', uuid]);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
    expect(existsSync(join(out, 'oe9', uuid, 'objects', 'small source.bin'))).toBe(true);
    const forced = await avpres(['sip', '-i', other, '-o', out, '--oe', 'oe9', '--uuid', uuid, '--force']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(readdirSync(join(out, 'oe9', uuid, 'objects'))).toEqual(['other.txt']);
    expect(readdirSync(join(out, 'oe9')).sort()).toEqual([uuid, `${uuid}_manifest.md5`]);
    expect((await avpres(['validate', join(out, 'oe9')])).exitCode).toBe(0);
  });

  it('a re-run of the same job skips the valid package it made; --force rebuilds it under the same UUID', async () => {
    const out = join(work.dir, 'rerun');
    const args = ['sip', '-i', small, '-o', out, '--oe', 'oe10', '--json'];
    const first = await avpres(args);
    expect(first.exitCode, first.stderr).toBe(0);
    const { uuid, packageDir } = JSON.parse(first.stdout).inputs[0].details;
    const second = await avpres(args);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).inputs[0]).toMatchObject({ status: 'skipped', details: { uuid } });
    expect(readdirSync(join(out, 'oe10')).sort()).toEqual([uuid, `${uuid}_manifest.md5`]);
    // A damaged package is rebuilt with the same UUID.
    await rm(join(packageDir, 'metadata', 'small source.bin_mediainfo.xml'));
    const repaired = await avpres(args);
    expect(repaired.exitCode, repaired.stderr).toBe(0);
    expect(repaired.stderr).toMatch(/does not validate \(1 problem, the first: in .*_manifest\.md5 but missing from the package: .*small source\.bin_mediainfo\.xml\); rebuilding it with the same UUID/);
    expect(JSON.parse(repaired.stdout).inputs[0]).toMatchObject({ status: 'done', details: { uuid } });
    const forced = await avpres([...args, '--force']);
    expect(JSON.parse(forced.stdout).inputs[0]).toMatchObject({ status: 'done', details: { uuid } });
    expect(readdirSync(join(out, 'oe10')).sort()).toEqual([uuid, `${uuid}_manifest.md5`]);
    expect((await avpres(['validate', packageDir])).exitCode).toBe(0);
  });

  it('a re-run finds the UUID a previous version recorded in its own state format; a contradicting --uuid is refused', async () => {
    const out = join(work.dir, 'older state');
    const args = ['sip', '-i', small, '-o', out, '--oe', 'oe11', '--json'];
    const first = await avpres(args);
    expect(first.exitCode, first.stderr).toBe(0);
    const { uuid } = JSON.parse(first.stdout).inputs[0].details;
    // What a previous version left beside its package: its own state format, in a file named
    // by a digest of the job (sources with size and mtime, oe, layout, link).
    await rm(join(out, '.avpres-state'), { recursive: true });
    const sources = [[small, statSync(small).size, statSync(small).mtimeMs]];
    const digest = createHash('sha256').update(JSON.stringify({ sources, oe: 'oe11', layout: 'ifi', link: false })).digest('hex').slice(0, 32);
    const stateFile = join(out, '.avpres-state', 'sip', `${digest}.json`);
    await mkdir(dirname(stateFile), { recursive: true });
    await writeFile(stateFile, JSON.stringify({ oe: 'oe11', uuid, layout: 'ifi', sources }, null, 2) + '\n');

    const again = await avpres(args);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).inputs[0]).toMatchObject({ status: 'skipped', details: { uuid } });
    expect(readdirSync(join(out, 'oe11')).sort()).toEqual([uuid, `${uuid}_manifest.md5`]);
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({ oe: 'oe11', uuid, identity: { sources, layout: 'ifi', link: false } });
    // Another UUID for the same job would be a second package of the same source.
    const other = '0e8f5c2a-3b1d-4c6e-9f7a-1b2c3d4e5f61';
    const refused = await avpres([...args, '--uuid', other]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`already packaged as oe11/${uuid}; --uuid ${other} would make a second package`);
    expect(readdirSync(join(out, 'oe11')).sort()).toEqual([uuid, `${uuid}_manifest.md5`]);
  });

  it('a missing input: exit 2, a one-line error naming it, and no package', async () => {
    const out = join(work.dir, 'missing');
    const r = await avpres(['sip', '-i', small, '-i', join(work.dir, 'no such tape.mov'), '-o', out, '--oe', 'oe3', '--json']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`${join(work.dir, 'no such tape.mov')}: not found`);
    expect(JSON.parse(r.stdout).inputs[0]).toMatchObject({ status: 'failed', exitCode: 2 });
    expect(existsSync(join(out, 'oe3')) ? readdirSync(join(out, 'oe3')) : []).toEqual([]);
  });

  it('an output inside a source folder: exit 2 before anything is written, the source listing and bytes unchanged', async () => {
    const day1 = join(work.dir, 'day1');
    await mkdir(join(day1, 'reel 1'), { recursive: true });
    await writeFile(join(day1, 'reel 1', 'tape.mkv'), Buffer.alloc(50_000, 3));
    await writeFile(join(day1, 'notes.txt'), 'notes\n');
    // Every entry (an empty folder made there counts too), and every file's md5.
    const snapshot = async () => [...readdirSync(day1, { recursive: true }).map(String).sort(), ...(await Promise.all(walk(day1).map((f) => md5File(join(day1, f)))))];
    const before = await snapshot();
    // No --log-dir: the run log, opened in the output, must not land in the source either.
    for (const [output, dry] of [[join(day1, 'sips'), false], [day1, false], [join(day1, 'sips'), true]] as const) {
      const r = await avpres(['sip', '-i', day1, '-o', output, '--oe', 'oe3', ...(dry ? ['--dry-run'] : []), '--json']);
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr).toContain(`the output ${join(output, 'oe3')} is inside the source folder ${day1}`);
      expect(await snapshot(), `-o ${output}${dry ? ' --dry-run' : ''}`).toEqual(before);
    }
  });

  it('a copy corrupted before its verification: exit 1, and no package at all', async () => {
    const out = join(work.dir, 'corrupt');
    const srcMd5 = await md5File(small);
    const r = await avpres(['sip', '-i', small, '-o', out, '--oe', 'oe4', '--json'], { env: { AVPRES_TEST_HOOK: 'corrupt-before-verify' } });
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/objects\/small source\.bin: .*(copy differs from its source|copy does not match its source)/);
    expect(JSON.parse(r.stdout).inputs[0]).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(readdirSync(join(out, 'oe4'))).toEqual([]);
    // The hook corrupts the package's copy, never the source.
    expect(await md5File(small)).toBe(srcMd5);
  });

  it('with --link, a package file corrupted before the package check: exit 1, kept only under its hidden .partial name', async () => {
    const out = join(work.dir, 'corrupt-linked');
    const srcMd5 = await md5File(small);
    const r = await avpres(['sip', '-i', small, '-o', out, '--oe', 'oe4', '--link'], { env: { AVPRES_TEST_HOOK: 'corrupt-before-verify' } });
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/checksum mismatch \(md5\): [0-9a-f-]{36}\/metadata\/[0-9a-f-]{36}_premis\.xml/);
    const left = readdirSync(join(out, 'oe4'));
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^\.[0-9a-f-]{36}\.partial$/);
    // The linked object is the source's inode: the hook must not have touched it.
    expect(await md5File(small)).toBe(srcMd5);
  });

  it('Ctrl-C during the copy: exit 130, the partial package removed, the source untouched', async () => {
    const big = join(work.dir, 'big capture.bin');
    await writeFile(big, '');
    await truncate(big, 400 * 1024 * 1024); // sparse: quick to make, slow enough to copy
    const out = join(work.dir, 'interrupted');
    const child = execa(process.execPath, [AVPRES, 'sip', '-i', big, '-o', out, '--oe', 'oe8'], { reject: false, stdin: 'ignore' });
    const oe = join(out, 'oe8');
    // Interrupt once the partial package exists (the copy is under way).
    for (let i = 0; i < 600 && !(existsSync(oe) && readdirSync(oe).some((n) => n.endsWith('.partial'))); i++) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode, String(r.stderr)).toBe(130);
    expect(readdirSync(oe)).toEqual([]);
    expect(statSync(big).size).toBe(400 * 1024 * 1024);
    const runLog = readdirSync(join(out, 'avpres-logs')).find((n) => n.endsWith('.log'))!;
    expect(readFileSync(join(out, 'avpres-logs', runLog), 'utf8').trimEnd().split('\n').at(-1)).toMatch(/ END failure \(exit 130\)/);
  });

  it('a mediainfo program on PATH that fails: MediaTrace is a warning, the package is still made and valid', async () => {
    // A failure path nothing else can trigger (the real program is not installed here):
    // the fake reports a version, records its argv, and fails on analysis.
    const bin = join(work.dir, 'fake-bin');
    await mkdir(bin, { recursive: true });
    const argsFile = join(work.dir, 'mediainfo-args.txt');
    await writeFile(
      join(bin, 'mediainfo'),
      `#!/bin/sh\nif [ "$1" = "--Version" ]; then echo "MediaInfo Command line,"; echo "MediaInfoLib - v0.0.1"; exit 0; fi\nprintf '%s\\n' "$@" > '${argsFile}'\necho 'cannot analyse this' >&2\nexit 1\n`,
      { mode: 0o755 },
    );
    const out = join(work.dir, 'mediatrace');
    const r = await avpres(['sip', '-i', small, '-o', out, '--oe', 'oe7', '--json'], { env: { PATH: `${bin}:${process.env['PATH']}` } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/metadata extraction: warning: MediaTrace XML of objects\/small source\.bin: no MediaTrace sidecar: mediainfo failed/);
    const { packageDir, uuid } = JSON.parse(r.stdout).inputs[0].details;
    // Run on the package's copy while it was being built (argv as an array, no shell).
    const partialCopy = join(out, 'oe7', `.${uuid}.partial`, uuid, 'objects', 'small source.bin');
    expect((await readFile(argsFile, 'utf8')).split('\n').slice(0, 3)).toEqual(['--Details=1', '--Output=XML', partialCopy]);
    expect(readdirSync(join(packageDir, 'metadata')).filter((n) => n.includes('mediatrace'))).toEqual([]);
    expect((await avpres(['validate', packageDir])).exitCode).toBe(0);
  });

  it('--dry-run prints the plan and writes nothing', async () => {
    const out = join(work.dir, 'dry');
    const r = await avpres(['sip', '-i', small, '-o', out, '--oe', 'oe6', '--dry-run']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(`copy ${small} -> ${join(out, 'oe6', '<uuid>', 'objects', 'small source.bin')}`);
    expect(existsSync(out)).toBe(false);
  });

  it('--help has a description and real examples', async () => {
    const r = await avpres(['sip', '--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/package files and folders as a SIP/);
    expect(r.stdout).toMatch(/\$ avpres sip -i tape_0042\.mkv -o \/archive\/sips --oe oe1234/);
  });
});
