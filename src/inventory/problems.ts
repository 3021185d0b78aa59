// Problems are data: each is a path into the document plus a message; load formats them all at once.

/** One thing wrong with an inventory, located by a dotted path (`hosts[1].port`); '' means the file. */
export interface Problem {
  path: string;
  message: string;
}

/** Renders problems as `FILE: path: message` lines, the shape InventoryError carries. */
export function formatProblems(source: string, problems: readonly Problem[]): string[] {
  const lines = problems.map((p) => (p.path === '' ? `${source}: ${p.message}` : `${source}: ${p.path}: ${p.message}`));
  return [...new Set(lines)];
}

/** Joins path segments so messages read like the YAML: `groups.rack3.vars.user`, `hosts[2]`. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base === '' ? key : `${base}.${key}`;
}

/** The `got X` part of a message: short, typed, never a whole nested structure. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

/** The type alone, for values that must not be echoed (they may be secrets). */
export function describeKind(value: unknown): string {
  if (value === null || value === undefined) return describeValue(value);
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return describeValue(value);
}

/** `expected E, got X`: the one sentence shape used for every type or syntax problem. */
export function expected(what: string, value: unknown, detail?: string): string {
  const got = `expected ${what}, got ${describeValue(value)}`;
  return detail === undefined ? got : `${got} (${detail})`;
}

/** True for a plain mapping (what YAML gives for `key: value` blocks), not lists, dates or null. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The message for a key nobody reads, with the closest known key when one is near (typos). */
export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const guess = suggestKey(key, known);
  if (guess !== undefined) return `unknown key (did you mean "${guess}"?)`;
  return `unknown key (expected one of: ${known.join(', ')})`;
}

// Closest key by edit distance (case-insensitive), only when near enough to be a typo.
function suggestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}
