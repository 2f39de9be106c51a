import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRunLog, readEventLog, readRunLog } from '@avpres/log';
import { AVPRES, avpres, tempDir } from './helpers/cli.js';

let work: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  work = await tempDir('avpres-log-crash-');
});
afterAll(async () => work.cleanup());

describe('a run killed without warning (SIGKILL)', () => {
  it('leaves a run log that says it did not finish, and a re-run starts cleanly with the same UUID', async () => {
    const big = join(work.dir, 'big capture.bin');
    await writeFile(big, '');
    await truncate(big, 400 * 1024 * 1024);
    const out = join(work.dir, 'out');
    const argv = ['sip', '-i', big, '-o', out, '--oe', 'oe2', '--user', 'Night Shift'];
    const child = execa(process.execPath, [AVPRES, ...argv], { reject: false, stdin: 'ignore' });
    const oe = join(out, 'oe2');
    for (let i = 0; i < 600 && !(existsSync(oe) && readdirSync(oe).some((n) => n.endsWith('.partial'))); i++) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    const killed = await child;
    expect(killed.signal).toBe('SIGKILL');

    const logs = join(out, 'avpres-logs');
    const human = readdirSync(logs).find((n) => n.endsWith('.log'))!;
    const status = await readRunLog(join(logs, human));
    // The first line: tool, version, operator and the command exactly as typed (shell-quoted).
    expect(status.start!.replace(/^avpres sip \S+ /, '')).toBe(`by Night Shift: avpres sip -i '${big}' -o ${out} --oe oe2 --user 'Night Shift'`);
    expect(status.finished).toBe(false);
    expect(describeRunLog(status)).toMatch(/^run did not finish/);
    const events = await readEventLog(join(logs, human.replace(/\.log$/, '.events.jsonl')));
    expect(events.finished).toBe(false);
    expect(events.records[0]).toMatchObject({ kind: 'run-start' });
    // What SIGKILL leaves: a hidden partial package, never one that looks finished.
    const leftover = readdirSync(oe);
    expect(leftover).toHaveLength(1);
    expect(leftover[0]).toMatch(/^\.[0-9a-f-]{36}\.partial$/);
    const uuid = leftover[0]!.slice(1, -'.partial'.length);

    const again = await avpres([...argv, '--json']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).inputs[0].details.uuid).toBe(uuid);
    expect(readdirSync(oe).sort()).toEqual([uuid, `${uuid}_manifest.md5`]);
    const second = readdirSync(logs).filter((n) => n.endsWith('.log')).find((n) => n !== human)!;
    const finished = await readRunLog(join(logs, second));
    expect(finished).toMatchObject({ finished: true, end: { outcome: 'success', exitCode: 0 } });
    expect(readFileSync(join(logs, second), 'utf8').trimEnd().split('\n').at(-1)).toMatch(/ END success \(exit 0\)/);
  });
});
