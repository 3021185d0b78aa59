// Which credentials to offer, in which order, and a record of what was actually tried.

import { readFile, stat } from 'node:fs/promises';
import type { HostSpec } from '../inventory/types.js';
import type { SecretEnv } from './mask.js';
import { utils, type AnyAuthMethod, type AuthenticationType, type ParsedKey } from './ssh2.js';

/** Asks for a key passphrase when no env var provides one (a CLI prompt); undefined = skip the key. */
export type PassphrasePrompt = (identityFile: string) => Promise<string | undefined>;

/** The credentials to offer, and why any configured one had to be left out. */
export interface AuthPlan {
  methods: AnyAuthMethod[];
  notes: string[];
}

type AuthSource = Pick<HostSpec, 'user' | 'identityFile' | 'identityPassphraseEnv' | 'passwordEnv'>;

/**
 * Builds the credential list in the order key file → ssh-agent → password. A key that cannot be
 * read or decrypted is left out with a note, so the failure message says why instead of just
 * "publickey failed".
 */
export async function planAuthMethods(host: AuthSource, env: SecretEnv, prompt?: PassphrasePrompt): Promise<AuthPlan> {
  const methods: AnyAuthMethod[] = [];
  const notes: string[] = [];
  const username = host.user;
  if (host.identityFile !== undefined) {
    const key = await loadPrivateKey(host, env, prompt);
    if ('note' in key) notes.push(key.note);
    else methods.push({ type: 'publickey', username, key: key.parsed });
  }
  const agent = env.SSH_AUTH_SOCK;
  if (agent !== undefined && agent !== '') methods.push({ type: 'agent', username, agent });
  if (host.passwordEnv !== undefined) {
    const password = env[host.passwordEnv];
    if (password === undefined) notes.push(`password variable $${host.passwordEnv} is not set`);
    else methods.push({ type: 'password', username, password });
  }
  return { methods, notes };
}

/**
 * An ssh2 authHandler that offers the planned methods in order, skips those the server does not
 * allow, and records each attempt in `tried` for the failure message.
 */
export function makeAuthHandler(plan: AuthPlan, tried: string[]) {
  const queue = [...plan.methods];
  return (allowed: AuthenticationType[] | null): AnyAuthMethod | false => {
    for (let method = queue.shift(); method !== undefined; method = queue.shift()) {
      const wireType = method.type === 'agent' ? 'publickey' : method.type;
      if (allowed !== null && !allowed.includes(wireType)) continue;
      tried.push(method.type);
      return method;
    }
    return false;
  };
}

type LoadedKey = { parsed: ParsedKey } | { note: string };

// Decrypting a key (bcrypt-pbkdf in JS) costs up to a second of CPU and a prompt must be answered
// once, not once per host: keys are loaded once per file version and passphrase source.
const loadedKeys = new Map<string, Promise<LoadedKey>>();

async function loadPrivateKey(host: AuthSource, env: SecretEnv, prompt?: PassphrasePrompt): Promise<LoadedKey> {
  const file = host.identityFile!;
  const version = await stat(file).then((s) => `${s.mtimeMs}:${s.size}`, () => 'missing');
  const varName = host.identityPassphraseEnv;
  const cacheKey = [file, version, varName ?? '', varName === undefined ? '' : (env[varName] ?? '\0unset')].join('\0');
  let loaded = loadedKeys.get(cacheKey);
  if (loaded === undefined) {
    loaded = readPrivateKey(host, env, prompt);
    loadedKeys.set(cacheKey, loaded);
  }
  return loaded;
}

async function readPrivateKey(host: AuthSource, env: SecretEnv, prompt?: PassphrasePrompt): Promise<LoadedKey> {
  const file = host.identityFile!;
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (error) {
    return { note: `identity file ${file} is not readable (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
  const plain = parseFirstKey(data);
  if (!(plain instanceof Error)) return { parsed: plain };
  if (!/passphrase|encrypted/i.test(plain.message)) return { note: `identity file ${file} is not a usable private key (${plain.message})` };
  const varName = host.identityPassphraseEnv;
  let passphrase = varName === undefined ? undefined : env[varName];
  if (passphrase === undefined && prompt !== undefined) passphrase = await prompt(file);
  if (passphrase === undefined) {
    const hint = varName === undefined ? 'set identityPassphraseEnv' : `$${varName} is not set`;
    return { note: `identity file ${file} is encrypted and no passphrase was given (${hint})` };
  }
  const decrypted = parseFirstKey(data, passphrase);
  if (decrypted instanceof Error) {
    const from = varName !== undefined && env[varName] !== undefined ? ` from $${varName}` : '';
    return { note: `cannot decrypt identity file ${file} with the passphrase${from}` };
  }
  return { parsed: decrypted };
}

function parseFirstKey(data: Buffer, passphrase?: string): ParsedKey | Error {
  const parsed = utils.parseKey(data, passphrase);
  if (parsed instanceof Error) return parsed;
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key === undefined || !key.isPrivateKey()) return new Error('no private key in file');
  return key;
}
