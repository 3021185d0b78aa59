// `nodescrub hosts`: each selected host's effective settings, as a table or JSON. Names of secret
// env vars are shown (so a missing one can be found); their values never are: HostSpec has none.
import { isIP } from 'node:net';
import { homedir } from 'node:os';
import type { HostSpec, JumpHostSpec } from './types.js';

const COLUMNS = ['NAME', 'ADDRESS', 'USER', 'BECOME', 'GROUPS', 'AUTH', 'JUMP', 'PINNED KEY'] as const;

/** Rendering choices; homeDir is shown as `~` in key paths (default: os.homedir()). */
export interface DescribeOptions {
  homeDir?: string;
}

/** A plain-text table, one host per line, columns padded; the last line counts the hosts. */
export function describeHosts(hosts: readonly HostSpec[], options: DescribeOptions = {}): string {
  if (hosts.length === 0) return 'no hosts';
  const rows = [[...COLUMNS], ...hosts.map((host) => describeRow(host, options.homeDir ?? homedir()))];
  const widths = COLUMNS.map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const lines = rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd());
  return [...lines, '', `${hosts.length} ${hosts.length === 1 ? 'host' : 'hosts'}`].join('\n');
}

function describeRow(host: HostSpec, homeDir: string): string[] {
  return [
    host.name,
    formatEndpoint(host.address, host.port),
    host.user,
    host.become ? (host.becomePasswordEnv === undefined ? 'yes' : `yes ($${host.becomePasswordEnv})`) : 'no',
    host.groups.length === 0 ? '-' : host.groups.join(','),
    describeAuth(host, homeDir),
    host.jumpHost === undefined ? '-' : formatJumpHost(host.jumpHost),
    host.hostKeyFingerprint === undefined ? 'no' : 'yes',
  ];
}

/** How the host logs in, by file path and env var *name*: `key ~/.ssh/id_ed25519, password $VAR`. */
export function describeAuth(
  host: Pick<HostSpec, 'identityFile' | 'identityPassphraseEnv' | 'passwordEnv'>,
  homeDir: string = homedir(),
): string {
  const parts: string[] = [];
  if (host.identityFile !== undefined) {
    const passphrase = host.identityPassphraseEnv === undefined ? '' : ` (passphrase $${host.identityPassphraseEnv})`;
    parts.push(`key ${shortenHome(host.identityFile, homeDir)}${passphrase}`);
  }
  if (host.passwordEnv !== undefined) parts.push(`password $${host.passwordEnv}`);
  return parts.length === 0 ? 'agent' : parts.join(', ');
}

/** Machine-readable form of the same facts: every field present, `null` when unset. */
export interface HostJson {
  name: string;
  address: string;
  port: number;
  user: string;
  become: boolean;
  becomePasswordEnv: string | null;
  groups: string[];
  identityFile: string | null;
  identityPassphraseEnv: string | null;
  passwordEnv: string | null;
  jumpHost: JumpHostSpec | null;
  hostKeyFingerprint: string | null;
  rebootCommand: string;
  bootIdCommand: string;
}

/** Objects for `JSON.stringify` (`hosts --json`): a stable schema, so scripts need no `in` checks. */
export function hostsToJson(hosts: readonly HostSpec[]): HostJson[] {
  return hosts.map((host) => ({
    name: host.name,
    address: host.address,
    port: host.port,
    user: host.user,
    become: host.become,
    becomePasswordEnv: host.becomePasswordEnv ?? null,
    groups: [...host.groups],
    identityFile: host.identityFile ?? null,
    identityPassphraseEnv: host.identityPassphraseEnv ?? null,
    passwordEnv: host.passwordEnv ?? null,
    jumpHost: host.jumpHost === undefined ? null : { ...host.jumpHost },
    hostKeyFingerprint: host.hostKeyFingerprint ?? null,
    rebootCommand: host.rebootCommand,
    bootIdCommand: host.bootIdCommand,
  }));
}

function formatEndpoint(address: string, port: number): string {
  return isIP(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}

function formatJumpHost(jump: JumpHostSpec): string {
  return `${jump.user}@${formatEndpoint(jump.address, jump.port)}`;
}

// `/home/me/.ssh/id` → `~/.ssh/id`: shorter, and the same on every operator's machine.
function shortenHome(path: string, home: string): string {
  return path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}
