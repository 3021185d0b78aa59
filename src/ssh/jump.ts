// Bastions: one SSH connection per jump host, carrying a forwardOut channel for every host behind it.

import type { Duplex } from 'node:stream';
import type { JumpHostSpec } from '../inventory/types.js';
import { planAuthMethods } from './auth.js';
import { classifySshError, ConnectFailure, toHostError } from './classify.js';
import { resolveConnectOptions, type ConnectOptions, type JumpCredentials, type JumpLease, type JumpOpener, type JumpOpenRequest, type ResolvedConnectOptions } from './connect-options.js';
import { retryConnect } from './connect-retry.js';
import { openSshClient, type ClientTarget } from './open-client.js';
import type { SshClient } from './ssh2.js';

/** Connection settings for bastions: those of connectHost, minus the per-call ones. */
export type JumpPoolOptions = Omit<ConnectOptions, 'jumps' | 'signal'>;

interface Bastion {
  client: Promise<SshClient>;
  users: number;
}

/**
 * Shares bastion connections between targets. The bastion's host key goes through the same policy
 * and known_hosts as any host. Counts its users; connections stay up until close() (a target closing
 * must not cut the others), and a bastion that drops is reconnected on next use.
 */
export class JumpPool implements JumpOpener {
  #options: ResolvedConnectOptions | undefined;
  #bastions = new Map<string, Bastion>();
  #closed = false;

  /** Without options, each bastion is connected with the settings of the first host that uses it. */
  constructor(options?: JumpPoolOptions) {
    this.#options = options ? resolveConnectOptions(options) : undefined;
  }

  /** How many targets currently use each bastion, keyed `user@address:port`. */
  usage(): Record<string, number> {
    return Object.fromEntries([...this.#bastions].map(([key, b]) => [key, b.users]));
  }

  /** Opens a channel to address:port through `jump`, connecting to the bastion on first use. */
  async open(jump: JumpHostSpec, address: string, port: number, request: JumpOpenRequest = {}): Promise<JumpLease> {
    if (this.#closed) throw new ConnectFailure({ kind: 'unreachable', reason: 'jump pool is closed', retryable: false });
    const key = `${jump.user}@${jump.address}:${jump.port}`;
    const via = `via jump ${key}`;
    const options = this.#options ?? request.options;
    if (options === undefined) throw new TypeError('JumpPool.open needs connect options when the pool was built without them');
    const bastion = this.#bastionFor(key, jump, request.credentials ?? {}, { ...options, ...(request.signal ? { signal: request.signal } : {}) });
    bastion.users++;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      bastion.users--;
    };
    try {
      const client = await bastion.client;
      const stream = await forwardTo(client, address, port, via);
      return { stream, via, release };
    } catch (error) {
      release();
      throw error;
    }
  }

  /** Same as close(). */
  closeAll(): Promise<void> {
    return this.close();
  }

  /** Ends every bastion connection; the pool cannot be used afterwards. */
  async close(): Promise<void> {
    this.#closed = true;
    const bastions = [...this.#bastions.values()];
    this.#bastions.clear();
    await Promise.all(bastions.map((b) => b.client.then((client) => endClient(client), () => undefined)));
  }

  #bastionFor(key: string, jump: JumpHostSpec, credentials: JumpCredentials, options: ResolvedConnectOptions): Bastion {
    const existing = this.#bastions.get(key);
    if (existing) return existing;
    const target: ClientTarget = { address: jump.address, port: jump.port, user: jump.user, ...pickCredentials(credentials) };
    const { signal } = options;
    const client = (async () => {
      const auth = await planAuthMethods(target, options.env, options.promptPassphrase);
      return retryConnect(() => openSshClient({ target, options, auth }), {
        retries: options.connectRetries,
        baseDelayMs: options.retryDelayMs,
        maxDelayMs: options.retryMaxDelayMs,
        ...(signal ? { signal } : {}),
      });
    })().catch((error: unknown) => {
      if (this.#bastions.get(key) === bastion) this.#bastions.delete(key);
      throw asBastionFailure(error, key);
    });
    const bastion: Bastion = { client, users: 0 };
    client.then((c) => c.on('close', () => this.#bastions.get(key) === bastion && this.#bastions.delete(key)), () => undefined);
    this.#bastions.set(key, bastion);
    return bastion;
  }
}

function pickCredentials(from: JumpCredentials): JumpCredentials {
  return {
    ...(from.identityFile !== undefined ? { identityFile: from.identityFile } : {}),
    ...(from.identityPassphraseEnv !== undefined ? { identityPassphraseEnv: from.identityPassphraseEnv } : {}),
  };
}

function forwardTo(client: SshClient, address: string, port: number, via: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const endpoint = `${address}:${port}`;
    const fail = (error: unknown): void =>
      reject(toHostError(classifySshError(error, { target: endpoint, endpoint, phase: 'connect', via }), error));
    try {
      client.forwardOut('127.0.0.1', 0, address, port, (error, stream) => (error ? fail(error) : resolve(stream)));
    } catch (error) {
      fail(error);
    }
  });
}

// A bastion's own failure, reported on the target: same kind, reason says it was the jump host;
// not retryable again by the target (the pool already retried the bastion).
function asBastionFailure(error: unknown, key: string): unknown {
  if (!(error instanceof ConnectFailure)) return error;
  return new ConnectFailure({ kind: error.kind, reason: `jump host ${key}: ${error.message}`, retryable: false }, { cause: error });
}

function endClient(client: SshClient): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      client.destroy();
      resolve();
    }, 2000);
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    client.end();
  });
}
