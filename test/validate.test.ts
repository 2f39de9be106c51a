import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { avpres, tempDir } from './helpers/cli.js';

let work: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  work = await tempDir('avpres-validate-');
});
afterAll(async () => work.cleanup());

const hash = (algorithm: string, data: Buffer | string) => createHash(algorithm).update(data).digest('hex');

/** An IFI package written by hand here (as another tool might make it), manifest beside it. */
async function handMadeIfi(root: string, uuid: string, files: Record<string, string>): Promise<string> {
  const lines: string[] = [];
  for (const [rel, text] of Object.entries(files)) {
    const path = join(root, uuid, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    lines.push(`${hash('md5', text)}  ${uuid}/${rel}`);
  }
  for (const folder of ['objects', 'logs', 'metadata']) await mkdir(join(root, uuid, folder), { recursive: true });
  await writeFile(join(root, `${uuid}_manifest.md5`), lines.sort().join('\n') + '\n');
  return join(root, uuid);
}

const FINISHED_LOG = '2026-01-01T00:00:00.000Z START avpres normalise 0.1.0 by ana: avpres normalise -i t.mov -o out\n2026-01-01T00:01:00.000Z END success (exit 0): 1 done\n';
const CRASHED_LOG = '2026-01-01T00:00:00.000Z START avpres normalise 0.1.0 by ana: avpres normalise -i t.mov -o out\n2026-01-01T00:00:30.000Z EVENT normalization success: ok\n';

describe('avpres validate', () => {
  it('exits 2 for a path that is not a package, and for one that does not exist', async () => {
    const plain = join(work.dir, 'just a folder');
    await mkdir(plain);
    await writeFile(join(plain, 'file.txt'), 'x');
    const r = await avpres(['validate', plain]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`${plain}: not a package`);
    const gone = await avpres(['validate', join(work.dir, 'nowhere')]);
    expect(gone.exitCode).toBe(2);
    expect(gone.stderr).toContain('nowhere: not found');
  });

  it('accepts a package made elsewhere, and warns when a run log in logs/ never reached END', async () => {
    const oe = join(work.dir, 'oe1');
    const pkg = await handMadeIfi(oe, 'b1b2c3d4-0000-4000-8000-000000000001', {
      'objects/tape one.mkv': 'video bytes',
      'logs/finished.log': FINISHED_LOG,
      'logs/crashed.log': CRASHED_LOG,
    });
    const r = await avpres(['validate', pkg, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const details = JSON.parse(r.stdout).inputs[0].details;
    expect(details).toMatchObject({ layout: 'ifi', files: 3 });
    expect(details.warnings).toEqual(['logs/crashed.log: run did not finish (no END line after 2 lines)']);
    expect(r.stderr).toContain('logs/crashed.log: run did not finish');
    expect(r.stderr).not.toContain('finished.log: run did not finish');
  });

  it('reports a missing required folder', async () => {
    const oe = join(work.dir, 'oe2');
    const pkg = await handMadeIfi(oe, 'b1b2c3d4-0000-4000-8000-000000000002', { 'objects/a.txt': 'a' });
    await import('node:fs/promises').then((fs) => fs.rm(join(pkg, 'logs'), { recursive: true }));
    const r = await avpres(['validate', pkg, '--json']);
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout).inputs[0].details.problems).toEqual(['b1b2c3d4-0000-4000-8000-000000000002/logs: required folder missing']);
  });

  it('checks a third-party bag with sha256 and sha512 manifests', async () => {
    const bag = join(work.dir, 'their bag');
    const payload: Record<string, string> = { 'data/a file.txt': 'alpha\n', 'data/sub/ü.bin': 'beta' };
    for (const [rel, text] of Object.entries(payload)) {
      await mkdir(dirname(join(bag, rel)), { recursive: true });
      await writeFile(join(bag, rel), text);
    }
    await writeFile(join(bag, 'bagit.txt'), 'BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n');
    await writeFile(join(bag, 'bag-info.txt'), 'Source-Organization: Somewhere\nPayload-Oxum: 10.2\n');
    for (const algorithm of ['sha256', 'sha512']) {
      await writeFile(join(bag, `manifest-${algorithm}.txt`), Object.entries(payload).map(([rel, text]) => `${hash(algorithm, text)} ${rel}\n`).join(''));
    }
    const ok = await avpres(['validate', bag, '--json']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).inputs[0].details).toMatchObject({ layout: 'bagit', files: 2, bytes: 10 });
    await writeFile(join(bag, 'data/sub/ü.bin'), 'betA');
    const bad = await avpres(['validate', bag, '--json']);
    expect(bad.exitCode).toBe(1);
    expect(JSON.parse(bad.stdout).inputs[0].details.problems).toEqual(['checksum mismatch (sha256): data/sub/ü.bin', 'checksum mismatch (sha512): data/sub/ü.bin']);
  });

  it('checks several packages in one run and exits with the most serious result', async () => {
    const good = await handMadeIfi(join(work.dir, 'oe3'), 'b1b2c3d4-0000-4000-8000-000000000003', { 'objects/x': 'x' });
    const bad = await handMadeIfi(join(work.dir, 'oe4'), 'b1b2c3d4-0000-4000-8000-000000000004', { 'objects/y': 'y' });
    await writeFile(join(bad, 'objects/y'), 'z');
    const r = await avpres(['validate', good, bad, join(work.dir, 'nowhere'), '--json']);
    expect(r.exitCode).toBe(1);
    const inputs = JSON.parse(r.stdout).inputs;
    expect(inputs.map((i: { status: string; exitCode: number }) => [i.status, i.exitCode])).toEqual([
      ['done', 0],
      ['failed', 1],
      ['failed', 2],
    ]);
  });

  it('in an oe folder, names each thing that looks like a package but is not one (manifest lost, folder lost) and exits 1', async () => {
    const oe = join(work.dir, 'lost', 'oe1234');
    const good = await handMadeIfi(oe, 'b1b2c3d4-0000-4000-8000-000000000006', { 'objects/capture.mkv': 'good bytes' });
    const lost = 'b1b2c3d4-0000-4000-8000-000000000007';
    await handMadeIfi(oe, lost, { 'objects/capture.mkv': 'lost bytes' });
    await rm(join(oe, `${lost}_manifest.md5`));
    await writeFile(join(oe, lost, 'objects/capture.mkv'), 'lost byteS');
    // Not UUID-named, but laid out as a package; and a manifest whose folder is gone.
    await mkdir(join(oe, 'renamed by hand', 'objects'), { recursive: true });
    const orphan = 'b1b2c3d4-0000-4000-8000-000000000008';
    await writeFile(join(oe, `${orphan}_manifest.md5`), `${hash('md5', 'x')}  ${orphan}/objects/x\n`);
    await mkdir(join(oe, 'not a package'));
    await mkdir(join(oe, `.${lost}.partial`));

    const r = await avpres(['validate', oe, '--json']);
    expect(r.exitCode, r.stderr).toBe(1);
    const input = JSON.parse(r.stdout).inputs[0];
    expect(input.status).toBe('failed');
    expect(input.details.problems).toEqual([
      `${lost}: looks like a package (a UUID name; holds objects/, logs/, metadata/) but has no ${lost}_manifest.md5 beside it and no bagit.txt in it: not validated`,
      `${orphan}_manifest.md5: a package manifest without its package folder ${orphan}/: not validated`,
      `renamed by hand: looks like a package (holds objects/) but has no renamed by hand_manifest.md5 beside it and no bagit.txt in it: not validated`,
    ]);
    expect(input.details.packages).toEqual([good, join(oe, lost), join(oe, `${orphan}_manifest.md5`), join(oe, 'renamed by hand')]);
    for (const p of input.details.problems) expect(r.stderr).toContain(p);
    // The good package is still checked, and alone it is valid; the lost one alone is not a package.
    expect(input.details.files).toBe(1);
    expect((await avpres(['validate', good])).exitCode).toBe(0);
    const alone = await avpres(['validate', join(oe, lost)]);
    expect(alone.exitCode).toBe(2);
    expect(alone.stderr).toContain('not a package');
  });

  it('shows progress with MB/s on a big package (a 300 MB sparse file)', async () => {
    const oe = join(work.dir, 'oe5');
    const uuid = 'b1b2c3d4-0000-4000-8000-000000000005';
    const big = join(oe, uuid, 'objects', 'big.bin');
    await mkdir(dirname(big), { recursive: true });
    for (const folder of ['logs', 'metadata']) await mkdir(join(oe, uuid, folder));
    await writeFile(big, '');
    await truncate(big, 300 * 1024 * 1024);
    const zeros = createHash('md5');
    const block = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < 300; i++) zeros.update(block);
    await writeFile(join(oe, `${uuid}_manifest.md5`), `${zeros.digest('hex')}  ${uuid}/objects/big.bin\n`);
    const r = await avpres(['validate', join(oe, uuid)]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/validating .*: [\d.]+% \d+\/314572800 bytes [\d.]+ MB\/s/);
    expect(r.stderr).toMatch(/valid \(ifi, 1 file, 314\.6 MB at [\d.]+ MB\/s\)/);
    expect(await readFile(join(oe, `${uuid}_manifest.md5`), 'utf8')).toContain('big.bin');
  });

  it('--help explains the checks and exit codes, with examples', async () => {
    const r = await avpres(['validate', '--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/Exit codes: 0 valid, 1 invalid, 2 not a package/);
    expect(r.stdout).toMatch(/\$ avpres validate \/archive\/sips\/oe1234/);
  });
});
