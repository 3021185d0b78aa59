// Secrets (passwords, passphrases) must never reach a log, a report or the terminal.

import type { HostSpec } from '../inventory/types.js';

export const SECRET_MASK = '****';

/** Environment as handed to the ssh layer: only ever read, never mutated. */
export type SecretEnv = Readonly<Record<string, string | undefined>>;

/**
 * Replaces every occurrence of every secret in `text` with `****`. Longest secrets go first so a
 * secret that contains another one is masked whole rather than leaving a tail visible.
 */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  const ordered = [...new Set(secrets)].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  let masked = text;
  for (const secret of ordered) masked = masked.split(secret).join(SECRET_MASK);
  return masked;
}

/**
 * The secret values a host's connection may use (key passphrase, login password, sudo password),
 * read from the environment variables the inventory names: what every log/report must mask.
 */
export function secretsOf(host: HostSpec, env: SecretEnv): string[] {
  const names = [host.identityPassphraseEnv, host.passwordEnv, host.becomePasswordEnv];
  const values: string[] = [];
  for (const name of names) {
    const value = name === undefined ? undefined : env[name];
    if (value !== undefined && value !== '' && !values.includes(value)) values.push(value);
  }
  return values;
}
