// One attempt to bring up an authenticated ssh2 Client, with every failure classified.

import type { Duplex } from 'node:stream';
import type { HostSpec } from '../inventory/types.js';
import { makeAuthHandler, type AuthPlan } from './auth.js';
import { classifySshError, toHostError, type ConnectPhase } from './classify.js';
import type { ResolvedConnectOptions } from './connect-options.js';
import { HostError } from '../errors.js';
import { prepareHostVerification } from './host-verifier.js';
import { Client, type ConnectConfig, type SshClient } from './ssh2.js';

/** Who to log in as where, and which credentials/pin apply. */
export type ClientTarget = Pick<
  HostSpec,
  'address' | 'port' | 'user' | 'identityFile' | 'identityPassphraseEnv' | 'passwordEnv' | 'hostKeyFingerprint'
>;

export interface OpenClientInput {
  target: ClientTarget;
  options: ResolvedConnectOptions;
  auth: AuthPlan;
  /** An already-open stream to the target (a bastion's forwardOut channel) instead of TCP. */
  sock?: Duplex;
  /** `via jump ops@bastion:22`, prefixed to socket-level reasons. */
  via?: string;
}

// curve25519 first: a few ms per handshake where OpenSSH's default sntrup761 costs ~70 ms.
const KEX_ORDER = [
  'curve25519-sha256',
  'curve25519-sha256@libssh.org',
  'ecdh-sha2-nistp256',
  'ecdh-sha2-nistp384',
  'ecdh-sha2-nistp521',
  'diffie-hellman-group-exchange-sha256',
  'diffie-hellman-group14-sha256',
  'diffie-hellman-group16-sha512',
];

/**
 * Connects, verifies the host key under the policy, authenticates in plan order and resolves with
 * a ready Client. Rejects with a ConnectFailure (kind + one-line reason + retryable) or `aborted`.
 */
export async function openSshClient(input: OpenClientInput): Promise<SshClient> {
  const { target, options, auth } = input;
  const endpoint = `${target.address}:${target.port}`;
  const verification = await prepareHostVerification({
    policy: options.hostKeyPolicy,
    knownHostsFile: options.knownHostsFile,
    address: target.address,
    port: target.port,
    ...(target.hostKeyFingerprint ? { pinned: target.hostKeyFingerprint } : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
  const tried: string[] = [];
  const config: ConnectConfig = {
    host: target.address,
    port: target.port,
    username: target.user,
    readyTimeout: options.connectTimeoutMs,
    keepaliveInterval: options.keepaliveIntervalMs,
    keepaliveCountMax: options.keepaliveCountMax,
    hostVerifier: verification.hostVerifier,
    authHandler: makeAuthHandler(auth, tried),
    algorithms: { kex: KEX_ORDER, ...(verification.serverHostKey ? { serverHostKey: verification.serverHostKey } : {}) } as ConnectConfig['algorithms'],
    ...(input.sock ? { sock: input.sock } : {}),
  };
  const client = new Client();
  return new Promise<SshClient>((resolve, reject) => {
    let phase: ConnectPhase = input.sock ? 'handshake' : 'connect';
    let settled = false;
    const settle = (error?: Error): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      client.removeListener('close', onClose);
      if (error === undefined) return resolve(client);
      client.destroy();
      reject(error);
    };
    const fail = (error: unknown): void => {
      const failure = classifySshError(error, {
        target: `${target.user}@${endpoint}`,
        endpoint,
        phase,
        timeoutMs: options.connectTimeoutMs,
        triedAuth: tried,
        authNotes: auth.notes,
        ...(verification.rejection() ? { hostKeyRejection: verification.rejection() } : {}),
        ...(verification.serverHostKey ? { hostKeyAlgorithms: verification.serverHostKey } : {}),
        ...(input.via ? { via: input.via } : {}),
      });
      settle(toHostError(failure, error));
    };
    const onAbort = (): void => settle(new HostError('aborted', 'aborted while connecting'));
    const onClose = (): void => fail(new Error(`connection closed by the server during ${phase}`));
    client.on('connect', () => (phase = 'handshake'));
    client.on('handshake', () => (phase = 'authentication'));
    client.on('ready', () => {
      phase = 'session';
      settle();
    });
    client.on('error', (error: Error & { level?: string }) => {
      if (error.level === 'agent') return options.onWarning?.(`ssh-agent: ${error.message}`);
      if (!settled) fail(error);
    });
    client.on('close', onClose);
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      client.connect(config);
    } catch (error) {
      fail(error);
    }
  });
}
