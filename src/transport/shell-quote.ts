// The one quoting function for POSIX sh: every command nodescrub builds from data goes through it.

/** Characters that never need quoting in any position of a POSIX sh word (no `=`, `~`, globs). */
const SAFE_WORD = /^[A-Za-z0-9_@%+:,./-]+$/;

/**
 * Quotes `value` as one POSIX sh word, single-quote style (`'it'\''s'`), so the shell passes it on
 * byte for byte: newlines, `$`, backquotes and globs stay literal. Plain words are left as they are
 * so plans stay readable. NUL cannot be passed through a shell argument at all, so it is refused.
 */
export function shellQuote(value: string): string {
  if (value.includes('\0')) {
    throw new TypeError(`cannot quote a string containing NUL for the shell: ${JSON.stringify(value)}`);
  }
  if (value === '') return "''";
  if (SAFE_WORD.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Quotes every argument and joins them with spaces: argv → one sh command line. */
export function shellJoin(args: readonly string[]): string {
  return args.map(shellQuote).join(' ');
}
