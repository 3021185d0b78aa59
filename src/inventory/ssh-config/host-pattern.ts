// OpenSSH host patterns (`*`, `?`, `!negation`), shared by known_hosts and ssh_config matching.

// Compiled globs, reused: the same few patterns are matched once per host of a fleet.
const compiled = new Map<string, RegExp>();
const MAX_COMPILED = 4096;

/** Matches one glob (`*` any run, `?` one character) against a name, case-insensitively, like OpenSSH. */
export function matchGlob(pattern: string, name: string): boolean {
  let regexp = compiled.get(pattern);
  if (regexp === undefined) {
    const source = pattern
      .toLowerCase()
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.+()[\]{}|]/g, '\\$&')))
      .join('');
    regexp = new RegExp(`^${source}$`, 's');
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(pattern, regexp);
  }
  return regexp.test(name.toLowerCase());
}

/**
 * Matches a list of patterns the way OpenSSH's match_hostname does: a negated pattern that matches
 * vetoes the whole list; otherwise any positive match wins.
 */
export function matchPatternList(patterns: readonly string[], name: string): boolean {
  let matched = false;
  for (const raw of patterns) {
    if (raw === '') continue;
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    if (!matchGlob(pattern, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}
