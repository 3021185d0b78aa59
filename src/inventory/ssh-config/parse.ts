// The subset of OpenSSH client config (ssh_config) nodescrub honours; ssh2 itself reads none of it.

import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
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

/** Parses ssh_config text: `Keyword value` or `Keyword=value`, comments, quotes, Host/Match blocks. */
export function parseSshConfig(text: string): SshConfig {
  const blocks: SshConfigBlock[] = [{ patterns: ['*'], options: {}, line: 0 }];
  const notes: string[] = [];
  let current: SshConfigBlock | undefined = blocks[0];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const match = /^\s*([A-Za-z]+)\s*(?:=\s*|\s+)(.*?)\s*$/.exec(raw);
    if (raw.trim() === '' || raw.trim().startsWith('#')) return;
    if (!match) return void notes.push(`line ${line}: cannot parse "${raw.trim()}"`);
    const keyword = match[1].toLowerCase();
    const args = splitArguments(match[2]);
    if (keyword === 'host') {
      current = { patterns: args, options: {}, line };
      blocks.push(current);
    } else if (keyword === 'match') {
      notes.push(`line ${line}: Match blocks are not supported; ignored up to the next Host`);
      current = undefined;
    } else if (keyword === 'include') {
      notes.push(`line ${line}: Include is not supported; ignored`);
    } else if (current !== undefined && args.length > 0) {
      (current.options[keyword] ??= []).push(args.join(' '));
    }
  });
  return { blocks, notes };
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

/**
 * Resolves the supported keywords for `alias` with OpenSSH's rule: blocks are read in order and the
 * first value obtained for a keyword wins. `~` and `%d` `%h` `%p` `%r` `%u` `%%` are expanded in
 * IdentityFile; ProxyJump `none` means no jump.
 */
export function resolveSshConfig(config: SshConfig, alias: string, home: string = homedir()): ResolvedSshConfig {
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
      r: resolved.user ?? '',
      u: resolved.user ?? '',
      '%': '%',
    };
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

// Whitespace-separated arguments where double quotes group words (ssh_config's own rule).
function splitArguments(text: string): string[] {
  const args: string[] = [];
  for (const match of text.matchAll(/"([^"]*)"|(\S+)/g)) args.push(match[1] ?? match[2]);
  return args;
}
