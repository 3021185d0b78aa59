// ssh-style flags for --hosts (issue 19) reach the real connection: -u, -p and --private-key log in
// to a lab node's real sshd with nothing else given; a wrong -p or -u fails as it would for ssh.
// -J goes through a real sshd acting as jump host, IPv6 addresses (`--hosts root@[::1]:22`, an
// inventory's) connect over IPv6, and a --known-hosts the user cannot read stops the run before
// anything is contacted.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startCli, TEST_DIST } from './cli.js';
import { labDir, labExec, labKnownHosts, labNodes, labPortBase, labSeed, REPO_ROOT } from './lab.js';

const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

interface HostLine {
  name: string;
  address: string;
  status: string;
  failure?: string;
  reason?: string;
}
const hostsOf = (stdout: string) => (JSON.parse(stdout) as { hosts: HostLine[] }).hosts;

/**
 * What the probe read from $SSH_CONNECTION on `host` ("client port server port"), from the remote
 * stdout that -vv prints: the line after the section's begin marker.
 */
function sshConnectionOf(stderr: string, host: string): string | undefined {
  const lines = stderr.split('\n').filter((line) => line.startsWith(`${host}: discover: stdout| `));
  const at = lines.findIndex((line) => /:begin:ssh-connection$/.test(line));
  return at === -1 ? undefined : lines[at + 1]?.slice(`${host}: discover: stdout| `.length).trim();
}

describe('ssh-style flags for --hosts, against a real sshd', () => {
  const node = labNodes().find((n) => n.kind === 'healthy' && n.user === 'root')!;
  const key = join(labDir(), 'id_ed25519');
  const verify = (...flags: string[]) =>
    runCli(['verify', '--hosts', '127.0.0.1', '--known-hosts', labKnownHosts(), '--connect-timeout', '5', '--step-timeout', '60', '--ssh-config', 'none', '--json', ...flags]);
  const status = (run: ReturnType<typeof verify>) => hostsOf(run.stdout)[0];

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

// A second sshd inside a lab node, listening only in the node's network namespace: on 127.0.0.1:PORT
// (the node's own lo, not the root namespace's) and on [::1]:22 and [::1]:PORT. Same host key and
// authorized keys as the node's own sshd; its log (VERBOSE) names every connection's addresses.
describe('-J and IPv6, against a second sshd inside a lab node', () => {
  const node = labNodes().find((n) => n.kind === 'healthy' && n.user === 'root')!;
  const key = join(labDir(), 'id_ed25519');
  const port = labPortBase() + 96;
  const pidFile = '/tmp/nodescrub-flags-test-sshd.pid';
  const sshdLog = '/tmp/nodescrub-flags-test-sshd.log';
  const out = mkdtempSync(join(tmpdir(), 'nodescrub-flags-'));
  const knownHosts = join(out, 'known_hosts');
  const inNode = { prefix: ['ip', 'netns', 'exec', node.netns!], env: { PATH: `${SYSTEM_PATH}:${process.env.PATH ?? ''}` } };
  const common = ['--private-key', key, '--known-hosts', knownHosts, '--ssh-config', 'none', '--connect-timeout', '5', '--json', '-vv'];
  const targetLog = () => labExec(node.name, ['cat', sshdLog]).stdout;

  beforeAll(() => {
    // The docker test below compares what each path lists: the node must hold the seed's containers,
    // volumes and images, whatever an earlier file cleaned.
    labSeed([node.name]);
    // Nothing may answer on PORT in the root namespace, or reaching it without -J would prove nothing.
    const listening = spawnSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8', env: { ...process.env, PATH: SYSTEM_PATH } });
    if (listening.stdout.trim() !== '') throw new Error(`port ${port} is in use in the root namespace:\n${listening.stdout}`);
    const started = labExec(node.name, [
      '/usr/sbin/sshd', '-f', '/etc/ssh/sshd_config',
      '-o', `ListenAddress=127.0.0.1:${port}`, '-o', 'ListenAddress=[::1]:22', '-o', `ListenAddress=[::1]:${port}`,
      '-o', `PidFile=${pidFile}`, '-o', 'LogLevel=VERBOSE', '-E', sshdLog,
      // No Unix-socket forwarding on this one: the probe must list docker with the CLI (issue 20).
      '-o', 'AllowStreamLocalForwarding=no',
    ]);
    if (started.exitCode !== 0) throw new Error(`the second sshd in ${node.name} did not start:\n${started.stderr}`);
    const hostKey = readFileSync(labKnownHosts(), 'utf8').split('\n').find((line) => line.startsWith(`[127.0.0.1]:${node.port} `))!.split(' ').slice(1).join(' ');
    writeFileSync(knownHosts, `${readFileSync(labKnownHosts(), 'utf8').trimEnd()}\n[127.0.0.1]:${port} ${hostKey}\n::1 ${hostKey}\n[::1]:${port} ${hostKey}\n`);
  }, 300_000);

  afterAll(() => {
    // By its pid file; the lab's down (global teardown) kills every process of the node anyway.
    labExec(node.name, `[ -s ${pidFile} ] && kill "$(cat ${pidFile})"; rm -f ${pidFile} ${sshdLog}`);
    rmSync(out, { recursive: true, force: true });
  });

  test('-J: a target listening only in the jump host\'s network namespace is reached through the jump\'s sshd', () => {
    const target = ['plan', '--hosts', `root@127.0.0.1:${port}`, ...common];
    // From here (the root namespace) nothing answers on that port.
    const direct = runCli(target);
    expect(hostsOf(direct.stdout)[0]).toMatchObject({ status: 'unreachable' });
    expect(direct.stderr).toContain(`connection refused (127.0.0.1:${port})`);

    const jumped = runCli([...target, '-J', `root@127.0.0.1:${node.port}`]);
    expect(hostsOf(jumped.stdout)[0]).toMatchObject({ name: '127.0.0.1', status: 'ok' });
    // The target's session came from inside the node (its lo), to the port only the node has.
    const connection = sshConnectionOf(jumped.stderr, '127.0.0.1');
    expect(connection).toMatch(new RegExp(`^127\\.0\\.0\\.1 \\d+ 127\\.0\\.0\\.1 ${port}$`));
    const clientPort = connection!.split(' ')[1];
    expect(targetLog()).toContain(`Accepted publickey for root from 127.0.0.1 port ${clientPort} ssh2`);
  });

  test('docker listings: through the Engine API socket where the sshd forwards it, with the CLI where it does not — the same artifacts', () => {
    const verify = (...where: string[]) => runCli(['verify', ...where, ...common]);
    const viaApi = verify('--hosts', `root@127.0.0.1:${node.port}`);
    const viaCli = verify('--hosts', `root@127.0.0.1:${port}`, '-J', `root@127.0.0.1:${node.port}`);
    const probeSaid = (run: ReturnType<typeof runCli>) => run.stderr.split('\n').filter((l) => /: discover: stdout\| via (api|cli)$/.test(l)).map((l) => l.slice(-3));
    expect(probeSaid(viaApi)).toEqual(['api']);
    expect(viaApi.stderr).toContain('GET /containers/json?all=1 on /var/run/docker.sock (Engine API, through the SSH connection): answered in');
    // The probe was offered the API (a root login) and left the listings; the socket would not open,
    // so a second exec listed with the CLI.
    expect(probeSaid(viaCli)).toEqual(['api', 'cli']);
    expect(viaCli.stderr).not.toContain('(Engine API');
    expect(viaCli.stderr.match(/: discover: command exited 0/g)).toHaveLength(2);
    // In any order: neither docker's volume list nor its API promises one.
    const docker = (run: ReturnType<typeof runCli>) =>
      (JSON.parse(run.stdout) as { hosts: { left?: { category: string; name: string; detail?: string }[] }[] }).hosts[0]
        .left!.filter((a) => ['containers', 'volumes', 'images'].includes(a.category))
        .sort((a, b) => `${a.category} ${a.name}`.localeCompare(`${b.category} ${b.name}`));
    // The seeded RKE1 node: its containers, volumes and images, read the same both ways (labels, names, tags).
    expect(docker(viaApi).length).toBeGreaterThan(3);
    expect(docker(viaApi)).toEqual(docker(viaCli));
  });

  test('--hosts root@[::1]:22, run inside the node\'s network namespace: connected over IPv6', () => {
    const run = runCli(['plan', '--hosts', 'root@[::1]:22', ...common], inNode);
    expect(hostsOf(run.stdout)).toEqual([expect.objectContaining({ name: '::1', address: '::1', status: 'ok' })]);
    const connection = sshConnectionOf(run.stderr, '::1');
    expect(connection).toMatch(/^::1 \d+ ::1 22$/);
    expect(targetLog()).toContain(`Connection from ::1 port ${connection!.split(' ')[1]} on ::1 port 22`);
  });

  test('an inventory with IPv6 addresses (a bare ::1, and address: ::1 with a port): both connected over IPv6', () => {
    const inventory = join(out, 'inventory.yaml');
    writeFileSync(inventory, `defaults: { user: root, identityFile: ${key} }\nhosts:\n  - "::1"\n  - { name: v6-port, address: "::1", port: ${port} }\n`);
    const run = runCli(['plan', '-i', inventory, ...common.slice(2)], inNode);
    const hosts = hostsOf(run.stdout).map(({ name, address, status }) => ({ name, address, status }));
    expect(hosts).toEqual([
      { name: '::1', address: '::1', status: 'ok' },
      { name: 'v6-port', address: '::1', status: 'ok' },
    ]);
    expect(sshConnectionOf(run.stderr, '::1')).toMatch(/^::1 \d+ ::1 22$/);
    const connection = sshConnectionOf(run.stderr, 'v6-port');
    expect(connection).toMatch(new RegExp(`^::1 \\d+ ::1 ${port}$`));
    expect(targetLog()).toContain(`Connection from ::1 port ${connection!.split(' ')[1]} on ::1 port ${port}`);
  });
});

// known_hosts is read for every host: one the user cannot read is an operator error found before the
// first connection. Root reads every file, so the CLI runs as nobody (uid 65534, no groups), with its
// own HOME and TMPDIR; the host is a listener here that counts the connections it gets.
describe('a --known-hosts the user running nodescrub cannot read', () => {
  const NOBODY = 65534;
  const asNobody = ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'];
  const whyNot = ((): string | null => {
    const readable = [join(TEST_DIST, 'cli/main.js'), join(REPO_ROOT, 'node_modules/ssh2/package.json')];
    const check = spawnSync(asNobody[0], [...asNobody.slice(1), process.execPath, '-e', `for (const f of ${JSON.stringify(readable)}) require('fs').accessSync(f, 4)`], {
      encoding: 'utf8',
      env: { ...process.env, PATH: SYSTEM_PATH },
    });
    if (check.error) return `setpriv cannot be run (${check.error.message})`;
    return check.status === 0 ? null : `uid ${NOBODY} cannot read the repository or its node_modules: ${check.stderr.trim().split('\n').pop()}`;
  })();
  if (whyNot) process.stderr.write(`flags.test: skipping the unreadable --known-hosts tests: ${whyNot}\n`);
  const maybe = whyNot ? test.skip : test;

  const dir = mkdtempSync(join(tmpdir(), 'nodescrub-kh-'));
  const home = join(dir, 'home');
  const userKey = join(home, 'id_ed25519');
  let server: Server;
  let port = 0;
  let connections = 0;

  beforeAll(async () => {
    chmodSync(dir, 0o755); // nobody may look in; what it may read is decided file by file
    mkdirSync(home);
    const keygen = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', userKey], { encoding: 'utf8' });
    if (keygen.status !== 0) throw new Error(`ssh-keygen: ${keygen.stderr}`);
    for (const path of [home, userKey, `${userKey}.pub`]) chownSync(path, NOBODY, NOBODY);
    writeFileSync(join(dir, 'readable'), '# nothing known\n', { mode: 0o644 });
    writeFileSync(join(dir, 'root-only'), '# nothing known\n', { mode: 0o600 });
    mkdirSync(join(dir, 'locked'), { mode: 0o700 });
    writeFileSync(join(dir, 'locked/known_hosts'), '# nothing known\n', { mode: 0o644 });
    server = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as { port: number }).port;
  });

  afterAll(async () => {
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    rmSync(dir, { recursive: true, force: true });
  });

  // Credentials are given (a key nobody owns): without any, nodescrub would not connect at all, and
  // "nothing contacted" would prove nothing. startCli, not runCli: the listener must answer meanwhile.
  const cli = (command: string[], knownHosts: string) =>
    startCli(
      [...command, '--hosts', `root@127.0.0.1:${port}`, '--private-key', userKey, '--known-hosts', knownHosts, '--ssh-config', 'none', '--connect-timeout', '5'],
      { HOME: home, TMPDIR: home, PATH: `${SYSTEM_PATH}:${process.env.PATH ?? ''}` },
      { prefix: asNobody },
    ).done;

  maybe('unreadable file, or one under a directory the user cannot search: exit 1, one line naming flag and file, nothing contacted', async () => {
    const before = connections;
    const cases: Array<[string[], string, string]> = [
      [['run', '--yes'], join(dir, 'root-only'), `--known-hosts ${join(dir, 'root-only')}: is not readable`],
      [['plan'], join(dir, 'root-only'), `--known-hosts ${join(dir, 'root-only')}: is not readable`],
      [['run', '--yes', '--host-key-policy', 'accept-new'], join(dir, 'root-only'), `--known-hosts ${join(dir, 'root-only')}: is not readable`],
      [['run', '--yes'], join(dir, 'locked/known_hosts'), `--known-hosts ${join(dir, 'locked/known_hosts')}: cannot be checked: permission denied`],
    ];
    for (const [command, knownHosts, message] of cases) {
      const result = await cli(command, knownHosts);
      expect({ command, code: result.exitCode, lines: result.stderr.trim().split('\n') }).toEqual({ command, code: 1, lines: [expect.stringContaining(message)] });
    }
    expect(connections - before).toBe(0);
  });

  maybe('the control: the same user and flags with a readable known_hosts do contact the host', async () => {
    const before = connections;
    const result = await cli(['plan'], join(dir, 'readable'));
    expect(result.stderr).not.toContain('--known-hosts');
    expect(result.stderr).toContain('127.0.0.1: unreachable');
    expect(connections - before).toBeGreaterThan(0);
  });
});
