// Wires the pure host-key decision into ssh2's hostVerifier, which otherwise trusts every key.

import { decideHostKey, hostKeyAlgorithmsFor, type HostKeyPolicy } from './host-key-policy.js';
import { appendKnownHost, formatKnownHostName, loadKnownHostsIndex } from './known-hosts.js';

export interface HostVerificationSettings {
  policy: HostKeyPolicy;
  knownHostsFile: string;
  /** The name the host is recorded under in known_hosts: its address as given, like OpenSSH. */
  address: string;
  port: number;
  pinned?: string;
  onWarning?: (message: string) => void;
}

/** What connect() hands to ssh2, plus our verdict for the error classifier. */
export interface HostVerification {
  hostVerifier: (key: Buffer, verify: (accept: boolean) => void) => void;
  /** Host-key algorithms to offer (restricted to the types known for the host), or ssh2's defaults. */
  serverHostKey?: string[];
  /** The one-line reason once we refused the offered key. */
  rejection(): string | undefined;
}

// Parse notes are reported once per file, not once per host.
const warnedFiles = new Set<string>();

/**
 * Looks the host up in known_hosts (re-read when the file changed, see loadKnownHostsIndex) and builds the verifier: it decides with
 * decideHostKey, appends under accept-new (a failed append is a warning, the key stays accepted),
 * and remembers why it refused so the error says "host key mismatch" instead of "handshake failed".
 */
export async function prepareHostVerification(settings: HostVerificationSettings): Promise<HostVerification> {
  const { policy, knownHostsFile, address, port, pinned, onWarning } = settings;
  const parsed = await loadKnownHostsIndex(knownHostsFile);
  if (parsed.notes.length > 0 && !warnedFiles.has(knownHostsFile)) {
    warnedFiles.add(knownHostsFile);
    onWarning?.(`${knownHostsFile}: ${parsed.notes.join('; ')}`);
  }
  const known = parsed.lookup(address, port);
  const hostLabel = formatKnownHostName(address, port);
  let rejection: string | undefined;
  const hostVerifier = (key: Buffer, verify: (accept: boolean) => void): void => {
    const decision = decideHostKey({ policy, known, offered: key, hostLabel, knownHostsFile, ...(pinned ? { pinned } : {}) });
    if (decision.warning !== undefined) onWarning?.(decision.warning);
    if (!decision.accept) {
      rejection = decision.reason;
      verify(false);
      return;
    }
    if (!decision.append) return verify(true);
    appendKnownHost(knownHostsFile, address, port, key).then(
      () => verify(true),
      (error: Error) => {
        onWarning?.(`could not record the host key of ${hostLabel} in ${knownHostsFile}: ${error.message}`);
        verify(true);
      },
    );
  };
  const serverHostKey = pinned === undefined ? hostKeyAlgorithmsFor(known) : undefined;
  return { hostVerifier, rejection: () => rejection, ...(serverHostKey ? { serverHostKey } : {}) };
}
