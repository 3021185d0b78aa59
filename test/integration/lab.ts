// Helpers for integration tests against the lab (scripts/lab): where it is, what it holds, and how
// to inspect, reseed and enter its nodes. The test lab has its own state dir and ports, so a
// developer's demo lab (.lab, ports 2201…) and the tests never collide.

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const LAB_SCRIPT = join(REPO_ROOT, 'scripts/lab');
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The test lab's state dir: NODESCRUB_TEST_LAB_DIR, default <repo>/.lab-test. */
export function labDir(): string {
  return resolve(process.env.NODESCRUB_TEST_LAB_DIR ?? join(REPO_ROOT, '.lab-test'));
}

/** The test lab's port base (node i listens on base+i): NODESCRUB_TEST_LAB_PORT_BASE, default 2300. */
export function labPortBase(): number {
  return Number(process.env.NODESCRUB_TEST_LAB_PORT_BASE ?? 2300);
}

export interface LabRunResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export interface LabRunOptions {
  /** Another lab (state dir and port base) than the test lab. */
  dir?: string;
  portBase?: number;
  stdin?: string | Buffer;
  timeoutMs?: number;
}

/** Runs `scripts/lab ARGS…` for the test lab (or the one named in options); never throws. */
export function labRun(args: string[], options: LabRunOptions = {}): LabRunResult {
  const result: SpawnSyncReturns<string> = spawnSync('bash', [LAB_SCRIPT, ...args], {
    encoding: 'utf8',
    input: options.stdin,
    timeout: options.timeoutMs ?? 300_000,
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...process.env,
      PATH: `${SYSTEM_PATH}:${process.env.PATH ?? ''}`,
      NODESCRUB_LAB_DIR: options.dir ?? labDir(),
      NODESCRUB_LAB_PORT_BASE: String(options.portBase ?? labPortBase()),
    },
  });
  if (result.error) throw result.error;
  return { exitCode: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Like labRun, but a non-zero exit is an error carrying the lab's stderr. */
export function labRunOk(args: string[], options: LabRunOptions = {}): LabRunResult {
  const result = labRun(args, options);
  if (result.exitCode !== 0) {
    throw new Error(`scripts/lab ${args.join(' ')} exited ${result.exitCode}:\n${result.stderr.trim()}`);
  }
  return result;
}

export interface LabNode {
  name: string;
  /** rke2 / k3s / kubeadm: the containerd node kinds (scripts/lab up --kinds, up-kind; see lab-containerd.ts). */
  kind: 'healthy' | 'fault' | 'rke2' | 'k3s' | 'kubeadm';
  fault: 'docker-down' | 'unreachable' | 'badkey' | 'hang' | 'sudo-nopass' | null;
  /** The per-host status nodescrub should report for this node. */
  expectedStatus: 'ok' | 'step-failed' | 'unreachable' | 'host-key-rejected' | 'timed-out' | 'auth-failed';
  description: string;
  address: string;
  port: number;
  user: string;
  become: boolean;
  becomePasswordEnv: string | null;
  /** false for `unreachable`: an inventory entry with no machine behind it. */
  real: boolean;
  netns: string | null;
  eth0: string | null;
  dockerd: boolean;
}

export interface LabInfo {
  labId: string;
  labDir: string;
  netnsPrefix: string;
  hubNetns: string;
  portBase: number;
  inventory: string;
  knownHosts: string;
  identityFile: string;
  env: string;
  sudoPasswordEnv: string;
  wrongPasswordEnv: string;
  patterns: {
    interfaces: string;
    iptablesChains: string;
    directories: string[];
    mounts: string;
    iptablesRules: string;
  };
  decoys: {
    interfaces: string[];
    iptablesChains: Array<{ table: string; chain: string }>;
    keeperChain: { table: string; chain: string; jumpedFrom: string; rule: string };
  };
  policies: Record<string, Record<string, string>>;
  nodes: LabNode[];
}

/** nodes.json of the test lab (or of `dir`). */
export function labInfo(dir = labDir()): LabInfo {
  return JSON.parse(readFileSync(join(dir, 'nodes.json'), 'utf8')) as LabInfo;
}

/** Every node of the lab (healthy and fault), as described in nodes.json. */
export function labNodes(dir = labDir()): LabNode[] {
  return labInfo(dir).nodes;
}

export function labNode(name: string, dir = labDir()): LabNode {
  const node = labNodes(dir).find((n) => n.name === name);
  if (!node) throw new Error(`no node ${name} in the lab at ${dir}`);
  return node;
}

export const LEFTOVER_KEYS = [
  'containers',
  'volumes',
  'images',
  'mounts',
  'directories',
  'interfaces',
  'iptables_chains',
  'iptables_rules',
] as const;
export type LeftoverKey = (typeof LEFTOVER_KEYS)[number];

export const KEEPER_KEYS = [
  'eth0',
  'my_firewall',
  'policies',
  'mydata',
  'hostname',
  'users',
  'sudoers',
  'sshd_config',
  'var_lib_docker',
  'decoy_interfaces',
  'decoy_chains',
] as const;
export type KeeperKey = (typeof KEEPER_KEYS)[number];

/** One line of `scripts/lab status`. Counts are null where they cannot be known (dockerd down). */
export interface LabStatus {
  node: string;
  reachable: boolean;
  leftovers: Record<LeftoverKey, number | null> | null;
  keepers: Record<KeeperKey, boolean> | null;
  dockerd: boolean | null;
  /** Every leftover count is 0, images excepted (kept unless nodescrub runs with --remove-images). */
  clean: boolean;
  intact: boolean;
  expectedStatus: string;
}

/** `scripts/lab status` for the given nodes or groups (default: the healthy and containerd nodes);
 * T is the line's shape (LabStatus for RKE1 nodes, ContainerdLabStatus for the containerd kinds). */
export function labStatus<T = LabStatus>(nodes: string[] = [], options: LabRunOptions = {}): T[] {
  const result = labRun(['status', ...nodes], options);
  if (result.exitCode !== 0 && result.exitCode !== 1) {
    throw new Error(`scripts/lab status exited ${result.exitCode}:\n${result.stderr.trim()}`);
  }
  return result.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/**
 * Gives the given nodes or groups (default: every node with a machine behind it) a fresh seed: wipes
 * and reseeds each, except those untouched since their last seed (`seed --unless-pristine`: no login,
 * no lab exec), which are already exactly that. A test that needs new random names calls `seed` itself.
 */
export function labSeed(nodes: string[] = [], options: LabRunOptions = {}): void {
  labRunOk(['seed', '--unless-pristine', ...nodes], options);
}

/** What the last seed put on a node (names of containers, mounts, interfaces, chains…). */
export interface LabSeedReport {
  node: string;
  containers: string[];
  volumes: string[];
  images: string[];
  mounts: string[];
  interfaces: string[];
  caliWorkloads: string[];
  kubeServices: string[];
  kubeEndpoints: string[];
  namespaces: string[];
  mydataSha256: string;
}

export function labSeedReport(node: string, dir = labDir()): LabSeedReport {
  return JSON.parse(readFileSync(join(dir, 'nodes', node, 'seed.json'), 'utf8')) as LabSeedReport;
}

/** Runs a command as root inside a node (a string goes through `sh -c`); never throws on exit≠0. */
export function labExec(node: string, command: string | string[], options: LabRunOptions = {}): LabRunResult {
  const argv = typeof command === 'string' ? ['sh', '-c', command] : command;
  return labRun(['exec', node, '--', ...argv], options);
}

export function labInventoryPath(dir = labDir()): string {
  return join(dir, 'inventory.yaml');
}

/** Path of the lab's known_hosts (pass it to nodescrub as --known-hosts). */
export function labKnownHosts(dir = labDir()): string {
  return join(dir, 'known_hosts');
}

export function labIdentityFile(dir = labDir()): string {
  return join(dir, 'id_ed25519');
}

/** lab.env as a map (NODESCRUB_LAB_SUDO_PASSWORD, NODESCRUB_LAB_WRONG_PASSWORD, paths…). */
export function labEnv(dir = labDir()): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(join(dir, 'lab.env'), 'utf8').split('\n')) {
    const match = /^export ([A-Z0-9_]+)='([^']*)'$/.exec(line.trim());
    if (match) env[match[1]] = match[2];
  }
  return env;
}

export function labIsUp(dir = labDir()): boolean {
  return existsSync(join(dir, 'lab.conf'));
}

/** Real OpenSSH to a lab node, with the lab's key and known_hosts (strict); never throws on exit≠0. */
export function labSsh(
  node: string,
  command: string,
  options: { user?: string; stdin?: string | Buffer; timeoutMs?: number; dir?: string } = {},
): LabRunResult & { timedOut: boolean } {
  const dir = options.dir ?? labDir();
  const spec = labNode(node, dir);
  const result = spawnSync(
    'ssh',
    [
      '-i', labIdentityFile(dir),
      '-o', `UserKnownHostsFile=${labKnownHosts(dir)}`,
      '-o', 'StrictHostKeyChecking=yes',
      '-o', 'GlobalKnownHostsFile=/dev/null',
      '-o', 'IdentitiesOnly=yes',
      '-o', 'BatchMode=yes',
      '-o', 'ConnectTimeout=5',
      '-o', 'LogLevel=ERROR',
      '-F', '/dev/null',
      '-p', String(spec.port),
      `${options.user ?? spec.user}@${spec.address}`,
      command,
    ],
    { encoding: 'utf8', input: options.stdin ?? '', timeout: options.timeoutMs ?? 60_000, killSignal: 'SIGKILL' },
  );
  const timedOut = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  if (result.error && !timedOut) throw result.error;
  return { exitCode: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '', timedOut };
}

/**
 * What the lab promises never to change in the root namespace (`scripts/lab root-state`): interfaces,
 * addresses, routes, iptables and ip6tables (counters and timestamps stripped), the mount table, the
 * network namespaces — one entry per section. Namespaces of other labs than the one in `options`
 * (the test lab by default) are left out: labs of other state dirs may come and go meanwhile.
 */
export function rootNamespaceSnapshot(options: LabRunOptions = {}): Record<string, string> {
  const result = labRunOk(['root-state'], options);
  const sections: Record<string, string> = {};
  let current = '';
  for (const line of result.stdout.split('\n')) {
    const header = /^## (\S+)$/.exec(line);
    if (header) current = header[1];
    else if (current) sections[current] = `${sections[current] ?? ''}${line}\n`;
  }
  return sections;
}
