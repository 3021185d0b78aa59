// The two lexical rules of Ansible's INI inventory: host lines are split like Python's
// `shlex.split(line, comments=True)`, and each value is read like `ast.literal_eval` (else kept as text).
import { ok, fail, type Result } from '../../errors.js';

/** Shell-like words, quotes removed, `#` comments dropped if asked; a string result is the syntax problem. */
export function splitShellWords(line: string, options: { comments: boolean }): string[] | string {
  const tokens: string[] = [];
  let token = '';
  let inToken = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (char === ' ' || char === '\t') {
      if (inToken) tokens.push(token);
      token = '';
      inToken = false;
    } else if (char === '#' && options.comments) {
      break;
    } else if (char === '\\') {
      if (i + 1 >= line.length) return 'a "\\" at the end of the line escapes nothing';
      token += line[++i];
      inToken = true;
    } else if (char === "'" || char === '"') {
      const end = findClosingQuote(line, i);
      if (end === -1) return `the quote ${char} at column ${i + 1} is never closed`;
      token += char === '"' ? unescapeDoubleQuoted(line.slice(i + 1, end)) : line.slice(i + 1, end);
      inToken = true;
      i = end;
    } else {
      token += char;
      inToken = true;
    }
  }
  if (inToken) tokens.push(token);
  return tokens;
}

function findClosingQuote(line: string, open: number): number {
  const quote = line[open];
  for (let i = open + 1; i < line.length; i++) {
    if (quote === '"' && line[i] === '\\') i++;
    else if (line[i] === quote) return i;
  }
  return -1;
}

// POSIX shell rules inside "…": a backslash escapes only `"` and `\`; elsewhere it stays.
function unescapeDoubleQuoted(text: string): string {
  return text.replace(/\\(["\\])/g, '$1');
}

/**
 * What Ansible stores for an INI value: numbers, True/False/None and quoted strings become those
 * literals (a trailing `# comment` allowed, as Python allows it); anything else stays the text as written.
 */
export function parseIniValue(text: string): unknown {
  const trimmed = text.trim();
  const literal = readLiteral(trimmed);
  if (literal.ok) return literal.value;
  const hash = indexOutsideQuotes(trimmed, '#');
  if (hash !== -1) {
    const before = readLiteral(trimmed.slice(0, hash).trim());
    if (before.ok) return before.value;
  }
  return text;
}

type Literal = Result<unknown, 'not a literal'>;

function readLiteral(text: string): Literal {
  if (text === 'True') return ok(true);
  if (text === 'False') return ok(false);
  if (text === 'None') return ok(null);
  // Python rejects `022` (leading zeros), so Ansible keeps it as the string "022".
  if (/^[-+]?(0+|[1-9]\d*)$/.test(text)) return ok(Number(text));
  if (/^[-+]?(\d+\.\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return ok(Number(text));
  const quote = text[0];
  if ((quote === "'" || quote === '"') && text.length >= 2 && closingPythonQuote(text) === text.length - 1) {
    return ok(unescapePython(text.slice(1, -1)));
  }
  return fail('not a literal');
}

// Python strings take backslash escapes in both quote styles.
function closingPythonQuote(text: string): number {
  for (let i = 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === text[0]) return i;
  }
  return -1;
}

// Enough of Python's string escapes for inventory values.
function unescapePython(text: string): string {
  const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
  return text.replace(/\\(.)/g, (whole, char: string) => escapes[char] ?? whole);
}

function indexOutsideQuotes(text: string, wanted: string): number {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote !== undefined) {
      if (char === '\\') i++;
      else if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === wanted) return i;
  }
  return -1;
}
