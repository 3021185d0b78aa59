// The one place that chooses the transport for a fleet (today ssh2; a local or test transport would
// be picked here too) and maps CLI options onto its settings.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { HostSpec } from '../inventory/types.js';
import { createSshConnector } from '../ssh/connector.js';
import type { Connector } from '../transport/connector.js';
import type { FleetCliOptions } from './options.js';
import { promptPassphrase } from './prompt.js';

/** The known_hosts file a fleet pass reads: --known-hosts, else OpenSSH's own. */
export function knownHostsFile(options: Pick<FleetCliOptions, 'knownHosts'>): string {
  return options.knownHosts ?? join(homedir(), '.ssh', 'known_hosts');
}

export function createConnector(hosts: readonly HostSpec[], options: FleetCliOptions, onWarning: (host: string, message: string) => void): Connector {
  // Only where a human can answer: never in CI or with stdin redirected.
  const canPrompt = Boolean(process.stdin.isTTY) && !process.env.CI;
  return createSshConnector(hosts, {
    connectTimeoutMs: options.connectTimeout,
    hostKeyPolicy: options.hostKeyPolicy,
    knownHostsFile: knownHostsFile(options),
    handshakes: options.handshakes,
    env: process.env,
    onWarning,
    ...(canPrompt ? { promptPassphrase: (file: string, signal: AbortSignal) => promptPassphrase(file, { signal }) } : {}),
  });
}
