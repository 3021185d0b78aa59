// Builds the ConnectFn the engine uses from CLI options: the only bridge from src/cli to src/ssh.
import { homedir } from 'node:os';
import pLimit from 'p-limit';
import { join } from 'node:path';
import type { HostSpec } from '../inventory/types.js';
import type { ConnectFn } from '../run/run-host.js';
import { connectHost } from '../ssh/connect.js';
import { JumpPool } from '../ssh/jump.js';
import { maskSecrets, secretsOf } from '../ssh/mask.js';
import type { FleetCliOptions } from './options.js';
import { promptPassphrase } from './prompt.js';
import { unlockIdentityFiles } from './unlock-keys.js';

export interface Connector {
  connect: ConnectFn;
  /** Asks now for the passphrases of encrypted key files, if a human can answer (before any tree is drawn). */
  unlockKeys(signal: AbortSignal): Promise<void>;
  /** Masks every secret any selected host uses. */
  mask: (text: string) => string;
  close(): Promise<void>;
}

export function createConnector(hosts: readonly HostSpec[], options: FleetCliOptions, onWarning: (host: string, message: string) => void): Connector {
  const jumps = new JumpPool();
  const secrets = hosts.flatMap((host) => secretsOf(host, process.env));
  const knownHostsFile = options.knownHosts ?? join(homedir(), '.ssh', 'known_hosts');
  // SSH handshakes at once, per attempt (sshd's MaxStartups and client CPU are the limits, not host count).
  const handshakeSlot = pLimit(Math.max(1, options.handshakes));
  // Only where a human can answer: never in CI or with stdin redirected.
  const canPrompt = Boolean(process.stdin.isTTY) && !process.env.CI;
  const connect: ConnectFn = (host, signal) =>
    connectHost(host, {
      connectTimeoutMs: options.connectTimeout,
      keepaliveIntervalMs: 15_000,
      keepaliveCountMax: 4,
      connectRetries: 2,
      hostKeyPolicy: options.hostKeyPolicy,
      knownHostsFile,
      env: process.env,
      jumps,
      signal,
      onWarning: (message) => onWarning(host.name, message),
      handshakeSlot,
      promptPassphrase: canPrompt ? (file) => promptPassphrase(file, { signal }) : undefined,
    });
  return {
    connect,
    unlockKeys: async (signal) => {
      if (canPrompt) await unlockIdentityFiles(hosts, process.env, (file) => promptPassphrase(file, { signal }), signal);
    },
    mask: (text) => maskSecrets(text, secrets),
    close: () => jumps.closeAll(),
  };
}
