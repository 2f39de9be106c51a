import type { Command } from 'commander';
import type { CliIo } from './io.js';

/** What a subcommand factory is given: process facts and where to put its exit code. */
export interface CommandEnv {
  io: CliIo;
  setExitCode(code: number): void;
}

export type CommandFactory = (env: CommandEnv) => Command;
