import { Command } from 'commander';
import type { CommandEnv, CommandFactory } from './command-env.js';
import { VERSION } from './version.js';

/**
 * One entry per tool; a tool appears here only once it works. Each command's module
 * imports its tool's package, so a command is loaded only when it may run (see makeProgram).
 */
const COMMANDS: Array<{ name: string; load: () => Promise<CommandFactory> }> = [
  { name: 'normalise', load: async () => (await import('./commands/normalise.js')).makeNormaliseCommand },
  { name: 'seq2ffv1', load: async () => (await import('./commands/seq2ffv1.js')).makeSeq2ffv1Command },
  { name: 'access', load: async () => (await import('./commands/access.js')).makeAccessCommand },
  { name: 'sip', load: async () => (await import('./commands/sip.js')).makeSipCommand },
  { name: 'validate', load: async () => (await import('./commands/validate.js')).makeValidateCommand },
  { name: 'copyit', load: async () => (await import('./commands/copyit.js')).makeCopyitCommand },
  { name: 'verify', load: async () => (await import('./commands/verify.js')).makeVerifyCommand },
  { name: 'batch', load: async () => (await import('./commands/batch.js')).makeBatchCommand },
  { name: 'queue', load: async () => (await import('./commands/queue.js')).makeQueueCommand },
  { name: 'worker', load: async () => (await import('./commands/worker.js')).makeWorkerCommand },
  { name: 'doctor', load: async () => (await import('./commands/doctor.js')).makeDoctorCommand },
  { name: 'demo', load: async () => (await import('./commands/demo.js')).makeDemoCommand },
];

/**
 * The program with the command `argv` names, or with every command (for help, --version,
 * or a name it does not know). Loading all of them costs ~0.5 s of start-up, which a
 * short copyit or access run should not pay.
 */
export async function makeProgram(env: CommandEnv, argv: readonly string[] = []): Promise<Command> {
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
  const named = COMMANDS.filter((c) => c.name === argv.find((a) => !a.startsWith('-')));
  const factories = await Promise.all((named.length > 0 ? named : COMMANDS).map((c) => c.load()));
  for (const factory of factories) program.addCommand(factory(env));
  return program;
}
