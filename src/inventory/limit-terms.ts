// `--limit` syntax: terms separated by `,` or `:` (Ansible), each maybe prefixed by `!` or `&`.
import { isIP } from 'node:net';

/** How a term combines: add its hosts, keep only its hosts, or remove its hosts. */
export type LimitOperation = 'include' | 'intersect' | 'exclude';

/** One term of a --limit pattern, its operator stripped. */
export interface LimitTerm {
  operation: LimitOperation;
  /** A host name, group name, glob (`web*`) or range (`node[01-05]`). */
  text: string;
  /** The term as written (with its operator), for messages. */
  written: string;
}

/** A checked --limit pattern: at least one term (parsed from the flag by src/cli/flag-values.ts). */
export interface LimitPattern {
  /** The pattern as written, for messages. */
  written: string;
  terms: readonly [LimitTerm, ...LimitTerm[]];
}

/** Splits on `,` and `:` outside brackets (`node[1,3]` and `node[01:05]` stay whole); blanks are
 * skipped. A comma-separated part that is an IPv6 address (a host's name) is one term: its `:` are
 * the address's own, so `--limit fd00::5,!fd00::6` works. */
export function parseLimitTerms(pattern: string): LimitTerm[] {
  return splitOutsideBrackets(pattern, ',').flatMap((part) => {
    const bare = part.trim().replace(/^[!&]\s*/, '');
    return isIP(bare) === 6 ? [part] : splitOutsideBrackets(part, ':');
  }).map((written) => written.trim()).filter((written) => written !== '').map(toTerm);
}

function splitOutsideBrackets(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '[') depth++;
    if (char === ']') depth = Math.max(0, depth - 1);
    if (depth === 0 && char === separator) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

function toTerm(written: string): LimitTerm {
  if (written.startsWith('!')) return { operation: 'exclude', text: written.slice(1).trim(), written };
  if (written.startsWith('&')) return { operation: 'intersect', text: written.slice(1).trim(), written };
  return { operation: 'include', text: written, written };
}

/** True when the term uses shell-style wildcards. */
export function isGlob(text: string): boolean {
  return text.includes('*') || text.includes('?');
}

/** `web-?.example.*` → a whole-name regular expression; everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  const source = [...glob].map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`);
}
