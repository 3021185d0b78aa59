// The lab's own "done" criteria (issue 2): seeded nodes are dirty in every category with every keeper
// intact; SSH into them is real and behaves per node; following the reference document by hand over
// ssh makes a node clean and leaves the keepers; a careless cleanup is caught; a whole lab cycle
// (and a failed `up`) leaves the root namespace exactly as it was and nothing behind.
// The shared test lab (global setup) is only read here; everything destructive runs on a private lab.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import {
  KEEPER_KEYS,
  LAB_SCRIPT,
  LEFTOVER_KEYS,
  REPO_ROOT,
  labEnv,
  labExec,
  labInfo,
  labNode,
  labNodes,
  labPortBase,
  labRun,
  labRunOk,
  labSeed,
  labSeedReport,
  labSsh,
  labStatus,
  rootNamespaceSnapshot,
  type LabRunOptions,
  type LabStatus,
} from './lab.js';

const MINUTES = 60_000;
const REFERENCE_CLEANUP = readFileSync(join(REPO_ROOT, 'scripts/lab.d/reference-cleanup.sh'), 'utf8');
const healthy = (): string[] => labNodes().filter((n) => n.kind === 'healthy').map((n) => n.name);

describe('a seeded lab', () => {
  // Global setup seeded every node; reseed only those that earlier tests may have cleaned or broken.
  beforeAll(() => {
    const fullyDirty = (s: LabStatus): boolean =>
      s.reachable && s.intact && s.leftovers !== null && LEFTOVER_KEYS.every((k) => k === 'images' || s.leftovers?.[k] !== 0);
    const stale = labStatus(['real']).filter((s) => !fullyDirty(s)).map((s) => s.node);
    if (stale.length > 0) labSeed(stale);
  }, 5 * MINUTES);

  test('every healthy node is dirty in every category, with every keeper intact', () => {
    const statuses = labStatus();
    expect(statuses.map((s) => s.node)).toEqual(healthy());
    for (const status of statuses) {
      expect(status).toMatchObject({ reachable: true, dockerd: true, clean: false, intact: true });
      const dirty = Object.fromEntries(LEFTOVER_KEYS.map((key) => [key, (status.leftovers?.[key] ?? 0) > 0]));
      expect({ node: status.node, dirty }).toEqual({
        node: status.node,
        dirty: Object.fromEntries(LEFTOVER_KEYS.map((key) => [key, true])),
      });
      expect(status.leftovers).toMatchObject({ directories: 16, mounts: 13, interfaces: 13, images: 2 });
      expect(status.keepers).toEqual(Object.fromEntries(KEEPER_KEYS.map((key) => [key, true])));
    }
  });

  test('the fault nodes are seeded too, and as described in nodes.json', () => {
    const faults = labNodes().filter((n) => n.kind === 'fault');
    expect(faults.map((n) => [n.name, n.expectedStatus])).toEqual([
      ['docker-down', 'step-failed'],
      ['unreachable', 'unreachable'],
      ['badkey', 'host-key-rejected'],
      ['hang', 'timed-out'],
      ['sudo-nopass', 'auth-failed'],
    ]);
    const byName = Object.fromEntries(labStatus(['faults']).map((s) => [s.node, s]));
    expect(byName.unreachable).toMatchObject({ reachable: false, leftovers: null, clean: false, intact: false });
    expect(byName['docker-down']).toMatchObject({ reachable: true, dockerd: false, intact: true });
    expect(byName['docker-down'].leftovers).toMatchObject({ containers: null, mounts: 13, directories: 16 });
    for (const name of ['badkey', 'hang', 'sudo-nopass']) {
      expect(byName[name]).toMatchObject({ reachable: true, dockerd: true, clean: false, intact: true });
    }
    expect(labNode('sudo-nopass')).toMatchObject({ user: 'opspw', become: true, becomePasswordEnv: 'NODESCRUB_LAB_WRONG_PASSWORD' });
  });

  test('names are random per node', () => {
    const [a, b] = healthy();
    const random = (node: string): string[] => {
      const report = labSeedReport(node);
      return [...report.volumes, ...report.caliWorkloads, ...report.kubeEndpoints, ...report.mounts.slice(1, -1)];
    };
    expect(random(a).length).toBeGreaterThan(15);
    expect(random(a).filter((name) => random(b).includes(name))).toEqual([]);
  });

  test('exec runs inside the node, never on the host', () => {
    const [node] = healthy();
    const result = labExec(node, 'hostname; ip -br link | cut -d" " -f1 | sed "s/@.*//" | sort; tr "\\0" " " </proc/1/cmdline');
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe(node);
    expect(lines).toEqual(expect.arrayContaining(['lo', 'eth0', 'cni0', 'flannel.1', 'tunl0', 'vethernet0']));
    expect(lines.at(-1)).toMatch(/^lab-init /);
    expect(labExec(node, 'exit 7').exitCode).toBe(7);
  });
});

describe('ssh into the lab', () => {
  test('root logs in by key; sshd sees a real TCP peer; the node has its own name, home and eth0', () => {
    const [node] = healthy();
    const spec = labNode(node);
    const started = Date.now();
    const result = labSsh(node, 'echo "$SSH_CONNECTION"; hostname; id -un; ls -A ~; ip -4 -o addr show dev eth0');
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    const [connection, hostname, user, ...rest] = result.stdout.trim().split('\n');
    expect(connection).toMatch(new RegExp(`^127\\.0\\.0\\.1 \\d+ 127\\.0\\.0\\.1 ${spec.port}$`));
    expect(hostname).toBe(node);
    expect(user).toBe('root');
    expect(rest.slice(0, -1).sort()).toEqual(['.bashrc', '.profile', '.ssh']);
    expect(rest.at(-1)).toContain(` ${spec.eth0} `);
  });

  test('ops has passwordless sudo; opspw needs the password from lab.env', () => {
    const env = labEnv();
    expect(labSsh('node2', 'sudo -n id -un')).toMatchObject({ exitCode: 0, stdout: 'root\n' });
    expect(labSsh('node3', 'sudo -n true').exitCode).not.toBe(0);
    const ok = labSsh('node3', "sudo -S -p '' id -un", { stdin: `${env.NODESCRUB_LAB_SUDO_PASSWORD}\n` });
    expect(ok).toMatchObject({ exitCode: 0, stdout: 'root\n' });
    const wrong = labSsh('node3', "sudo -S -p '' id -un", { stdin: `${env.NODESCRUB_LAB_WRONG_PASSWORD}\n` });
    expect(wrong.exitCode).not.toBe(0);
  });

  test('each fault node fails the way nodes.json says', () => {
    const env = labEnv();
    const badkey = labSsh('badkey', 'true');
    expect(badkey.exitCode).toBe(255);
    expect(badkey.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
    const unreachable = labSsh('unreachable', 'true');
    expect(unreachable.exitCode).toBe(255);
    expect(unreachable.stderr).toMatch(/Connection refused/);
    const dockerDown = labSsh('docker-down', 'docker ps');
    expect(dockerDown.exitCode).not.toBe(0);
    expect(dockerDown.stderr).toMatch(/Cannot connect to the Docker daemon/);
    expect(labSsh('hang', 'true').exitCode).toBe(0);
    expect(labSsh('hang', 'docker ps', { timeoutMs: 3000 }).timedOut).toBe(true);
    const sudo = labSsh('sudo-nopass', "sudo -S -p '' true", { stdin: `${env.NODESCRUB_LAB_WRONG_PASSWORD}\n` });
    expect(sudo.exitCode).not.toBe(0);
    expect(sudo.stderr).toMatch(/incorrect password|Sorry, try again/);
  }, MINUTES);
});

describe('a private lab (destructive tests stay off the shared test lab)', () => {
  // A second, small lab beside the test lab: its own state dir and ports. Cleaning, breaking and
  // reseeding happen here, so tests in other files that use the shared lab are never disturbed.
  const options: LabRunOptions = { dir: join(REPO_ROOT, '.lab-test-private'), portBase: labPortBase() + 100 };
  const dir = options.dir as string;
  const node = 'node1';
  const status = (): LabStatus => labStatus([node], options)[0];
  const ssh = (command: string, stdin?: string) => labSsh(node, command, { dir, stdin, timeoutMs: 2 * MINUTES });
  let before: Record<string, string>;

  beforeAll(() => {
    labRunOk(['down'], options);
    before = rootNamespaceSnapshot(options);
    labRunOk(['up', '1', '--no-faults'], options);
    labRunOk(['seed'], options);
  }, 5 * MINUTES);
  afterAll(() => labRun(['down'], options), 2 * MINUTES);

  test('a reseed puts new random names', () => {
    const names = (): string[] => {
      const report = labSeedReport(node, dir);
      return [...report.volumes, ...report.caliWorkloads, ...report.kubeEndpoints, ...report.mounts.slice(1, -1)];
    };
    const first = names();
    labRunOk(['seed'], options);
    expect(first.filter((name) => names().includes(name))).toEqual([]);
    expect(status()).toMatchObject({ clean: false, intact: true });
  }, 2 * MINUTES);

  test('seed --unless-pristine keeps a node nothing touched since its seed; a login or a lab exec makes it reseed', () => {
    // The test suite's labSeed relies on this: a node it keeps must be exactly as its seed left it.
    const volumes = (): string[] => labSeedReport(node, dir).volumes;
    const keep = () => labRunOk(['seed', '--unless-pristine', node], options).stderr;
    const seeded = volumes(); // the test above seeded last, then only read the status (no login)
    expect(keep()).toContain(`${node}: untouched since their own seed`);
    expect(volumes()).toEqual(seeded);
    expect(ssh('true').exitCode).toBe(0); // a login alone, however harmless
    expect(keep()).toContain(`seeded 1 nodes (${node})`);
    const relogged = volumes();
    expect(relogged.filter((v) => seeded.includes(v))).toEqual([]);
    labRunOk(['exec', node, '--', 'true'], options);
    expect(keep()).toContain(`seeded 1 nodes (${node})`);
    expect(volumes().filter((v) => relogged.includes(v))).toEqual([]);
    expect(keep()).toContain('untouched since');
  }, 3 * MINUTES);

  test("the reference's commands, run carefully by hand over real ssh, make status clean and intact", () => {
    expect(status()).toMatchObject({ clean: false, intact: true });
    const result = ssh('sh -s', REFERENCE_CLEANUP);
    expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(status()).toMatchObject({ reachable: true, clean: true, intact: true });
    expect(status().leftovers).toEqual({
      containers: 0, volumes: 0, images: 2, mounts: 0, directories: 0, interfaces: 0, iptables_chains: 0, iptables_rules: 0,
    });
    // Already clean: running it again changes nothing and fails nothing.
    expect(ssh('sh -s', REFERENCE_CLEANUP).exitCode).toBe(0);
    expect(status()).toMatchObject({ clean: true, intact: true });
  }, 3 * MINUTES);

  test('a careless cleanup is caught by the keepers, and a reseed restores them', () => {
    labRunOk(['seed'], options);
    const careless = 'iptables -F; iptables -X; ip6tables -F; ip6tables -X; ip link delete cni1; rm -rf /var/lib/mydata/notes';
    expect(ssh(careless).exitCode).toBe(0);
    const broken = status();
    expect(broken.intact).toBe(false);
    expect(broken.keepers).toMatchObject({
      my_firewall: false, decoy_chains: false, decoy_interfaces: false, mydata: false, eth0: true, users: true,
    });
    labRunOk(['seed'], options);
    expect(status()).toMatchObject({ clean: false, intact: true });
  }, 3 * MINUTES);

  const recordedPids = (): Array<{ pid: number; start: string }> =>
    readdirSync(join(dir, 'nodes')).flatMap((name) =>
      readdirSync(join(dir, 'nodes', name))
        .filter((file) => file.endsWith('.pid'))
        .map((file) => {
          const [pid, start] = readFileSync(join(dir, 'nodes', name, file), 'utf8').trim().split(' ');
          return { pid: Number(pid), start };
        }),
    );
  const alive = ({ pid, start }: { pid: number; start: string }): boolean => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return fields[0] !== 'Z' && fields[19] === start;
    } catch {
      return false;
    }
  };

  test('down leaves the root namespace as it was before up, and nothing behind', () => {
    const info = labInfo(dir);
    const pids = recordedPids();
    expect(pids.length).toBeGreaterThanOrEqual(4); // unshare, init, socat, dockerd
    expect(pids.every(alive)).toBe(true);

    const down = labRunOk(['down'], options);
    expect(down.stderr).toMatch(/down: .* gone/);
    expect(rootNamespaceSnapshot(options)).toEqual(before);
    expect(spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout).not.toContain(info.netnsPrefix);
    expect(pids.filter(alive)).toEqual([]);
    expect(spawnSync('findmnt', ['-rn', '-o', 'TARGET'], { encoding: 'utf8' }).stdout).not.toContain(dir);
    expect(existsSync(dir)).toBe(false);
    expect(labRun(['down'], options).exitCode).toBe(0); // idempotent
  }, 2 * MINUTES);

});

describe('failure paths', () => {
  const options: LabRunOptions = { dir: join(REPO_ROOT, '.lab-test-private'), portBase: labPortBase() + 100 };
  const dir = options.dir as string;
  afterAll(() => labRun(['down'], options), 2 * MINUTES);

  test('a failed up tears down what it made', async () => {
    const before = rootNamespaceSnapshot(options);
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen((options.portBase as number) + 1, '127.0.0.1', resolve));
    try {
      const result = labRun(['up', '1', '--no-faults'], options);
      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toMatch(/already in use/);
      expect(result.stderr).toMatch(/tearing down/);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
    expect(rootNamespaceSnapshot(options)).toEqual(before);
    expect(existsSync(dir)).toBe(false);
  }, 5 * MINUTES);

  test('scripts/lab refuses in one line without root or with a command missing', () => {
    const notRoot = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'bash', LAB_SCRIPT, 'status'], {
      encoding: 'utf8',
    });
    expect(notRoot.status).not.toBe(0);
    expect(notRoot.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^lab: the lab needs root/)]);
    // socat hidden (a non-executable /dev/null over it) in a private mount namespace only
    const missing = spawnSync(
      'unshare',
      ['--mount', '--propagation', 'private', 'bash', '-c', `mount --bind /dev/null "$(command -v socat)" && exec bash ${LAB_SCRIPT} status`],
      { encoding: 'utf8' },
    );
    expect(missing.status).not.toBe(0);
    expect(missing.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^lab: missing socat — fix: apt-get install -y socat /),
    ]);
  });
});
