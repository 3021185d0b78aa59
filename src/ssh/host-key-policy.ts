// Host-key trust as a pure decision over data, so every policy rule is testable without a server.

import { fingerprintSha256, keyTypeOf, type KnownHostEntry } from './known-hosts.js';

export type HostKeyPolicy = 'strict' | 'accept-new' | 'off';
export const HOST_KEY_POLICIES: readonly HostKeyPolicy[] = ['strict', 'accept-new', 'off'];

export interface HostKeyQuestion {
  policy: HostKeyPolicy;
  /** Entries of known_hosts that apply to this host (see lookupHostKeys). */
  known: readonly KnownHostEntry[];
  /** Inventory pin, `SHA256:base64` (the `SHA256:` prefix and base64 padding are optional). */
  pinned?: string;
  /** The key blob the server offered. */
  offered: Buffer;
  /** How the host is named in messages, e.g. `[127.0.0.1]:2203`. */
  hostLabel?: string;
  /** The known_hosts file, named in messages. */
  knownHostsFile?: string;
}

/** Flat verdict: accept or not, whether to record the key, and what to tell the user. */
export interface HostKeyDecision {
  accept: boolean;
  /** accept-new on first contact: the key should be appended to known_hosts. */
  append?: boolean;
  /** Shown even though the key was accepted (policy off). */
  warning?: string;
  /** One-line reason for a rejection. */
  reason?: string;
}

/**
 * Decides whether to trust an offered host key. Order: @revoked always rejects; a pin wins over
 * known_hosts and over the policy; then known keys of the offered type must match; a mismatch is
 * rejected unless the policy is `off` (accepted with a warning every time); an unknown host is
 * rejected by strict, appended by accept-new, accepted with a warning by off.
 */
export function decideHostKey(question: HostKeyQuestion): HostKeyDecision {
  const { policy, known, pinned, offered } = question;
  const host = question.hostLabel ?? 'host';
  const file = question.knownHostsFile ?? 'known_hosts';
  const offeredFp = fingerprintSha256(offered);
  const revoked = known.find((e) => e.marker === 'revoked' && e.key.equals(offered));
  if (revoked) return reject(`host key ${offeredFp} for ${host} is marked @revoked in ${file} line ${revoked.line}`);
  if (pinned !== undefined) {
    if (normalizeFingerprint(pinned) === offeredFp) return { accept: true };
    return reject(`host key mismatch for ${host}: inventory pins ${normalizeFingerprint(pinned)}, server offered ${offeredFp}`);
  }
  const plain = known.filter((e) => e.marker === undefined);
  const offeredType = keyTypeOf(offered);
  const sameType = plain.filter((e) => e.keyType === offeredType);
  if (sameType.some((e) => e.key.equals(offered))) return { accept: true };
  const other = sameType[0] ?? plain[0];
  if (other !== undefined) {
    const mismatch =
      sameType.length > 0
        ? `host key mismatch for ${host}: ${file} line ${other.line} has ${fingerprintSha256(other.key)}, server offered ${offeredFp}`
        : `host key mismatch for ${host}: ${file} line ${other.line} has only ${other.keyType} ${fingerprintSha256(other.key)}, server offered ${offeredType} ${offeredFp}`;
    if (policy === 'off') return { accept: true, warning: `${mismatch} (accepted: --host-key-policy off)` };
    return reject(mismatch);
  }
  if (policy === 'strict') {
    return reject(`host key for ${host} (${offeredType} ${offeredFp}) is not in ${file}; use --host-key-policy accept-new or add it`);
  }
  if (policy === 'accept-new') return { accept: true, append: true };
  return { accept: true, warning: `host key for ${host} not verified (${offeredType} ${offeredFp}): --host-key-policy off` };
}

/** `SHA256:abc=` / `abc` → `SHA256:abc`, the form fingerprintSha256 produces. */
export function normalizeFingerprint(fingerprint: string): string {
  const bare = fingerprint.trim().replace(/^SHA256:/i, '').replace(/=+$/, '');
  return `SHA256:${bare}`;
}

// Key type in known_hosts → the host-key algorithms ssh2 can negotiate for it.
const ALGORITHMS_BY_KEY_TYPE: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
  'ssh-dss': ['ssh-dss'],
};

/**
 * Host-key algorithms to offer so the server presents a key type we already know (what OpenSSH
 * does): undefined when nothing usable is known, i.e. keep ssh2's defaults.
 */
export function hostKeyAlgorithmsFor(known: readonly KnownHostEntry[]): string[] | undefined {
  const algorithms: string[] = [];
  for (const entry of known) {
    if (entry.marker !== undefined) continue;
    for (const algorithm of ALGORITHMS_BY_KEY_TYPE[entry.keyType] ?? []) {
      if (!algorithms.includes(algorithm)) algorithms.push(algorithm);
    }
  }
  return algorithms.length > 0 ? algorithms : undefined;
}

function reject(reason: string): HostKeyDecision {
  return { accept: false, reason };
}
