import { CommanderError, type Command } from 'commander';
import { ExitCode, UsageError } from '@avpres/core';
import type { CliIo } from './io.js';
import { makeProgram } from './program.js';

/**
 * The one way out of the CLI: parse, run, and turn whatever happened into an exit code.
 * Ctrl-C aborts the run's signal (children stopped, partials removed); a second Ctrl-C
 * exits at once.
 */
export async function main(argv: readonly string[], overrides: Partial<CliIo> = {}): Promise<number> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(ExitCode.interrupted);
    process.stderr.write(`\n${signal}: stopping (again to exit at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  ignoreClosedOutput();
  const io: CliIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    commandLine: ['avpres', ...argv],
    signal: controller.signal,
    ...overrides,
  };
  let exitCode: number = ExitCode.ok;
  const program = await makeProgram({ io, setExitCode: (code) => (exitCode = code) }, argv);
  configureAll(program, io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    exitCode = exitFromParse(error, io);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return exitCode;
}

let outputGuarded = false;

/**
 * `avpres ... | head`, `avpres ... 2>&1 | head`: a reader that stops early is not an error
 * of ours, and must not stop the run (once per process). Without this, a closed stderr
 * ended a copy half-way with exit 1; the run's log files still record everything.
 */
function ignoreClosedOutput(): void {
  if (outputGuarded) return;
  outputGuarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      // After the first EPIPE the stream is destroyed: later writes report that instead.
      if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
    });
  }
}

function exitFromParse(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // Help and --version end parsing through here with exit code 0.
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (error instanceof UsageError) {
    io.stderr.write(`error: ${error.message}\n(see --help)\n`);
    return ExitCode.usage;
  }
  io.stderr.write(`unexpected error (a bug, please report it):\n${error instanceof Error ? error.stack : String(error)}\n`);
  return ExitCode.bug;
}

/** exitOverride and output streams on every command, so errors come back here. */
function configureAll(command: Command, io: CliIo): void {
  command.exitOverride();
  command.configureOutput({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
  });
  command.showSuggestionAfterError(true);
  for (const sub of command.commands) configureAll(sub, io);
}
