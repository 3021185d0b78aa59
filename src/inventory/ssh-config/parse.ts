// The subset of OpenSSH client config (ssh_config) nodescrub honours; ssh2 itself reads none of it.

import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { matchPatternList } from './host-pattern.js';

/** One `Host` block (or the global section before any, with patterns ["*"]). */
export interface SshConfigBlock {
  patterns: string[];
  /** Lowercased keyword → values in file order (IdentityFile may repeat). */
  options: Record<string, string[]>;
  line: number;
}

export interface SshConfig {
  blocks: SshConfigBlock[];
  /** Lines ignored, each `line N: why` (unsupported keywords are silently kept, not used). */
  notes: string[];
}

/** What ssh_config says about one alias: the fields the inventory may fall back on. */
export interface ResolvedSshConfig {
  hostName?: string;
  user?: string;
  port?: number;
  identityFile?: string;
  proxyJump?: string;
}

/** The files an `Include` argument names (glob expanded, ~ and relative paths resolved), each with
 * its text; reading is the caller's (src/cli/read-ssh-config.ts), parsing stays pure. */
export type IncludeResolver = (pattern: string) => { file: string; text: string }[];

export interface ParseSshConfigOptions {
  /** How this text is named in notes (`~/.ssh/config`); notes then read `FILE: line N: …`. */
  source?: string;
  include?: IncludeResolver;
}

/** OpenSSH stops at this depth too: an Include loop is an error, not a hang. */
const MAX_INCLUDE_DEPTH = 16;

/** Parses ssh_config text: `Keyword value` or `Keyword=value`, comments, quotes, Host/Match blocks,
 * Include (its files read in place, as OpenSSH does; an Include inside a Host block is read as if
 * it were at that point of the file). */
export function parseSshConfig(text: string, options: ParseSshConfigOptions = {}): SshConfig {
  const config: SshConfig = { blocks: [{ patterns: ['*'], options: {}, line: 0 }], notes: [] };
  parseInto(config, text, options.source, options.include, 0, { current: config.blocks[0] });
  return config;
}

function parseInto(
  config: SshConfig,
  text: string,
  source: string | undefined,
  include: IncludeResolver | undefined,
  depth: number,
  state: { current: SshConfigBlock | undefined },
): void {
  const where = (line: number) => (source ? `${source}: line ${line}` : `line ${line}`);
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const match = /^\s*([A-Za-z]+)\s*(?:=\s*|\s+)(.*?)\s*$/.exec(raw);
    if (raw.trim() === '' || raw.trim().startsWith('#')) return;
    if (!match) return void config.notes.push(`${where(line)}: cannot parse "${raw.trim()}"`);
    const keyword = match[1].toLowerCase();
    const args = splitArguments(match[2]);
    if (keyword === 'host') {
      state.current = { patterns: args, options: {}, line };
      config.blocks.push(state.current);
    } else if (keyword === 'match') {
      config.notes.push(`${where(line)}: Match blocks are not supported; ignored up to the next Host`);
      state.current = undefined;
    } else if (keyword === 'include') {
      if (!include) return void config.notes.push(`${where(line)}: Include cannot be followed here; ignored`);
      if (depth >= MAX_INCLUDE_DEPTH) return void config.notes.push(`${where(line)}: Include nested deeper than ${MAX_INCLUDE_DEPTH}; ignored`);
      for (const pattern of args) {
        for (const file of include(pattern)) parseInto(config, file.text, file.file, include, depth + 1, state);
      }
    } else if (state.current !== undefined && args.length > 0) {
      (state.current.options[keyword] ??= []).push(args.join(' '));
    }
  });
}

/** Reads and parses an ssh_config file; a missing file is an empty config (e.g. no ~/.ssh/config). */
export async function readSshConfig(file: string): Promise<SshConfig> {
  try {
    return parseSshConfig(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return parseSshConfig('');
    throw error;
  }
}

export interface ResolveContext {
  home?: string;
  /** %u: the local user running nodescrub. */
  localUser?: string;
  /** %r when the config sets no User: the remote user the host gets anyway (nodescrub's default, root). */
  remoteUser?: string;
  /** Told about what cannot be honoured (an unknown `%` token), once per value. */
  note?: (message: string) => void;
}

/**
 * Resolves the supported keywords for `alias` with OpenSSH's rule: blocks are read in order and the
 * first value obtained for a keyword wins. `~` and `%d` (home) `%h` (host) `%p` (port) `%r` (remote
 * user) `%u` (local user) `%%` are expanded in IdentityFile; another token is left as written and
 * noted. ProxyJump `none` means no jump.
 */
export function resolveSshConfig(config: SshConfig, alias: string, context: ResolveContext | string = {}): ResolvedSshConfig {
  const { home = homedir(), localUser = userInfo().username, remoteUser = 'root', note } = typeof context === 'string' ? { home: context } : context;
  const first = (keyword: string): string | undefined => {
    for (const block of config.blocks) {
      const values = block.options[keyword];
      if (values !== undefined && matchPatternList(block.patterns, alias)) return values[0];
    }
    return undefined;
  };
  const resolved: ResolvedSshConfig = {};
  const hostName = first('hostname');
  const user = first('user');
  const port = first('port');
  const identityFile = first('identityfile');
  const proxyJump = first('proxyjump');
  if (hostName !== undefined) resolved.hostName = hostName.replace(/%h/g, alias);
  if (user !== undefined) resolved.user = user;
  if (port !== undefined && /^\d+$/.test(port)) resolved.port = Number(port);
  if (proxyJump !== undefined && proxyJump.toLowerCase() !== 'none') resolved.proxyJump = proxyJump;
  if (identityFile !== undefined && identityFile.toLowerCase() !== 'none') {
    const tokens: Record<string, string> = {
      d: home,
      h: resolved.hostName ?? alias,
      p: String(resolved.port ?? 22),
      r: resolved.user ?? remoteUser,
      u: localUser,
      '%': '%',
    };
    const unknown = [...identityFile.matchAll(/%(.)/g)].map((m) => m[1]).filter((token) => !(token in tokens));
    if (unknown.length > 0) note?.(`IdentityFile ${identityFile}: %${unknown[0]} is not supported; left as written`);
    const expanded = identityFile.replace(/%([dhpru%])/g, (_, token: string) => tokens[token]);
    resolved.identityFile = expanded.startsWith('~/') ? home + expanded.slice(1) : expanded;
  }
  return resolved;
}

/**
 * One ProxyJump hop `[user@]host[:port]` → parts; undefined when unparsable or when it lists several
 * hops (a chain of bastions is not supported: one JumpPool connection carries the targets).
 */
export function parseJumpTarget(value: string): { user?: string; address: string; port?: number } | undefined {
  const hop = value.trim();
  if (hop.includes(',')) return undefined;
  const match = /^(?:([^@\s]+)@)?(\[[^\]]+\]|[^:@\s]+)(?::(\d+))?$/.exec(hop);
  if (!match) return undefined;
  const address = match[2].replace(/^\[|\]$/g, '');
  return { address, ...(match[1] ? { user: match[1] } : {}), ...(match[3] ? { port: Number(match[3]) } : {}) };
}

/** Whitespace-separated arguments as OpenSSH's argv_split reads them: double or single quotes group
 * words, a backslash escapes the next character (a quote, a space, a backslash). */
export function splitArguments(text: string): string[] {
  const args: string[] = [];
  let current = '';
  let started = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (char === '\\' && i + 1 < text.length && (quote === null || text[i + 1] === quote || text[i + 1] === '\\')) {
      current += text[i + 1];
      started = true;
      i += 1;
    } else if (quote !== null) {
      if (char === quote) quote = null;
      else current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      started = true;
    } else if (/\s/.test(char)) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      current += char;
      started = true;
    }
  }
  if (started) args.push(current);
  return args;
}
