export { main } from './main.js';
export { makeProgram } from './program.js';
export type { CliIo } from './io.js';
