// OpenSSH known_hosts: ssh2 reads none of it, so host-key trust is ours to parse, look up and append.

import { createHash, createHmac, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { matchPatternList } from '../inventory/ssh-config/host-pattern.js';

export type KnownHostMarker = 'revoked' | 'cert-authority';

/** One key line of a known_hosts file. */
export interface KnownHostEntry {
  /** 1-based line number, for messages like "known_hosts line 3". */
  line: number;
  marker?: KnownHostMarker;
  /** The raw host field: comma-separated patterns, or one hashed `|1|salt|hash` name. */
  hosts: string;
  keyType: string;
  /** The decoded public key blob (what the server sends). */
  key: Buffer;
}

export interface ParsedKnownHosts {
  entries: KnownHostEntry[];
  /** Lines skipped or ignored, each `line N: why`. Not fatal: OpenSSH skips them too. */
  notes: string[];
}

/** Parses known_hosts text: comments, markers, host lists, hashed names, several keys per host. */
export function parseKnownHosts(text: string): ParsedKnownHosts {
  const entries: KnownHostEntry[] = [];
  const notes: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === '' || fields[0].startsWith('#')) return;
    let marker: KnownHostMarker | undefined;
    if (fields[0].startsWith('@')) {
      const name = fields.shift()!.slice(1);
      if (name !== 'revoked' && name !== 'cert-authority') {
        notes.push(`line ${line}: unknown marker @${name}, skipped`);
        return;
      }
      marker = name;
    }
    const [hosts, keyType, base64] = fields;
    if (hosts === undefined || keyType === undefined || base64 === undefined) {
      notes.push(`line ${line}: expected "hosts keytype key", skipped`);
      return;
    }
    const key = Buffer.from(base64, 'base64');
    if (key.length === 0 || keyTypeOf(key) !== keyType) {
      notes.push(`line ${line}: key does not decode to a ${keyType} key, skipped`);
      return;
    }
    if (marker === 'cert-authority') notes.push(`line ${line}: @cert-authority ignored (host certificates are not supported)`);
    entries.push({ line, hosts, keyType, key, ...(marker ? { marker } : {}) });
  });
  return { entries, notes };
}

/** Reads and parses a known_hosts file; a missing file is an empty one (first contact). */
export async function readKnownHosts(file: string): Promise<ParsedKnownHosts> {
  try {
    return parseKnownHosts(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], notes: [] };
    throw error;
  }
}

/** The name OpenSSH records for a host: `host` on port 22, else `[host]:port`. */
export function formatKnownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** Hashes a host name like `ssh-keygen -H` / HashKnownHosts: `|1|base64(salt)|base64(HMAC-SHA1)`. */
export function hashKnownHostName(name: string, salt: Buffer = randomBytes(20)): string {
  const hash = createHmac('sha1', salt).update(name).digest('base64');
  return `|1|${salt.toString('base64')}|${hash}`;
}

/** Whether an entry's host field names this host (plain patterns, negations or a hashed name). */
export function matchesKnownHost(hosts: string, host: string, port: number): boolean {
  const name = formatKnownHostName(host.toLowerCase(), port);
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    if (salt === undefined || hash === undefined) return false;
    return hashKnownHostName(name, Buffer.from(salt, 'base64')) === hosts;
  }
  return matchPatternList(hosts.split(','), name);
}

/** All entries (any type, any marker) that apply to host:port, in file order. */
export function lookupHostKeys(entries: readonly KnownHostEntry[], host: string, port: number): KnownHostEntry[] {
  return entries.filter((entry) => matchesKnownHost(entry.hosts, host, port));
}

/** A parsed known_hosts ready for many lookups (one per host of a fleet). */
export interface KnownHostsIndex extends ParsedKnownHosts {
  /** Same answer as lookupHostKeys(entries, host, port), without scanning every line. */
  lookup(host: string, port: number): KnownHostEntry[];
}

/**
 * Indexes entries by name: a line whose patterns are all plain names (no `*`, `?`, `!`, not hashed)
 * matches exactly those names, so it is found in a map; the others (globs, negations, hashed names)
 * are still scanned. A fleet's known_hosts has a plain line per host, so looking up M hosts costs
 * O(M) instead of O(M²) pattern matches.
 */
export function indexKnownHosts(parsed: ParsedKnownHosts): KnownHostsIndex {
  const byName = new Map<string, KnownHostEntry[]>();
  const scanned: KnownHostEntry[] = [];
  for (const entry of parsed.entries) {
    const patterns = entry.hosts.split(',').filter((p) => p !== '');
    if (entry.hosts.startsWith('|1|') || patterns.some((p) => /[*?!]/.test(p))) {
      scanned.push(entry);
      continue;
    }
    for (const name of new Set(patterns.map((p) => p.toLowerCase()))) {
      const list = byName.get(name);
      if (list) list.push(entry);
      else byName.set(name, [entry]);
    }
  }
  const lookup = (host: string, port: number): KnownHostEntry[] => {
    const plain = byName.get(formatKnownHostName(host.toLowerCase(), port)) ?? [];
    const matched = scanned.filter((entry) => matchesKnownHost(entry.hosts, host, port));
    if (matched.length === 0) return [...plain];
    return [...plain, ...matched].sort((a, b) => a.line - b.line);
  };
  return { ...parsed, lookup };
}

// known_hosts is read once per file version, not once per connection: M connections re-reading and
// re-parsing an M-line file is O(M²). The version is (device, inode, size, mtime, ctime), checked
// with a stat per connection, so a line appended meanwhile (accept-new renames a new file into
// place) is seen by the next connection. Concurrent first readers share one read.
const indexCache = new Map<string, { version: string; index: Promise<KnownHostsIndex> }>();

/** readKnownHosts + indexKnownHosts, cached per file version (see above); a missing file is empty. */
export async function loadKnownHostsIndex(file: string): Promise<KnownHostsIndex> {
  const version = await stat(file).then(
    (s) => `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`,
    (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? 'missing' : `error:${error.code ?? ''}`),
  );
  const cached = indexCache.get(file);
  if (cached && cached.version === version) return cached.index;
  const index = readKnownHosts(file).then(indexKnownHosts);
  indexCache.set(file, { version, index });
  index.catch(() => {
    if (indexCache.get(file)?.index === index) indexCache.delete(file);
  });
  return index;
}

/** The algorithm name inside an SSH public key blob (`ssh-ed25519`, `ssh-rsa`, ...). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return '';
  const length = blob.readUInt32BE(0);
  return length > 0 && length + 4 <= blob.length ? blob.subarray(4, 4 + length).toString('latin1') : '';
}

/** OpenSSH-style fingerprint of a key blob: `SHA256:` + unpadded base64 of its SHA-256. */
export function fingerprintSha256(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

// Appends in one process are serialised per file so concurrent first contacts do not lose lines.
const appendQueues = new Map<string, Promise<void>>();

/**
 * Adds `host key` to a known_hosts file atomically (temp file + rename) keeping what is there,
 * creating the file 0600 and its directory 0700 when absent, so accept-new never leaves half a file.
 */
export async function appendKnownHost(file: string, host: string, port: number, key: Buffer, options: { hash?: boolean } = {}): Promise<void> {
  const name = formatKnownHostName(host, port);
  const line = `${options.hash ? hashKnownHostName(name) : name} ${keyTypeOf(key)} ${key.toString('base64')}\n`;
  const target = await realpath(file).catch(() => file);
  const previous = appendQueues.get(target) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => writeWithLine(target, line));
  appendQueues.set(target, next);
  try {
    await next;
  } finally {
    if (appendQueues.get(target) === next) appendQueues.delete(target);
  }
}

async function writeWithLine(file: string, line: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const mode = await stat(file).then((s) => s.mode & 0o777, () => 0o600);
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, existing + separator + line, { mode, flag: 'wx' });
    await chmod(temp, mode);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
