const SAFE = /^[\w@%+=:,./-]+$/u;

/** Render argv for a human to read or paste into a POSIX shell (never run by us). */
export function quoteArgs(args: readonly string[]): string {
  return args.map((a) => (a !== '' && SAFE.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)).join(' ');
}
