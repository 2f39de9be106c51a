/**
 * A small glob matcher for --include/--exclude (Node 20 has no path.matchesGlob):
 * `*` and `?` stay inside one path segment, `**` spans segments, `[abc]`/`[!a-z]` are
 * character classes and `{a,b}` alternatives. Paths use forward slashes. A pattern without
 * a slash matches the file name alone, anywhere in the tree (as .gitignore does).
 */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        const slashAfter = pattern[i + 2] === '/';
        i += slashAfter ? 2 : 1;
        // `**/` matches zero or more whole folders; a trailing `**` anything below.
        re += slashAfter ? '(?:[^/]*/)*' : '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) re += '\\[';
      else {
        let body = pattern.slice(i + 1, end);
        const negate = body.startsWith('!') || body.startsWith('^');
        if (negate) body = body.slice(1);
        re += `[${negate ? '^/' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
        i = end;
      }
    } else if (c === '{') {
      braces++;
      re += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (c === ',' && braces > 0) re += '|';
    else if (c === '\\' && i + 1 < pattern.length) re += escapeChar(pattern[++i]!);
    else re += escapeChar(c);
  }
  if (braces > 0) throw new Error(`unclosed { in glob ${pattern}`);
  return new RegExp(`^${re}$`, 'u');
}

function escapeChar(c: string): string {
  return /[.+^${}()|[\]\\*?]/.test(c) ? `\\${c}` : c;
}

/** A compiled list of globs; `matches(rel)` for a slash-separated path relative to its root. */
export function globMatcher(patterns: readonly string[]): (rel: string) => boolean {
  const compiled = patterns.map((p) => ({ re: globToRegExp(p.replace(/^\.\//, '')), nameOnly: !p.includes('/') }));
  return (rel) => {
    const name = rel.slice(rel.lastIndexOf('/') + 1);
    return compiled.some(({ re, nameOnly }) => re.test(nameOnly ? name : rel));
  };
}
