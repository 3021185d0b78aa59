// Connection settings, their defaults, and up-front validation naming the offending value.

import type { Duplex } from 'node:stream';
import { UsageError } from '../errors.js';
import type { HostSpec, JumpHostSpec } from '../inventory/types.js';
import type { PassphrasePrompt } from './auth.js';
import { HOST_KEY_POLICIES, type HostKeyPolicy } from './host-key-policy.js';
import type { SecretEnv } from './mask.js';

export interface ConnectOptions {
  /** TCP connect + SSH handshake + authentication must finish within this (ssh2 readyTimeout). Default 10 s. */
  connectTimeoutMs?: number;
  /** SSH keepalive interval; 0 disables. Default 15 s. */
  keepaliveIntervalMs?: number;
  /** Unanswered keepalives before the connection is declared lost. Default 3. */
  keepaliveCountMax?: number;
  /** Extra attempts after a connection-level failure (refused, reset, timeout). Default 2. */
  connectRetries?: number;
  /** First retry delay; doubles each attempt, with jitter. Default 500 ms. */
  retryDelayMs?: number;
  /** Ceiling of the retry delay. Default 8 s. */
  retryMaxDelayMs?: number;
  hostKeyPolicy: HostKeyPolicy;
  knownHostsFile: string;
  /** Where the secrets named by the host spec (and SSH_AUTH_SOCK) are read from. */
  env: SecretEnv;
  /** Shared bastion connections; without it a host with jumpHost gets a private one. */
  jumps?: JumpOpener;
  /** Non-fatal notices: host key checking off, known_hosts not writable, agent errors. */
  onWarning?: (message: string) => void;
  signal?: AbortSignal;
  /** Asked for a key passphrase when identityPassphraseEnv gives none. */
  promptPassphrase?: PassphrasePrompt;
  /** Wraps each handshake attempt (not the waits between retries): the fleet's cap on concurrent
   * handshakes, so a dead host never holds a slot while it backs off. */
  handshakeSlot?: <T>(attempt: () => Promise<T>) => Promise<T>;
  /** Concurrent exec channels per connection (sshd MaxSessions defaults to 10). Default 4. */
  maxChannels?: number;
  /** Per-stream output cap of one command. Default 16 MiB. */
  outputLimitBytes?: number;
}

/** How a target asks for a tunnel: its credentials to lend and the settings of its own connect. */
export interface JumpOpenRequest {
  credentials?: JumpCredentials;
  /** Used for the bastion when the pool was built without options (first user's settings win). */
  options?: ResolvedConnectOptions;
  signal?: AbortSignal;
}

/** Credentials a bastion borrows from the first host that goes through it (never its password). */
export type JumpCredentials = Pick<HostSpec, 'identityFile' | 'identityPassphraseEnv'>;

/** A tunnel to one target through a bastion; release() when the target's connection closes. */
export interface JumpLease {
  stream: Duplex;
  /** `via jump ops@bastion:22`, for messages. */
  via: string;
  release(): void;
}

/** What connectHost needs of a bastion pool (JumpPool, jump.ts): a tunnel to address:port. */
export interface JumpOpener {
  open(jump: JumpHostSpec, address: string, port: number, request?: JumpOpenRequest): Promise<JumpLease>;
}

/** ConnectOptions with every default filled in. */
export type ResolvedConnectOptions = Required<
  Pick<
    ConnectOptions,
    | 'connectTimeoutMs'
    | 'keepaliveIntervalMs'
    | 'keepaliveCountMax'
    | 'connectRetries'
    | 'retryDelayMs'
    | 'retryMaxDelayMs'
    | 'maxChannels'
    | 'outputLimitBytes'
  >
> &
  ConnectOptions;

export const CONNECT_DEFAULTS = {
  connectTimeoutMs: 10_000,
  keepaliveIntervalMs: 15_000,
  keepaliveCountMax: 3,
  connectRetries: 2,
  retryDelayMs: 500,
  retryMaxDelayMs: 8_000,
  maxChannels: 4,
  outputLimitBytes: 16 * 1024 * 1024,
} as const;

/** Fills defaults and rejects nonsense (negative timeouts, unknown policy) before any socket opens. */
export function resolveConnectOptions(options: ConnectOptions): ResolvedConnectOptions {
  const resolved = { ...CONNECT_DEFAULTS, ...stripUndefined(options) } as ResolvedConnectOptions;
  const checks: Array<[keyof typeof CONNECT_DEFAULTS, number]> = [
    ['connectTimeoutMs', 1],
    ['keepaliveIntervalMs', 0],
    ['keepaliveCountMax', 0],
    ['connectRetries', 0],
    ['retryDelayMs', 0],
    ['retryMaxDelayMs', 0],
    ['maxChannels', 1],
    ['outputLimitBytes', 1],
  ];
  for (const [name, min] of checks) {
    const value = resolved[name];
    if (!Number.isInteger(value) || value < min) {
      throw new UsageError(`${name} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
    }
  }
  if (!HOST_KEY_POLICIES.includes(resolved.hostKeyPolicy)) {
    throw new UsageError(`hostKeyPolicy must be one of ${HOST_KEY_POLICIES.join(', ')}, got ${JSON.stringify(resolved.hostKeyPolicy)}`);
  }
  if (typeof resolved.knownHostsFile !== 'string' || resolved.knownHostsFile === '') {
    throw new UsageError(`knownHostsFile must be a file path, got ${JSON.stringify(resolved.knownHostsFile)}`);
  }
  return resolved;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
