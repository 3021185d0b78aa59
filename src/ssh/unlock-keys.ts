// Asks for the passphrase of every encrypted key file before the live tree is drawn: a question
// asked under a tree that redraws stderr ten times a second cannot be seen nor answered.
import type { HostSpec } from '../inventory/types.js';
import { planAuthMethods, type PassphrasePrompt } from './auth.js';
import type { SecretEnv } from './mask.js';

/**
 * Loads each distinct key file (and passphrase variable) once, prompting where needed, one file at
 * a time. The SSH layer keeps what it loaded, so connecting later asks nothing again; should it ask
 * anyway (a key file changed meanwhile), the same prompt is used there.
 */
export async function unlockIdentityFiles(hosts: readonly HostSpec[], env: SecretEnv, prompt: PassphrasePrompt, signal: AbortSignal): Promise<void> {
  const seen = new Set<string>();
  for (const host of hosts) {
    if (signal.aborted) return;
    if (host.identityFile === undefined) continue;
    const source = `${host.identityFile}\0${host.identityPassphraseEnv ?? ''}`;
    if (seen.has(source)) continue;
    seen.add(source);
    await planAuthMethods(host, env, prompt);
  }
}
