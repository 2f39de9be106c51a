// RAWcooked is not installed here (nor in CI): these tests put small fake `rawcooked`
// scripts on PATH for the three behaviours nothing else can trigger — success, a licence
// refusal, and a crash after writing the MKV. The success fake makes a real FFV1/MKV with
// ffmpeg and "decodes" by copying the scan, so our own checks around it run for real.
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequenceFixture } from '@avpres/fixtures';
import { avpres, ffmpegPath, md5File, tempDir } from './helpers/cli.js';

let work: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  work = await tempDir('avpres-seq2ffv1-rc-');
});
afterAll(async () => work.cleanup());

const COMMON = `#!/bin/sh
echo "$@" >> "$FAKE_RAWCOOKED_ARGS"
if [ "$1" = "--version" ]; then echo "RAWcooked 25.12"; exit 0; fi
out=""; prev=""; last=""
for a in "$@"; do if [ "$prev" = "-o" ]; then out="$a"; fi; if [ "$prev" = "-r" ]; then rfile="$a"; fi; prev="$a"; last="$a"; done
`;

const FAKES: Record<string, string> = {
  success: `${COMMON}
case " $* " in
  *" --decode "*) cp -R "$FAKE_RAWCOOKED_SOURCE"/. "$out"/ ; exit 0 ;;
  *" --encode "*) "$FAKE_FFMPEG" -v error -f image2 -framerate 24 -pattern_type glob -i "$last/*.dpx" -c:v ffv1 -level 3 -f matroska -y "$out" || exit 1; echo "Files are in sync"; exit 0 ;;
esac
exit 1
`,
  licence: `${COMMON}
echo "Error: DPX/Raw/RGB/12bit/U/BE is not supported by the current license key." >&2
exit 1
`,
  outside: `${COMMON}
"$FAKE_FFMPEG" -v error -f image2 -framerate 24 -pattern_type glob -i "$last/*.dpx" -c:v ffv1 -f matroska -y "$out" || exit 1
echo "reversibility data too big to attach" > "$rfile"
exit 0
`,
  crash: `${COMMON}
"$FAKE_FFMPEG" -v error -f image2 -framerate 24 -pattern_type glob -i "$last/*.dpx" -c:v ffv1 -f matroska -y "$out"
kill -SEGV $$
`,
};

async function fakeOnPath(kind: keyof typeof FAKES): Promise<{ env: NodeJS.ProcessEnv; argsFile: string }> {
  const bin = join(work.dir, `bin-${kind}`);
  await mkdir(bin, { recursive: true });
  await writeFile(join(bin, 'rawcooked'), FAKES[kind]!);
  await chmod(join(bin, 'rawcooked'), 0o755);
  const argsFile = join(bin, 'args.log');
  return { env: { ...process.env, PATH: `${bin}:${process.env['PATH']}`, FAKE_FFMPEG: ffmpegPath(), FAKE_RAWCOOKED_ARGS: argsFile }, argsFile };
}

describe('avpres seq2ffv1 with a rawcooked program on PATH', () => {
  it('uses rawcooked with named checks (never --all), then checks its MKV by decoding it and comparing md5s', async () => {
    const src = await sequenceFixture('dpx-rgb10-be');
    const sourceMd5 = await md5File(join(src, 'scan_0000001.dpx'));
    const { env, argsFile } = await fakeOnPath('success');
    const out = join(work.dir, 'rc-ok');
    const r = await avpres(['seq2ffv1', '--json', '-i', src, '-o', out], { env: { ...env, FAKE_RAWCOOKED_SOURCE: src } });
    expect(r.exitCode, r.stderr).toBe(0);
    const [input] = JSON.parse(r.stdout).inputs;
    expect(input.details.engine).toBe('rawcooked');
    expect(input.verification.outcome).toBe('pass');
    const calls = (await readFile(argsFile, 'utf8')).trim().split('\n');
    const encode = calls.find((c) => c.includes('--encode'))!;
    for (const check of ['--info', '--conch', '--encode', '--hash', '--coherency', '--check-padding', '--check']) expect(encode.split(' ')).toContain(check);
    expect(calls.join(' ')).not.toContain('--all');
    // its reversibility file is kept inside the output folder, never beside the scan
    expect(encode).toMatch(new RegExp(`-r ${out}/\\.dpx-rgb10-be\\.seq2ffv1-work/`));
    expect(calls.some((c) => c.startsWith('--decode --hash'))).toBe(true);
    expect(existsSync(join(out, 'dpx-rgb10-be.mkv'))).toBe(true);
    expect((await readFile(join(out, 'dpx-rgb10-be_output.framemd5'), 'utf8')).split('\n').filter((l) => /^0,/.test(l))).toHaveLength(4);
    expect(await md5File(join(src, 'scan_0000001.dpx'))).toBe(sourceMd5);
    expect((await readdir(out)).filter((f) => f.includes('partial') || f.includes('work'))).toEqual([]);
  });

  it('exits 1 when what rawcooked gives back differs from the source', async () => {
    const src = await sequenceFixture('dpx-rgb10-be');
    const other = await sequenceFixture('dpx-padding'); // "decodes" to other files
    const { env } = await fakeOnPath('success');
    const r = await avpres(['seq2ffv1', '--json', '-i', src, '-o', join(work.dir, 'rc-wrong')], { env: { ...env, FAKE_RAWCOOKED_SOURCE: other } });
    expect(r.exitCode, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout).inputs[0].reason).toMatch(/reversal check failed: 4 file\(s\) differ/);
  });

  it('falls back to the builtin engine when rawcooked refuses with its licence message (auto), saying so', async () => {
    const src = await sequenceFixture('dpx-rgb12');
    const { env } = await fakeOnPath('licence');
    const r = await avpres(['seq2ffv1', '--json', '-i', src, '-o', join(work.dir, 'rc-licence')], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).inputs[0].details.engine).toBe('builtin');
    expect(r.stderr).toMatch(/not supported by the current license key.*using the builtin engine instead/);
  });

  it('exits 3 on the licence refusal when --engine rawcooked is asked for', async () => {
    const src = await sequenceFixture('dpx-rgb12');
    const { env } = await fakeOnPath('licence');
    const r = await avpres(['seq2ffv1', '--engine', 'rawcooked', '-i', src, '-o', join(work.dir, 'rc-licence-strict')], { env });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/rawcooked refused .*license/);
  });

  it('never takes a crash after writing the MKV as success', async () => {
    const src = await sequenceFixture('dpx-rgb8');
    const { env } = await fakeOnPath('crash');
    const out = join(work.dir, 'rc-crash');
    const r = await avpres(['seq2ffv1', '--json', '-i', src, '-o', out], { env });
    expect(r.exitCode).toBe(3);
    expect(JSON.parse(r.stdout).inputs[0].reason).toMatch(/rawcooked crashed \(SIGSEGV\).*not used/);
    expect((await readdir(out)).filter((f) => f.includes('.mkv'))).toEqual([]);
  });

  it('refuses an MKV whose RAWcooked reversibility data was left outside it (exit 3)', async () => {
    const src = await sequenceFixture('dpx-rgb8');
    const { env } = await fakeOnPath('outside');
    const out = join(work.dir, 'rc-outside');
    const r = await avpres(['seq2ffv1', '--json', '-i', src, '-o', out], { env });
    expect(r.exitCode).toBe(3);
    expect(JSON.parse(r.stdout).inputs[0].reason).toMatch(/reversibility data outside the MKV.*--engine builtin/);
    expect((await readdir(out)).filter((f) => f !== 'avpres-logs')).toEqual([]);
  });
});
