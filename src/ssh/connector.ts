// The ssh2 implementation of a fleet Connector: shared jump hosts, a cap on concurrent handshakes,
// passphrase prompts where a human can answer, and the masking of every secret the hosts use.
import pLimit from 'p-limit';
import type { HostSpec } from '../inventory/types.js';
import type { Connector } from '../transport/connector.js';
import type { ConnectFn } from '../transport/transport.js';
import { connectHost } from './connect.js';
import type { HostKeyPolicy } from './host-key-policy.js';
import { JumpPool } from './jump.js';
import { maskSecrets, secretsOf, type SecretEnv } from './mask.js';
import { unlockIdentityFiles } from './unlock-keys.js';

export interface SshConnectorSettings {
  connectTimeoutMs: number;
  hostKeyPolicy: HostKeyPolicy;
  knownHostsFile: string;
  /** SSH handshakes at once, per attempt (sshd's MaxStartups and client CPU are the limits, not host count). */
  handshakes: number;
  env: SecretEnv;
  /** Asks a human for a key's passphrase; absent where nobody can answer (CI, redirected stdin). */
  promptPassphrase?: (identityFile: string, signal: AbortSignal) => Promise<string | undefined>;
  onWarning: (host: string, message: string) => void;
}

export function createSshConnector(hosts: readonly HostSpec[], settings: SshConnectorSettings): Connector {
  const jumps = new JumpPool();
  const secrets = hosts.flatMap((host) => secretsOf(host, settings.env));
  const handshakeSlot = pLimit(Math.max(1, settings.handshakes));
  const prompt = settings.promptPassphrase;
  const connect: ConnectFn = (host, signal) =>
    connectHost(host, {
      connectTimeoutMs: settings.connectTimeoutMs,
      keepaliveIntervalMs: 15_000,
      keepaliveCountMax: 4,
      connectRetries: 2,
      hostKeyPolicy: settings.hostKeyPolicy,
      knownHostsFile: settings.knownHostsFile,
      env: settings.env,
      jumps,
      signal,
      onWarning: (message) => settings.onWarning(host.name, message),
      handshakeSlot,
      promptPassphrase: prompt ? (file) => prompt(file, signal) : undefined,
    });
  return {
    connect,
    unlockKeys: async (signal) => {
      if (prompt) await unlockIdentityFiles(hosts, settings.env, (file) => prompt(file, signal), signal);
    },
    mask: (text) => maskSecrets(text, secrets),
    close: () => jumps.closeAll(),
  };
}
