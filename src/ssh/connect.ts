// connectHost: from a HostSpec to an authenticated, verified, reusable Transport.

import type { HostSpec } from '../inventory/types.js';
import { HostError } from '../errors.js';
import { planAuthMethods } from './auth.js';
import { needsSudo } from './become.js';
import { describeAuthFailure } from './classify.js';
import { resolveConnectOptions, type ConnectOptions, type JumpLease } from './connect-options.js';
import { retryConnect, throwIfAborted } from './connect-retry.js';
import { JumpPool } from './jump.js';
import { secretsOf } from './mask.js';
import { openSshClient } from './open-client.js';
import { SshTransport } from './ssh-transport.js';

export type { ConnectOptions } from './connect-options.js';

/**
 * Opens the one connection a host's commands will share. Credentials come from the env vars the
 * host names (key file → agent → password); connection-level failures are retried with backoff,
 * auth and host-key failures never are. Throws HostError (unreachable, auth-failed,
 * host-key-rejected, aborted) with a one-line reason.
 */
export async function connectHost(host: HostSpec, connectOptions: ConnectOptions): Promise<SshTransport> {
  const options = resolveConnectOptions(connectOptions);
  throwIfAborted(options.signal);
  const target = `${host.user}@${host.address}:${host.port}`;
  const auth = await planAuthMethods(host, options.env, options.promptPassphrase);
  if (auth.methods.length === 0) {
    const why = auth.notes.length > 0 ? auth.notes : ['no identityFile, no SSH_AUTH_SOCK and no passwordEnv'];
    throw new HostError('auth-failed', `no usable credentials: ${describeAuthFailure({ target, authNotes: why })}`);
  }
  const becomePassword = readBecomePassword(host, options.env);
  const ownPool = host.jumpHost !== undefined && options.jumps === undefined ? new JumpPool() : undefined;
  const jumps = options.jumps ?? ownPool;
  let lease: JumpLease | undefined;
  try {
    const slot = options.handshakeSlot ?? (<T>(attempt: () => Promise<T>) => attempt());
    const client = await retryConnect(
      () =>
        slot(async () => {
          lease?.release();
          lease = host.jumpHost && jumps ? await jumps.open(host.jumpHost, host.address, host.port, { credentials: host, options, ...(options.signal ? { signal: options.signal } : {}) }) : undefined;
          return openSshClient({ target: host, options, auth, ...(lease ? { sock: lease.stream, via: lease.via } : {}) });
        }),
      {
        retries: options.connectRetries,
        baseDelayMs: options.retryDelayMs,
        maxDelayMs: options.retryMaxDelayMs,
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
    const heldLease = lease;
    return new SshTransport({
      host,
      client,
      secrets: secretsOf(host, options.env),
      ...(becomePassword !== undefined ? { becomePassword } : {}),
      maxChannels: options.maxChannels,
      outputLimitBytes: options.outputLimitBytes,
      keepalive: { intervalMs: options.keepaliveIntervalMs, countMax: options.keepaliveCountMax },
      onClose: async () => {
        heldLease?.release();
        await ownPool?.close();
      },
    });
  } catch (error) {
    lease?.release();
    await ownPool?.close();
    throw error;
  }
}

// The sudo password is read once, up front: a missing variable is an auth failure before any command.
function readBecomePassword(host: HostSpec, env: ConnectOptions['env']): string | undefined {
  if (!needsSudo(host) || host.becomePasswordEnv === undefined) return undefined;
  const password = env[host.becomePasswordEnv];
  if (password === undefined) {
    throw new HostError('auth-failed', `sudo password variable $${host.becomePasswordEnv} is not set for ${host.user}@${host.address}`);
  }
  return password;
}
