// connectHost against in-process servers: credentials in order, failures classified, retries bounded.

import { createServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HostError } from '../../../src/errors.js';
import { connectHost, type ConnectOptions } from '../../../src/ssh/connect.js';
import { generateKey, startTestServer, type TestServer } from '../../fixtures/ssh/test-server.js';
import { knownHostsLine, makeHost, makeTempDir, type TempDir } from '../../fixtures/ssh/helpers.js';

const userKey = generateKey();
const encryptedKey = generateKey('ed25519', 'key-passphrase');
let server: TestServer;
let dir: TempDir;
let base: ConnectOptions;

beforeAll(async () => {
  server = await startTestServer({
    users: { ops: { keys: [userKey.public, encryptedKey.public] }, opspw: { password: 'login-secret' } },
  });
  dir = makeTempDir();
  base = {
    hostKeyPolicy: 'strict',
    knownHostsFile: dir.file('known_hosts', `${knownHostsLine('127.0.0.1', server.port, server.hostKeyBlobs[0])}\n`),
    env: {},
    connectRetries: 0,
  };
  dir.file('id_plain', userKey.private);
  dir.file('id_encrypted', encryptedKey.private);
});

afterAll(async () => {
  await server?.close();
  dir?.remove();
});

async function connectError(promise: Promise<unknown>): Promise<HostError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HostError);
  return error as HostError;
}

describe('authentication', () => {
  it('logs in with a key file', async () => {
    const transport = await connectHost(makeHost({ port: server.port, identityFile: `${dir.path}/id_plain` }), base);
    expect((await transport.exec('echo ok')).stdout).toBe('ok\n');
    await transport.close();
  });

  it('decrypts an encrypted key with the passphrase from the env var it names', async () => {
    const host = makeHost({ port: server.port, identityFile: `${dir.path}/id_encrypted`, identityPassphraseEnv: 'KEY_PW' });
    const transport = await connectHost(host, { ...base, env: { KEY_PW: 'key-passphrase' } });
    await transport.close();
  });

  it('says why an encrypted key was not used when the passphrase variable is missing', async () => {
    const host = makeHost({ port: server.port, identityFile: `${dir.path}/id_encrypted`, identityPassphraseEnv: 'KEY_PW' });
    const error = await connectError(connectHost(host, base));
    expect(error.kind).toBe('auth-failed');
    expect(error.message).toContain('is encrypted and no passphrase was given ($KEY_PW is not set)');
  });

  it('says the passphrase is wrong without showing it', async () => {
    const host = makeHost({ port: server.port, identityFile: `${dir.path}/id_encrypted`, identityPassphraseEnv: 'KEY_PW', passwordEnv: 'PW' });
    const error = await connectError(connectHost(host, { ...base, env: { KEY_PW: 'nope-wrong', PW: 'also-wrong' } }));
    expect(error.kind).toBe('auth-failed');
    expect(error.message).toBe(
      `authentication failed for ops@127.0.0.1:${server.port} (tried: password); cannot decrypt identity file ${dir.path}/id_encrypted with the passphrase from $KEY_PW`,
    );
    expect(error.message).not.toContain('nope-wrong');
  });

  it('asks the passphrase prompt when no variable provides one, once for all hosts using the key', async () => {
    const host = makeHost({ port: server.port, identityFile: `${dir.path}/id_encrypted` });
    const asked: string[] = [];
    const opts = { ...base, promptPassphrase: async (file: string) => (asked.push(file), 'key-passphrase') };
    const transports = await Promise.all([connectHost(host, opts), connectHost({ ...host, name: 'node2' }, opts)]);
    expect(asked).toEqual([`${dir.path}/id_encrypted`]);
    await Promise.all(transports.map((t) => t.close()));
  });

  it('falls back to a password from the env var after a refused key', async () => {
    const other = generateKey();
    const host = makeHost({ port: server.port, user: 'opspw', identityFile: dir.file('id_other', other.private), passwordEnv: 'LOGIN_PW' });
    const transport = await connectHost(host, { ...base, env: { LOGIN_PW: 'login-secret' } });
    expect(transport.secrets).toEqual(['login-secret']);
    await transport.close();
  });

  it('classifies rejected credentials as auth-failed naming what was tried', async () => {
    const host = makeHost({ port: server.port, user: 'opspw', identityFile: `${dir.path}/id_plain`, passwordEnv: 'LOGIN_PW' });
    const error = await connectError(connectHost(host, { ...base, env: { LOGIN_PW: 'wrong' }, connectRetries: 3 }));
    expect(error.kind).toBe('auth-failed');
    expect(error.message).toBe(`authentication failed for opspw@127.0.0.1:${server.port} (tried: publickey, password)`);
  });

  it('fails before connecting when there is no credential at all', async () => {
    const connections = server.stats.connections;
    const error = await connectError(connectHost(makeHost({ port: server.port, passwordEnv: 'UNSET_PW' }), base));
    expect(error.kind).toBe('auth-failed');
    expect(error.message).toContain('password variable $UNSET_PW is not set');
    expect(server.stats.connections).toBe(connections);
  });

  const agentAvailable = existsSync('/usr/bin/ssh-agent') && existsSync('/usr/bin/ssh-add');
  (agentAvailable ? it : it.skip)('uses ssh-agent from SSH_AUTH_SOCK', async () => {
    const socket = `${dir.path}/agent.sock`;
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 20));
      execFileSync('ssh-add', ['-q', `${dir.path}/id_plain`], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
      const transport = await connectHost(makeHost({ port: server.port }), { ...base, env: { SSH_AUTH_SOCK: socket } });
      expect((await transport.exec('echo via-agent')).stdout).toBe('via-agent\n');
      await transport.close();
    } finally {
      agent.kill();
    }
  });
});

describe('connection failures', () => {
  let closedPort: number;
  let silent: NetServer;
  let silentPort: number;
  const silentSockets = new Set<Socket>();

  beforeAll(async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    // Accepts TCP and never says a word: the handshake can only time out.
    silent = createServer((socket) => {
      silentSockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as AddressInfo).port;
  });

  afterAll(async () => {
    for (const socket of silentSockets) socket.destroy();
    await new Promise<void>((resolve) => silent?.close(() => resolve()));
  });

  it('reports a refused port as unreachable with the endpoint', async () => {
    const error = await connectError(connectHost(makeHost({ port: closedPort, identityFile: `${dir.path}/id_plain` }), base));
    expect(error.kind).toBe('unreachable');
    expect(error.message).toBe(`connection refused (127.0.0.1:${closedPort})`);
  });

  it('retries connection errors with backoff, then gives up', async () => {
    const started = Date.now();
    const error = await connectError(
      connectHost(makeHost({ port: closedPort, identityFile: `${dir.path}/id_plain` }), { ...base, connectRetries: 2, retryDelayMs: 100 }),
    );
    expect(error.kind).toBe('unreachable');
    // Two waits: 50..100 ms then 100..200 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('times out a silent server during the handshake', async () => {
    const error = await connectError(
      connectHost(makeHost({ port: silentPort, identityFile: `${dir.path}/id_plain` }), { ...base, connectTimeoutMs: 300 }),
    );
    expect(error.kind).toBe('unreachable');
    expect(error.message).toBe(`timed out after 0.3s during handshake (127.0.0.1:${silentPort})`);
  });

  it('stops at once when aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = await connectError(
      connectHost(makeHost({ port: silentPort, identityFile: `${dir.path}/id_plain` }), { ...base, connectTimeoutMs: 5000, signal: controller.signal }),
    );
    expect(error.kind).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('validates options up front, naming the bad value', async () => {
    await expect(connectHost(makeHost(), { ...base, connectTimeoutMs: -1 })).rejects.toThrow('connectTimeoutMs must be an integer >= 1, got -1');
  });
});
