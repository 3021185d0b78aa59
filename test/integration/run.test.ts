// nodescrub run against the lab (real sshd, dockerd, mounts, interfaces, iptables): every healthy node
// ends clean with every keeper intact (the lab's own independent check), every fault node is
// reported as what it is, and a second run changes nothing.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliEnv, labArgs, runCli } from './cli.js';
import { labExec, labIdentityFile, labNodes, labPortBase, labRun, labRunOk, labSeed, labStatus, REPO_ROOT } from './lab.js';

// The paths the cleanup may touch, plus user data: plan must not change any of them.
const WATCHED = '/etc/ceph /etc/cni /etc/kubernetes /opt/cni /opt/rke /run/calico /run/flannel /var/lib/calico /var/lib/etcd /var/lib/cni /var/lib/kubelet /var/lib/rancher /var/log/containers /var/log/pods /var/lib/mydata /var/lib/docker';

describe('nodescrub run on the lab', () => {
  const out = mkdtempSync(join(tmpdir(), 'nodescrub-run-'));
  const healthy = labNodes().filter((n) => n.kind === 'healthy').map((n) => n.name);

  beforeAll(() => labSeed());

  it('cleans every healthy node exactly, reports each fault node as what it is', () => {
    const before = labStatus(healthy);
    for (const node of before) expect(node).toMatchObject({ clean: false, intact: true });

    // plan is read-only: the lab's status and the mtimes of every listed path are unchanged.
    const mtimes = () => healthy.map((name) => labExec(name, `stat -c '%n %Y %Z' ${WATCHED} 2>/dev/null; true`).stdout);
    const mtimesBefore = mtimes();
    const plan = runCli(['plan', ...labArgs('--json', '--limit', 'healthy')]);
    expect(plan.exitCode).toBe(0);
    expect(labStatus(healthy)).toEqual(before);
    expect(mtimes()).toEqual(mtimesBefore);
    const planned = new Map<string, string[]>(
      JSON.parse(plan.stdout).hosts.map((h: { name: string; steps: { artifacts: { category: string; name: string }[] }[] }) => [
        h.name,
        h.steps.flatMap((s) => s.artifacts.map((a) => `${a.category} ${a.name}`)).sort(),
      ]),
    );

    const run = runCli(['run', ...labArgs('--yes', '--step-timeout', '20', '--report', join(out, 'r.json'), '--log-dir', join(out, 'logs'))]);
    expect(run.exitCode).toBe(2);

    const report = JSON.parse(readFileSync(join(out, 'r.json'), 'utf8'));
    for (const node of labNodes()) {
      const host = report.hosts.find((h: { name: string }) => h.name === node.name);
      const label = host.status === 'ok' || host.status === 'unreachable' ? host.status : host.failure;
      expect({ node: node.name, status: label }).toEqual({ node: node.name, status: node.expectedStatus });
    }
    for (const node of labStatus(healthy)) {
      expect(node).toMatchObject({ clean: true, intact: true });
    }
    // The docker-down node: the container listing is the daemon check, and docker's own error is the reason.
    const dockerDown = report.hosts.find((h: { name: string }) => h.name === 'docker-down');
    const dockerStep = dockerDown.steps.find((s: { id: string }) => s.id === 'docker');
    expect(dockerStep.message).toMatch(/daemon does not answer: Cannot connect to the Docker daemon/);
    // Exact counts: what the report says was removed is what the lab had seeded.
    for (const status of before) {
      const host = report.hosts.find((h: { name: string }) => h.name === status.node);
      expect(host.removed.containers).toBe(status.leftovers!.containers);
      expect(host.removed.volumes).toBe(status.leftovers!.volumes);
      expect(host.removed.mounts).toBe(status.leftovers!.mounts);
      expect(host.removed.interfaces).toBe(status.leftovers!.interfaces);
    }
    expect(run.stdout).toMatch(/^node1\s+ok\s/m);
    // What plan listed is exactly what run removed.
    for (const name of healthy) {
      const host = report.hosts.find((h: { name: string }) => h.name === name);
      const removed = host.steps.flatMap((s: { removed: { category: string; name: string }[] }) => s.removed.map((a) => `${a.category} ${a.name}`)).sort();
      expect(removed).toEqual(planned.get(name));
    }
  });

  it('runs hosts under the concurrency limit', () => {
    const intervals = (concurrency: string) => {
      const result = runCli(['verify', ...labArgs('--limit', 'healthy', '-c', concurrency, '--output', 'ndjson')]);
      const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
      const starts = new Map(events.filter((e) => e.type === 'host-started').map((e) => [e.host, Date.parse(e.ts)]));
      return events.filter((e) => e.type === 'host-finished').map((e) => [starts.get(e.host) as number, Date.parse(e.ts)]);
    };
    const maxOverlap = (spans: number[][]) =>
      Math.max(...spans.map(([start]) => spans.filter(([s, e]) => s <= start && start < e).length));
    expect(maxOverlap(intervals('1'))).toBe(1);
    expect(maxOverlap(intervals('4'))).toBeGreaterThan(1);
  });

  it('a second run changes nothing and says already clean', () => {
    const logs = join(out, 'again-logs');
    const again = runCli(['run', ...labArgs('--yes', '--limit', 'healthy', '--json', '--log-dir', logs)]);
    expect(again.exitCode).toBe(0);
    const result = JSON.parse(again.stdout);
    for (const host of result.hosts) {
      expect(host.status).toBe('ok');
      for (const step of host.steps) expect(step.status).toBe('noop');
      // Nothing was sent but the one read-only probe: it is also the verification.
      const log = readFileSync(join(logs, `${host.name}.log`), 'utf8');
      expect(log.match(/^\S+ \[[^\]]+\] \$ /gm)).toEqual([expect.stringContaining('[discover] $ ')]);
      expect(log).toContain('[verify] verified clean at discovery (no command sent)');
    }
    expect(again.stderr).toContain('already clean');
  });

  it('verify is green on the cleaned nodes and red on a dirty one', () => {
    expect(runCli(['verify', ...labArgs('--limit', 'healthy')]).exitCode).toBe(0);
    labSeed([healthy[0]]);
    const red = runCli(['verify', ...labArgs('--limit', healthy[0])]);
    expect(red.exitCode).toBe(2);
    expect(red.stderr).toMatch(/not clean: .*containers/);
  });

  it('refuses to run without --yes when there is no TTY, changing nothing', () => {
    const before = labStatus([healthy[0]]);
    const refused = runCli(['run', ...labArgs('--limit', healthy[0])]);
    expect(refused.exitCode).toBe(3);
    expect(refused.stderr.trim()).toBe('nodescrub: refusing to run without confirmation: no TTY to ask on; add --yes to run non-interactively');
    expect(labStatus([healthy[0]])).toEqual(before);
  });
});

describe('the single-file build', () => {
  it('cleans a lab node with a plain `node nodescrub.mjs` from an empty folder', () => {
    const build = spawnSync('node', ['scripts/bundle.mjs'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(build.status).toBe(0);
    const empty = mkdtempSync(join(tmpdir(), 'nodescrub-bundle-'));
    copyFileSync(join(REPO_ROOT, 'dist/nodescrub.mjs'), join(empty, 'nodescrub.mjs'));
    const node = labNodes().find((n) => n.kind === 'healthy' && n.user === 'root')!;
    labSeed([node.name]);
    const run = spawnSync('node', ['nodescrub.mjs', 'run', ...labArgs('--yes', '--limit', node.name, '--step-timeout', '60')], {
      cwd: empty,
      encoding: 'utf8',
      env: cliEnv(),
    });
    expect({ exitCode: run.status, tail: run.stderr.split('\n').slice(-3) }).toMatchObject({ exitCode: 0 });
    expect(labStatus([node.name])[0]).toMatchObject({ clean: true, intact: true });
  });
});

describe('a node without docker', () => {
  it('is cleaned of everything else; the docker step says why it did nothing', () => {
    const node = labNodes().filter((n) => n.kind === 'healthy' && n.user === 'root').slice(-1)[0];
    labSeed([node.name]);
    // Hide docker inside the node only: non-executable files over the CLIs, /dev/null over the socket.
    const hide = [
      'set -e',
      'printf "" > /run/no-docker && chmod 644 /run/no-docker',
      'for f in /usr/bin/docker /usr/local/bin/docker; do [ -e "$f" ] && mount --bind /run/no-docker "$f"; done',
      'mount --bind /dev/null /var/run/docker.sock',
    ].join('\n');
    const unhide = 'for f in /var/run/docker.sock /usr/local/bin/docker /usr/bin/docker; do umount "$f" 2>/dev/null; done; true';
    try {
      expect(labExec(node.name, hide).exitCode).toBe(0);
      const run = runCli(['run', ...labArgs('--yes', '--limit', node.name, '--json', '--step-timeout', '60')]);
      expect(run.exitCode).toBe(0);
      const host = JSON.parse(run.stdout).hosts[0];
      const docker = host.steps.find((s: { id: string }) => s.id === 'docker');
      expect(docker).toMatchObject({ status: 'noop', message: 'docker not installed' });
    } finally {
      labExec(node.name, unhide);
    }
    const [status] = labStatus([node.name]);
    expect(status.intact).toBe(true);
    expect(status.leftovers).toMatchObject({ mounts: 0, directories: 0, interfaces: 0, iptables_chains: 0, iptables_rules: 0 });
    expect(status.leftovers!.containers).toBeGreaterThan(0); // docker's own state stays: nodescrub could not see it
    labSeed([node.name]);
  });
});

describe('a network filesystem below the cluster directories', () => {
  // A FUSE mount typed like sshfs, made without a daemon (the fd is closed at once, so every access
  // fails fast with ENOTCONN instead of hanging): what a dead sshfs/rclone/s3fs volume looks like.
  const node = labNodes().filter((n) => n.kind === 'healthy' && n.user === 'root')[0].name;
  const target = '/var/lib/kubelet/pods/fusepod/volumes/kubernetes.io~csi/pvc-fuse/mount';
  const mountFuse = [
    'set -e',
    `mkdir -p '${target}'`,
    'mknod -m 600 /dev/nodescrub-test-fuse c 10 229', // the node's /dev is a small tmpfs of its own
    'exec 3<>/dev/nodescrub-test-fuse',
    'rm /dev/nodescrub-test-fuse',
    `mount -i -t fuse.sshfs -o fd=3,rootmode=40000,user_id=0,group_id=0 backup@nas:/export '${target}'`,
  ].join('\n');
  const fuseMounted = () => labExec(node, `grep -c ' fuse.sshfs ' /proc/self/mountinfo`).stdout.trim() === '1';

  it('refuses the host and changes nothing; --force unmounts it and cleans', () => {
    labSeed([node]);
    try {
      expect(labExec(node, mountFuse).exitCode).toBe(0);
      expect(fuseMounted()).toBe(true);
      const before = labStatus([node]);

      const refused = runCli(['run', ...labArgs('--yes', '--limit', node, '--json')]);
      expect(refused.exitCode).toBe(2);
      const host = JSON.parse(refused.stdout).hosts[0];
      expect(host).toMatchObject({ status: 'refused', failure: 'refused' });
      expect(host.reason).toBe(
        `mounts: shared filesystem mounted below the cluster directories: ${target} (fuse.sshfs backup@nas:/export); unmount it or pass --force`,
      );
      expect(host.steps.every((step: { status: string }) => step.status === 'skipped')).toBe(true);
      expect(labStatus([node])).toEqual(before);
      expect(fuseMounted()).toBe(true);

      const forced = runCli(['run', ...labArgs('--yes', '--force', '--limit', node, '--json')]);
      expect(forced.exitCode).toBe(0);
      const mounts = JSON.parse(forced.stdout).hosts[0].steps.find((s: { id: string }) => s.id === 'mounts');
      expect(mounts.removed.map((a: { name: string }) => a.name)).toContain(target);
      expect(fuseMounted()).toBe(false);
      expect(labStatus([node])[0]).toMatchObject({ clean: true, intact: true });
    } finally {
      labExec(node, `umount -l '${target}' 2>/dev/null; true`);
    }
  });
});

describe('the interface that carries the SSH session', () => {
  // The lab's normal way in is lo; `scripts/lab door` adds one through a veth whose node end is named
  // like a CNI veth (veth + 8 hex), so the interface carrying the session matches the pattern.
  const node = labNodes().filter((n) => n.kind === 'healthy' && n.user === 'root').slice(-1)[0].name;
  const ifname = 'vethc0ffee01';
  const port = labPortBase() + 90;
  const out = mkdtempSync(join(tmpdir(), 'nodescrub-door-'));

  it('survives the cleanup while every other cluster interface goes', () => {
    labSeed([node]);
    const [seeded] = labStatus([node]);
    try {
      writeFileSync(join(out, 'known_hosts'), labRunOk(['door', node, 'open', ifname, String(port)]).stdout);
      writeFileSync(
        join(out, 'inventory.yaml'),
        `defaults: { user: root, identityFile: ${labIdentityFile()} }\nhosts:\n  - { name: ${node}, address: 127.0.0.1, port: ${port} }\n`,
      );
      const args = ['-i', join(out, 'inventory.yaml'), '--known-hosts', join(out, 'known_hosts'), '--connect-timeout', '5'];
      // Proof that the session really enters through it.
      expect(labExec(node, `ip -o link show dev ${ifname}`).exitCode).toBe(0);

      const run = runCli(['run', ...args, '--yes', '--json']);
      expect(run.exitCode).toBe(0);
      const host = JSON.parse(run.stdout).hosts[0];
      const interfaces = host.steps.find((s: { id: string }) => s.id === 'interfaces');
      expect(interfaces.notes).toContain(`${ifname} carries the SSH session (or is tied to it): kept`);
      expect(interfaces.removed.map((a: { name: string }) => a.name)).not.toContain(ifname);
      expect(host.removed.interfaces).toBe(seeded.leftovers!.interfaces);
      expect(labExec(node, `ip -o link show dev ${ifname} up`).stdout).toContain(ifname);
      // The way in still works after the cleanup: a fresh login through it sees a clean host.
      expect(runCli(['verify', ...args]).exitCode).toBe(0);
    } finally {
      labRun(['door', node, 'close']);
    }
    expect(labStatus([node])[0]).toMatchObject({ clean: true, intact: true });
  });
});
