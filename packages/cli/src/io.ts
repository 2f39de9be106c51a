/** The process facts the CLI hands down; tests give their own. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WriteStream;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** argv as typed, for the log's first line. */
  commandLine: readonly string[];
  signal: AbortSignal;
}
