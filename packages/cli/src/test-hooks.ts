import { open } from 'node:fs/promises';

/**
 * Failure paths nothing else can trigger, for end-to-end tests only: with
 * AVPRES_TEST_HOOK=corrupt-before-verify, a tool's output has one byte flipped just
 * before it is verified, so the test can see the proof catch it.
 */
export function testHookFrom(env: Readonly<Record<string, string | undefined>>) {
  const wanted = env['AVPRES_TEST_HOOK'];
  if (!wanted) return undefined;
  return async (point: string, file: string): Promise<void> => {
    if (`corrupt-${point}` !== wanted) return;
    await flipByte(file);
  };
}

/** Flip one byte in the middle of a file (XOR 0xff). */
export async function flipByte(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    const { size } = await handle.stat();
    if (size === 0) return;
    const at = Math.floor(size / 2);
    const buf = Buffer.alloc(1);
    await handle.read(buf, 0, 1, at);
    buf[0] = buf[0]! ^ 0xff;
    await handle.write(buf, 0, 1, at);
  } finally {
    await handle.close();
  }
}
