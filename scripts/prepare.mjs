// Runs after `npm install`/`npm ci`: builds every package, so the bins work at once.
// npm 11 no longer runs dependencies' install scripts by default; the embedded ffprobe
// ships as rwxr--r--, which other users (and tests that drop privileges) cannot run.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
for (const pkg of ['@ffmpeg-installer/linux-x64', '@ffprobe-installer/linux-x64']) {
  try {
    const dir = dirname(require.resolve(`${pkg}/package.json`));
    for (const name of ['ffmpeg', 'ffprobe']) {
      const file = join(dir, name);
      if (existsSync(file)) chmodSync(file, statSync(file).mode | 0o555);
    }
  } catch {
    // Not this platform's package: the locator reports a missing embedded build.
  }
}
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b'], { stdio: 'inherit' });
