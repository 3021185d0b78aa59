// Exec over a real ssh2 connection to an in-process server: output, stdin, timeouts, aborts, caps.

import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HostError } from '../../../src/errors.js';
import { connectHost } from '../../../src/ssh/connect.js';
import type { SshTransport } from '../../../src/ssh/ssh-transport.js';
import { generateKey, startTestServer, type TestServer } from '../../fixtures/ssh/test-server.js';
import { knownHostsLine, makeHost, makeTempDir, type TempDir } from '../../fixtures/ssh/helpers.js';

const userKey = generateKey();
let server: TestServer;
let dir: TempDir;
let transport: SshTransport;

beforeAll(async () => {
  server = await startTestServer({ users: { ops: { keys: [userKey.public] } } });
  dir = makeTempDir();
  const knownHostsFile = dir.file('known_hosts', `${knownHostsLine('127.0.0.1', server.port, server.hostKeyBlobs[0])}\n`);
  const identityFile = dir.file('id_ed25519', userKey.private);
  transport = await connectHost(makeHost({ port: server.port, identityFile }), {
    hostKeyPolicy: 'strict',
    knownHostsFile,
    env: {},
    maxChannels: 2,
    outputLimitBytes: 1024,
  });
});

async function processGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    // Gone, or a zombie waiting for a reaper (our container's init may not reap promptly).
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    if (stat === '' || / Z /.test(stat)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

afterAll(async () => {
  await transport?.close();
  await server?.close();
  dir?.remove();
});

describe('exec', () => {
  it('returns stdout, stderr and the exit code as a flat result', async () => {
    const result = await transport.exec('echo out; echo err >&2; exit 3');
    expect(result).toMatchObject({ command: 'echo out; echo err >&2; exit 3', exitCode: 3, stdout: 'out\n', stderr: 'err\n', timedOut: false, aborted: false });
    expect(result.remoteCommand).toBe(`sh -c 'echo out; echo err >&2; exit 3'`);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('writes stdin then closes it', async () => {
    const result = await transport.exec('cat; echo done', { stdin: 'line1\nline2\n' });
    expect(result.stdout).toBe('line1\nline2\ndone\n');
  });

  it('closes stdin even when none is given, so a reading command does not hang', async () => {
    const result = await transport.exec('cat; echo eof');
    expect(result.stdout).toBe('eof\n');
  });

  it('reuses the one connection for every command', async () => {
    const before = server.stats.connections;
    await Promise.all([transport.exec('true'), transport.exec('true'), transport.exec('true')]);
    expect(server.stats.connections).toBe(before);
  });

  it('kills a hung command on timeout (remote process gone) and resolves with timedOut', async () => {
    const started = Date.now();
    const result = await transport.exec('echo $$; exec sleep 30', { timeoutMs: 300 });
    expect(result.timedOut).toBe(true);
    expect(result.aborted).toBe(false);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(server.stats.signals[0]).toBe('TERM');
    expect(await processGone(Number(result.stdout.trim()))).toBe(true);
  });

  it('aborts a running command through its AbortSignal', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const result = await transport.exec('sleep 30', { signal: controller.signal });
    expect(result).toMatchObject({ aborted: true, timedOut: false });
  });

  it('does not run a command whose signal is already aborted', async () => {
    const execs = server.stats.execs.length;
    const result = await transport.exec('echo never', { signal: AbortSignal.abort() });
    expect(result).toMatchObject({ aborted: true, exitCode: null, stdout: '' });
    expect(server.stats.execs.length).toBe(execs);
  });

  it('caps concurrent channels per connection and queues the rest', async () => {
    server.stats.peakSessions = server.stats.openSessions;
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => transport.exec(`sleep 0.2; echo ${i}`)));
    expect(results.map((r) => r.stdout)).toEqual(['0\n', '1\n', '2\n', '3\n', '4\n', '5\n']);
    expect(server.stats.peakSessions).toBe(2);
  });

  it('bounds collected output and says it was truncated', async () => {
    const result = await transport.exec('head -c 5000 /dev/zero | tr "\\0" x');
    expect(result.stdout).toHaveLength(1024);
    expect(result.stdoutTruncated).toBe(true);
  });

  it('reports a command killed by a signal', async () => {
    const result = await transport.exec('kill -TERM $PPID');
    expect(result.exitCode).toBeNull();
    expect(result.exitSignal).toBe('SIGTERM');
  });

  it('rejects a running command with unreachable when the connection drops', async () => {
    const doomed = await startTestServer({ users: { ops: { keys: [userKey.public] } } });
    const knownHostsFile = dir.file('kh_doomed', `${knownHostsLine('127.0.0.1', doomed.port, doomed.hostKeyBlobs[0])}\n`);
    const victim = await connectHost(makeHost({ port: doomed.port, identityFile: `${dir.path}/id_ed25519` }), { hostKeyPolicy: 'strict', knownHostsFile, env: {} });
    const running = victim.exec('sleep 5');
    setTimeout(() => void doomed.close(), 200);
    await expect(running).rejects.toMatchObject({ kind: 'unreachable', message: expect.stringMatching(/^connection to ops@127\.0\.0\.1:\d+ lost: /) });
    expect(victim.closed).toBe(true);
    await victim.close();
  });

  it('fails with unreachable after close', async () => {
    const other = await connectHost(makeHost({ port: server.port, identityFile: `${dir.path}/id_ed25519` }), {
      hostKeyPolicy: 'strict',
      knownHostsFile: `${dir.path}/known_hosts`,
      env: {},
    });
    await other.close();
    await other.close();
    await expect(other.exec('true')).rejects.toMatchObject({ kind: 'unreachable', message: expect.stringMatching(/is closed$/) });
    await expect(other.exec('true')).rejects.toBeInstanceOf(HostError);
  });
});
