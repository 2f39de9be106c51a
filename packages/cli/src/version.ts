import { readFileSync } from 'node:fs';

/** The toolbox version, from the cli package's package.json (recorded in every event). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
