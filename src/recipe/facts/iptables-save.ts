// A strict reader of the iptables-save format: `*table`, `:CHAIN POLICY [p:b]`, `-A CHAIN …`,
// `COMMIT`, `# comments`. Rules are kept verbatim (they are fed back to iptables-restore as printed);
// only the target is extracted, with a tokenizer that honours iptables-save's "…" quoting so a
// comment containing `-j KUBE-X` is never mistaken for a jump.
import { parseFail } from '../probe/section.js';

export interface IptablesRule {
  chain: string;
  /** The rule exactly as iptables-save printed it (`-A CHAIN …`): fed back verbatim, never re-tokenised. */
  line: string;
  /** The `-j`/`-g` target, or null for a rule without one. */
  target: string | null;
}

export interface IptablesChain {
  name: string;
  /** Built-in chains' policy (`ACCEPT`, `DROP`); null for user chains (`-`). */
  policy: string | null;
}

export interface IptablesTable {
  name: string;
  chains: IptablesChain[];
  rules: IptablesRule[];
}

export interface SaveContent {
  tables: IptablesTable[];
  unrepresentable: string[];
  warnings: string[];
}

/** Splits a rule into words: whitespace-separated, `"…"` quoted with `\"` and `\\` escapes. */
export function tokenizeRule(text: string): string[] | null {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === ' ' || text[i] === '\t') {
      i++;
      continue;
    }
    let token = '';
    while (i < text.length && text[i] !== ' ' && text[i] !== '\t') {
      if (text[i] !== '"') {
        token += text[i++];
        continue;
      }
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        token += text[i++];
      }
      if (i >= text.length) return null; // unterminated quote
      i++;
    }
    tokens.push(token);
  }
  return tokens;
}

/** The `-j`/`-g` target (the last one: target options follow it, matches come before). */
export function ruleTarget(tokens: string[]): string | null {
  let target: string | null = null;
  tokens.forEach((token, i) => {
    if (['-j', '-g', '--jump', '--goto'].includes(token) && i + 1 < tokens.length) target = tokens[i + 1];
  });
  return target;
}

/** The values of the rule's `-m comment --comment VALUE` matches, in order (a rule may carry several). */
export function ruleComments(tokens: string[]): string[] {
  const comments: string[] = [];
  for (let i = 0; i + 3 < tokens.length; i++) {
    if (tokens[i] === '-m' && tokens[i + 1] === 'comment' && tokens[i + 2] === '--comment') comments.push(tokens[i + 3]);
  }
  return comments;
}

export function parseSave(section: string, lines: string[], firstLine: number): SaveContent {
  const content: SaveContent = { tables: [], unrepresentable: [], warnings: [] };
  let table: IptablesTable | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const lineNo = firstLine + i;
    const fail = (message: string): never => parseFail(section, `${message}: ${JSON.stringify(line.slice(0, 80))}`, lineNo);
    if (line === '') continue;
    if (line.startsWith('#')) {
      if (/incompatible/i.test(line)) content.warnings.push(line.slice(1).trim());
      continue;
    }
    if (line.startsWith('*')) {
      if (table) fail('table starts before COMMIT');
      if (!/^\*[a-z_]+$/.test(line)) fail('bad table line');
      if (content.tables.some((t) => t.name === line.slice(1))) fail('table appears twice');
      table = { name: line.slice(1), chains: [], rules: [] };
      continue;
    }
    if (!table) return fail('line outside a table');
    const current: IptablesTable = table;
    if (line === 'COMMIT') {
      content.tables.push(current);
      table = null;
    } else if (line.startsWith(':')) {
      const chain = /^:(\S+) (\S+) \[\d+:\d+\]$/.exec(line);
      if (!chain) content.unrepresentable.push(line);
      else if (current.chains.some((c) => c.name === chain[1])) fail('chain declared twice');
      else current.chains.push({ name: chain[1], policy: chain[2] === '-' ? null : chain[2] });
    } else if (line.startsWith('-A ')) {
      const chain = /^-A (\S+)(?: |$)/.exec(line)?.[1] ?? fail('bad rule line');
      if (!current.chains.some((c) => c.name === chain)) fail(`rule for undeclared chain ${chain}`);
      const tokens = tokenizeRule(line);
      if (tokens) {
        current.rules.push({ chain, line, target: ruleTarget(tokens.slice(2)) });
        continue;
      }
      // A quoted value containing a newline (a comment can hold one) spans lines: it cannot be
      // fed back or shown safely, so it is recorded as unrepresentable (the host is refused).
      let joined = line;
      while (tokenizeRule(joined) === null && i + 1 < lines.length && lines[i + 1] !== 'COMMIT') joined += `\n${lines[++i]}`;
      if (tokenizeRule(joined) === null) fail('unterminated quote in rule');
      content.unrepresentable.push(joined);
    } else {
      fail('not an iptables-save line');
    }
  }
  if (table) parseFail(section, 'dump ends inside a table (no COMMIT)');
  return content;
}
