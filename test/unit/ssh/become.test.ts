// sudo wrapping: the exact text sent (pure), and end to end through a fake sudo over real SSH.

import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HostError } from '../../../src/errors.js';
import { describeSudoRefusal, detectSudoRefusal, needsSudo, wrapCommand } from '../../../src/ssh/become.js';
import { connectHost, type ConnectOptions } from '../../../src/ssh/connect.js';
import { generateKey, startTestServer, type TestServer } from '../../fixtures/ssh/test-server.js';
import { knownHostsLine, makeHost, makeTempDir, type TempDir } from '../../fixtures/ssh/helpers.js';

function runningSleeps(): string[] {
  try {
    return execFileSync('pgrep', ['-f', 'sleep 37\\.'], { encoding: 'utf8' }).trim().split('\n');
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

const GUARD = `'exec 3<&0; trap "kill -KILL 0" TERM HUP INT; sh -c "$1" <&3 3<&- & wait $!'`;

describe('wrapCommand', () => {
  it('runs plain commands through sh -c so the login shell does not matter', () => {
    expect(wrapCommand("echo 'hi'", { enabled: false })).toEqual({ command: `sh -c 'echo '\\''hi'\\'''` });
    expect(wrapCommand('cat', { enabled: false }, 'data')).toEqual({ command: `sh -c cat`, stdin: 'data' });
  });

  it('writes the sudo password as the first stdin line, then the caller stdin', () => {
    expect(wrapCommand('docker ps -a', { enabled: true, password: 's3cret' }, 'more')).toEqual({
      command: `sudo -S -k -p '' env SSH_CONNECTION="$SSH_CONNECTION" sh -c ${GUARD} nodescrub 'docker ps -a'`,
      stdin: 's3cret\nmore',
    });
  });

  it('uses sudo -n without a password so stdin is never taken for one', () => {
    expect(wrapCommand('id -u', { enabled: true })).toEqual({
      command: `sudo -n env SSH_CONNECTION="$SSH_CONNECTION" sh -c ${GUARD} nodescrub 'id -u'`,
    });
  });

  it('needs sudo only for a non-root user with become', () => {
    expect(needsSudo({ become: true, user: 'ops' })).toBe(true);
    expect(needsSudo({ become: true, user: 'root' })).toBe(false);
    expect(needsSudo({ become: false, user: 'ops' })).toBe(false);
  });
});

describe('detectSudoRefusal', () => {
  it.each([
    ['Sorry, try again.\n\nsudo: no password was provided\nsudo: 1 incorrect password attempt\n', 'wrong-password'],
    ['sudo: 3 incorrect password attempts\n', 'wrong-password'],
    ['sudo: a password is required\n', 'password-required'],
    ['ops is not in the sudoers file.  This incident will be reported.\n', 'not-allowed'],
    ['Sorry, user ops is not allowed to execute \'/usr/bin/env\' as root on node1.\n', 'not-allowed'],
  ])('recognises %j', (stderr, refusal) => {
    expect(detectSudoRefusal(1, stderr)).toBe(refusal);
  });

  it('ignores other failures and other exit codes', () => {
    expect(detectSudoRefusal(1, 'rm: cannot remove x\n')).toBeUndefined();
    expect(detectSudoRefusal(2, 'sudo: a password is required\n')).toBeUndefined();
  });

  it('names the variable, never the value', () => {
    expect(describeSudoRefusal('wrong-password', { user: 'opspw', becomePasswordEnv: 'BECOME_PW' })).toBe('sudo refused the password for opspw (from $BECOME_PW)');
  });
});

describe('become over SSH (fake sudo that checks the password and resets the environment)', () => {
  const userKey = generateKey();
  let server: TestServer;
  let dir: TempDir;
  let base: ConnectOptions;

  beforeAll(async () => {
    server = await startTestServer({ users: { opspw: { keys: [userKey.public] } }, env: { FAKE_SUDO_PASSWORD: 'sudo-secret' } });
    dir = makeTempDir();
    base = {
      hostKeyPolicy: 'strict',
      knownHostsFile: dir.file('known_hosts', `${knownHostsLine('127.0.0.1', server.port, server.hostKeyBlobs[0])}\n`),
      env: { BECOME_PW: 'sudo-secret', WRONG_PW: 'not-it' },
      connectRetries: 0,
    };
    dir.file('id', userKey.private);
  });

  afterAll(async () => {
    await server?.close();
    dir?.remove();
  });

  const host = (becomePasswordEnv?: string) =>
    makeHost({ port: server.port, user: 'opspw', identityFile: `${dir.path}/id`, become: true, ...(becomePasswordEnv ? { becomePasswordEnv } : {}) });

  it('runs under sudo, keeps SSH_CONNECTION, passes the caller stdin after the password', async () => {
    const transport = await connectHost(host('BECOME_PW'), base);
    const result = await transport.exec('echo "sudo=$FAKE_SUDO conn=$SSH_CONNECTION"; cat', { stdin: 'payload\n' });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^sudo=1 conn=127\.0\.0\.1 \d+ 127\.0\.0\.1 \d+\npayload\n$/);
    expect(result.remoteCommand.startsWith(`sudo -S -k -p ''`)).toBe(true);
    expect(result.remoteCommand).not.toContain('sudo-secret');
    await transport.close();
  });

  it('masks the sudo password if a command echoes it', async () => {
    const transport = await connectHost(host('BECOME_PW'), base);
    const result = await transport.exec('echo sudo-secret; echo sudo-secret >&2');
    expect(result.stdout).toBe('****\n');
    expect(result.stderr).toBe('****\n');
    await transport.close();
  });

  it('turns a wrong sudo password into a clear auth-failed', async () => {
    const transport = await connectHost(host('WRONG_PW'), base);
    const error = await transport.exec('true').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostError);
    expect(error).toMatchObject({ kind: 'auth-failed', message: 'sudo refused the password for opspw (from $WRONG_PW)' });
    await transport.close();
  });

  it('reports a missing sudo password as auth-failed instead of hanging on stdin', async () => {
    const transport = await connectHost(host(), base);
    await expect(transport.exec('cat', { stdin: 'x\n' })).rejects.toMatchObject({ kind: 'auth-failed', message: expect.stringContaining('sudo requires a password for opspw') });
    await transport.close();
  });

  it('kills the whole command under sudo on timeout, grandchildren included', async () => {
    const transport = await connectHost(host('BECOME_PW'), base);
    const result = await transport.exec('sleep 37.25 & sleep 37.5; echo never', { timeoutMs: 300 });
    expect(result.timedOut).toBe(true);
    expect(result.stdout).toBe('');
    await transport.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(runningSleeps()).toEqual([]);
  });
});
