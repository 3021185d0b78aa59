// forwardOut and fetchFile over a real ssh2 connection to the in-process server: a tunnel the
// live-node guard's HTTPS runs through, and a become host's binary file streamed by `sudo cat`.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HostError } from '../../../src/errors.js';
import { apiGet } from '../../../src/guards/api-client.js';
import { connectHost, type ConnectOptions } from '../../../src/ssh/connect.js';
import type { SshTransport } from '../../../src/ssh/ssh-transport.js';
import { makeTestPki, startFakeApiServer, type FakeApiServer, type TestPki } from '../../../scripts/lab.d/fake-apiserver.js';
import { knownHostsLine, makeHost, makeTempDir, type TempDir } from '../../fixtures/ssh/helpers.js';
import { generateKey, startTestServer, type TestServer } from '../../fixtures/ssh/test-server.js';

const userKey = generateKey();
let server: TestServer;
let dir: TempDir;
let base: ConnectOptions;
let pki: TestPki;
let api: FakeApiServer;

beforeAll(async () => {
  server = await startTestServer({ users: { ops: { keys: [userKey.public] }, opspw: { keys: [userKey.public] } }, forwarding: true, env: { FAKE_SUDO_PASSWORD: 'sudo-secret' } });
  dir = makeTempDir();
  dir.file('id', userKey.private);
  base = {
    hostKeyPolicy: 'strict',
    knownHostsFile: dir.file('known_hosts', `${knownHostsLine('127.0.0.1', server.port, server.hostKeyBlobs[0])}\n`),
    env: { BECOME_PW: 'sudo-secret', WRONG_PW: 'nope' },
    connectRetries: 0,
  };
  pki = makeTestPki(dir.path, { serverIps: ['127.0.0.1'], clientCns: ['system:node:n1'] });
  api = await startFakeApiServer({ pki, host: '127.0.0.1', port: 0, state: { nodes: { n1: { ready: 'True', heartbeatAgeSeconds: 1 } } } });
});

afterAll(async () => {
  await api?.close();
  await server?.close();
  dir?.remove();
});

const connect = (overrides: Parameters<typeof makeHost>[0] = {}): Promise<SshTransport> =>
  connectHost(makeHost({ port: server.port, identityFile: join(dir.path, 'id'), ...overrides }), base);

describe('forwardOut', () => {
  it('carries a TLS session with a client certificate to a service on the far side', async () => {
    const transport = await connect();
    try {
      const target = { server: `https://127.0.0.1:${api.port}`, host: '127.0.0.1', port: api.port, serverName: '127.0.0.1', ca: pki.caCert, ...pki.clients['system:node:n1'], insecureSkipTlsVerify: false };
      const response = await apiGet(target, '/api/v1/nodes/n1', (h, p) => transport.forwardOut(h, p), { timeoutMs: 3000 });
      expect(response.status).toBe(200);
      expect(response.serverDate).toBeGreaterThan(0);
      expect(server.stats.forwards).toContain(`127.0.0.1:${api.port}`);
      expect(api.requests.at(-1)).toMatchObject({ path: '/api/v1/nodes/n1', clientCn: 'system:node:n1' });
    } finally {
      await transport.close();
    }
  });

  it('a refused open is an error with a socket-like code', async () => {
    const transport = await connect();
    try {
      const error = (await transport.forwardOut('127.0.0.1', 1).catch((e: unknown) => e)) as Error & { code?: string };
      expect(error.message).toMatch(/^connecting to 127\.0\.0\.1:1 from the host failed: /);
      expect(typeof error.code).toBe('string');
    } finally {
      await transport.close();
    }
  });
});

describe('fetchFile', () => {
  it('become host: streams `sudo cat` byte for byte (binary, larger than a window), password on stdin', async () => {
    const data = randomBytes(700 * 1024);
    const remote = dir.file('archive.bin', '');
    writeFileSync(remote, data);
    const transport = await connect({ user: 'opspw', become: true, becomePasswordEnv: 'BECOME_PW' });
    try {
      const local = join(dir.path, 'copy.bin');
      expect(await transport.fetchFile(remote, local)).toEqual({ bytes: data.length });
      expect(readFileSync(local).equals(data)).toBe(true);
      expect(server.stats.execs.at(-1)).toMatch(/^sudo -S -k -p '' .*cat -- /);
    } finally {
      await transport.close();
    }
  });

  it('become host: a missing file or a refused sudo leaves no local file', async () => {
    const ok = await connect({ user: 'opspw', become: true, becomePasswordEnv: 'BECOME_PW' });
    const missing = join(dir.path, 'missing.copy');
    await expect(ok.fetchFile(join(dir.path, 'no-such-file'), missing)).rejects.toThrow(/^cat .*no-such-file exited 1: .*No such file/);
    expect(existsSync(missing)).toBe(false);
    await ok.close();
    const wrong = await connect({ user: 'opspw', become: true, becomePasswordEnv: 'WRONG_PW' });
    const refused = join(dir.path, 'refused.copy');
    const error = await wrong.fetchFile(dir.file('x', 'x'), refused).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostError);
    expect(error).toMatchObject({ kind: 'auth-failed' });
    expect(existsSync(refused)).toBe(false);
    await wrong.close();
  });

  it('direct login uses SFTP (this server has none: a clear error, no local file)', async () => {
    const transport = await connect();
    try {
      const local = join(dir.path, 'sftp.copy');
      await expect(transport.fetchFile(dir.file('y', 'y'), local)).rejects.toThrow(/^SFTP unavailable: /);
      expect(existsSync(local)).toBe(false);
    } finally {
      await transport.close();
    }
  });

  it('a timeout stops a transfer that never ends', async () => {
    const transport = await connect({ user: 'opspw', become: true, becomePasswordEnv: 'BECOME_PW' });
    try {
      const local = join(dir.path, 'fifo.copy');
      const started = Date.now();
      await expect(transport.fetchFile('/dev/zero', local, { timeoutMs: 300 })).rejects.toThrow(/timed out/);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(existsSync(local)).toBe(false);
    } finally {
      await transport.close();
    }
  });
});
