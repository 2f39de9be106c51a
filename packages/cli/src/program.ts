import { Command } from 'commander';
import type { CommandEnv, CommandFactory } from './command-env.js';
import { makeDemoCommand } from './commands/demo.js';
import { makeDoctorCommand } from './commands/doctor.js';
import { makeNormaliseCommand } from './commands/normalise.js';
import { makeAccessCommand } from './commands/access.js';
import { makeSipCommand } from './commands/sip.js';
import { makeValidateCommand } from './commands/validate.js';
import { makeSeq2ffv1Command } from './commands/seq2ffv1.js';
import { makeCopyitCommand } from './commands/copyit.js';
import { makeVerifyCommand } from './commands/verify.js';
import { makeBatchCommand } from './commands/batch.js';
import { makeQueueCommand } from './commands/queue.js';
import { makeWorkerCommand } from './commands/worker.js';
import { VERSION } from './version.js';

/** One entry per tool; a tool appears here only once it works. */
const COMMANDS: CommandFactory[] = [makeNormaliseCommand, makeSeq2ffv1Command, makeAccessCommand, makeSipCommand, makeValidateCommand, makeCopyitCommand, makeVerifyCommand, makeBatchCommand, makeQueueCommand, makeWorkerCommand, makeDoctorCommand, makeDemoCommand];

export function makeProgram(env: CommandEnv): Command {
  const program = new Command('avpres')
    .description('Audiovisual preservation tools on FFmpeg, each proving that nothing was lost.')
    .version(VERSION, '-V, --version')
    .helpCommand(true)
    .addHelpText(
      'after',
      `
Exit codes: 0 done and verified, 1 verification failed, 2 usage or bad input,
3 environment (missing tool, no space, permission), 70 a bug, 130 interrupted.
A run with several inputs exits with the most serious code among them.

Examples:
  $ avpres doctor                      which ffmpeg will run, and what it can do
  $ avpres <command> --help            a command's options and examples`,
    );
  for (const factory of COMMANDS) program.addCommand(factory(env));
  return program;
}
