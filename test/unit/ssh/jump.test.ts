// Jump hosts: one bastion connection carries direct-tcpip channels to every host behind it.

import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HostError } from '../../../src/errors.js';
import { connectHost, type ConnectOptions } from '../../../src/ssh/connect.js';
import { JumpPool } from '../../../src/ssh/jump.js';
import { generateKey, startTestServer, type TestServer } from '../../fixtures/ssh/test-server.js';
import { knownHostsLine, makeHost, makeTempDir, type TempDir } from '../../fixtures/ssh/helpers.js';

const userKey = generateKey();
let bastion: TestServer;
let targetA: TestServer;
let targetB: TestServer;
let dir: TempDir;
let base: ConnectOptions;
let closedPort: number;

beforeAll(async () => {
  const users = { ops: { keys: [userKey.public] }, jump: { keys: [userKey.public] } };
  // One by one, so that afterAll closes the ones that started even if a later one fails.
  bastion = await startTestServer({ users, forwarding: true });
  targetA = await startTestServer({ users });
  targetB = await startTestServer({ users });
  dir = makeTempDir();
  dir.file('id', userKey.private);
  const lines = [bastion, targetA, targetB].map((s) => knownHostsLine('127.0.0.1', s.port, s.hostKeyBlobs[0]));
  base = { hostKeyPolicy: 'strict', knownHostsFile: dir.file('known_hosts', `${lines.join('\n')}\n`), env: {}, connectRetries: 0 };
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

afterAll(async () => {
  await Promise.all([bastion, targetA, targetB].map((s) => s?.close()));
  dir?.remove();
});

const behind = (port: number, name: string) =>
  makeHost({ name, port, identityFile: `${dir.path}/id`, jumpHost: { user: 'jump', address: '127.0.0.1', port: bastion.port } });

describe('JumpPool', () => {
  it('shares one bastion connection between the hosts behind it, counting its users', async () => {
    const pool = new JumpPool();
    const connectionsBefore = bastion.stats.connections;
    const [a, b] = await Promise.all([
      connectHost(behind(targetA.port, 'a'), { ...base, jumps: pool }),
      connectHost(behind(targetB.port, 'b'), { ...base, jumps: pool }),
    ]);
    expect(bastion.stats.connections - connectionsBefore).toBe(1);
    expect(bastion.stats.forwards.slice(-2).sort()).toEqual([`127.0.0.1:${targetA.port}`, `127.0.0.1:${targetB.port}`].sort());
    expect((await a.exec('echo a')).stdout).toBe('a\n');
    expect((await b.exec('echo b')).stdout).toBe('b\n');
    const key = `jump@127.0.0.1:${bastion.port}`;
    expect(pool.usage()).toEqual({ [key]: 2 });
    await a.close();
    expect(pool.usage()).toEqual({ [key]: 1 });
    // Closing one target leaves the bastion up for the other.
    expect((await b.exec('echo still')).stdout).toBe('still\n');
    await b.close();
    await pool.close();
    expect(pool.usage()).toEqual({});
  });

  it('verifies the bastion host key with the same policy', async () => {
    const pool = new JumpPool();
    const knownHostsFile = dir.file('targets_only', `${knownHostsLine('127.0.0.1', targetA.port, targetA.hostKeyBlobs[0])}\n`);
    const error = await connectHost(behind(targetA.port, 'a'), { ...base, knownHostsFile, jumps: pool }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostError);
    expect(error).toMatchObject({ kind: 'host-key-rejected' });
    expect((error as Error).message).toMatch(new RegExp(`^jump host jump@127\\.0\\.0\\.1:${bastion.port}: host key for \\[127\\.0\\.0\\.1\\]:${bastion.port} .* is not in`));
    await pool.close();
  });

  it('reports a target the bastion cannot reach as unreachable via the jump host', async () => {
    const pool = new JumpPool();
    const error = await connectHost(behind(closedPort, 'gone'), { ...base, jumps: pool }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'unreachable' });
    expect((error as Error).message).toContain(`via jump jump@127.0.0.1:${bastion.port}: bastion could not open a connection to 127.0.0.1:${closedPort}`);
    await pool.close();
  });

  it('gives a host with jumpHost a private bastion connection when no pool is passed', async () => {
    const transport = await connectHost(behind(targetA.port, 'a'), base);
    expect((await transport.exec('echo private')).stdout).toBe('private\n');
    await transport.close();
  });
});
