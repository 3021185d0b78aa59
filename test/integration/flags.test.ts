// ssh-style flags for --hosts (issue 19) reach the real connection: -u, -p and --private-key log in
// to a lab node's real sshd with nothing else given; a wrong -p or -u fails as it would for ssh.
import { join } from 'node:path';
import { runCli } from './cli.js';
import { labDir, labKnownHosts, labNodes } from './lab.js';

describe('ssh-style flags for --hosts, against a real sshd', () => {
  const node = labNodes().find((n) => n.kind === 'healthy' && n.user === 'root')!;
  const key = join(labDir(), 'id_ed25519');
  const verify = (...flags: string[]) =>
    runCli(['verify', '--hosts', '127.0.0.1', '--known-hosts', labKnownHosts(), '--connect-timeout', '5', '--step-timeout', '60', '--ssh-config', 'none', '--json', ...flags]);
  const status = (run: ReturnType<typeof verify>) => (JSON.parse(run.stdout) as { hosts: { status: string; failure?: string; reason?: string }[] }).hosts[0];

  test('-u root -p PORT --private-key KEY: logged in and probed (verify answers for the node)', () => {
    const run = verify('-u', 'root', '-p', String(node.port), '--private-key', key);
    expect(['ok', 'failed']).toContain(status(run).status); // clean or not: it was reached and probed
    expect(run.stderr).toMatch(/127\.0\.0\.1: discover: /);
  });

  test('a wrong -p is unreachable, a wrong -u fails authentication: the flags are what is used', () => {
    expect(status(verify('-u', 'root', '-p', '1', '--private-key', key)).status).toBe('unreachable');
    expect(status(verify('-u', 'nobody-here', '-p', String(node.port), '--private-key', key)).failure).toBe('auth-failed');
  });
});
