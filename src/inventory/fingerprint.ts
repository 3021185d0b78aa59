// Pinned host keys, written the way `ssh-keygen -lf` and `ssh-keyscan | ssh-keygen -lf -` print them.

/** How the expected format reads in messages. */
export const FINGERPRINT_FORMAT = 'SHA256:<43 base64 characters> as printed by ssh-keygen -lf';

const SHA256_FINGERPRINT = /^SHA256:([A-Za-z0-9+/]{43})$/;

/**
 * Only SHA256 (OpenSSH's default since 6.8): MD5 fingerprints are collision-prone and one format
 * keeps the ssh side's comparison to a single string compare.
 */
export function isFingerprint(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = SHA256_FINGERPRINT.exec(value);
  return match !== null && Buffer.from(match[1], 'base64').length === 32;
}
