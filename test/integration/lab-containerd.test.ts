// The lab's containerd node kinds (issue 16, the lab part): an RKE2 and a K3s node are dirty and
// intact after seed; the by-hand cleanup of a real failed node (rke2-killall-like) makes the
// independent `status` say clean and intact, and a reseed makes them dirty again — so the oracle is
// proven both ways; careless cleanups are caught by the keepers; `down` leaves no process, netns or
// cgroup behind. Everything runs on a private lab (own state dir and ports), never on the shared one.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  REPO_ROOT,
  labInfo,
  labNode,
  labPortBase,
  labRun,
  labRunOk,
  labSsh,
  rootNamespaceSnapshot,
  type LabRunOptions,
} from './lab.js';
import {
  CONTAINERD_KEEPER_KEYS,
  CONTAINERD_LEFTOVER_KEYS,
  CONTAINERD_REFERENCE_CLEANUP,
  containerdSeedReport,
  containerdStatus,
  type ContainerdKind,
  type ContainerdLabStatus,
} from './lab-containerd.js';

const MINUTES = 60_000;
const options: LabRunOptions = { dir: join(REPO_ROOT, '.lab-test-containerd'), portBase: labPortBase() + 150 };
const dir = options.dir as string;
// `up --kinds rke2` names its node rke2-1; `up-kind` adds the K3s node to the running lab.
const NODES: Record<ContainerdKind, { name: string; dataDir: string }> = {
  rke2: { name: 'rke2-1', dataDir: '/var/lib/rancher/rke2' },
  k3s: { name: 'k3sa', dataDir: '/srv/k3s' },
};
const KINDS = Object.keys(NODES) as ContainerdKind[];
const statusOf = (kind: ContainerdKind): ContainerdLabStatus => containerdStatus([NODES[kind].name], options)[0];
const exec = (kind: ContainerdKind, script: string) => labRun(['exec', NODES[kind].name, '--', 'bash', '-c', script], options);
const ssh = (kind: ContainerdKind, command: string, stdin?: string) =>
  labSsh(NODES[kind].name, command, { dir, stdin, timeoutMs: 2 * MINUTES });
const zeroLeftovers = Object.fromEntries(CONTAINERD_LEFTOVER_KEYS.map((key) => [key, 0]));
const allKeepers = (kind: ContainerdKind) => Object.fromEntries(CONTAINERD_KEEPER_KEYS[kind].map((key) => [key, true]));

describe('the containerd node kinds (rke2, k3s) on a private lab', () => {
  let before: Record<string, string>;

  beforeAll(() => {
    labRunOk(['down'], options);
    before = rootNamespaceSnapshot(options);
    labRunOk(['up', '1', '--no-faults', '--kinds', 'rke2'], options);
    labRunOk(['up-kind', 'k3s', NODES.k3s.name], options);
    labRunOk(['seed', 'containerd'], options);
  }, 5 * MINUTES);
  afterAll(() => labRun(['down'], options), 2 * MINUTES);

  test('inventory groups, nodes.json and the node table describe them', () => {
    const inventory = readFileSync(join(dir, 'inventory.yaml'), 'utf8');
    expect(inventory).toContain(`  rke2:\n    hosts: [${NODES.rke2.name}]\n`);
    expect(inventory).toContain(`  k3s:\n    hosts: [${NODES.k3s.name}]\n`);
    expect(inventory).toContain(`  containerd:\n    hosts: [${NODES.rke2.name}, ${NODES.k3s.name}]\n`);
    expect(inventory).toContain('  healthy:\n    hosts: [node1]\n');
    for (const kind of KINDS) {
      expect(labNode(NODES[kind].name, dir)).toMatchObject({ kind, real: true, dockerd: false, expectedStatus: 'ok' });
    }
    // The known_hosts line of the added node is right: real ssh works.
    expect(ssh('k3s', 'hostname').stdout.trim()).toBe(NODES.k3s.name);
  });

  test('after seed: dirty in every category, every keeper intact', () => {
    for (const kind of KINDS) {
      const status = statusOf(kind);
      expect(status).toMatchObject({ reachable: true, clean: false, intact: true, keepers: allKeepers(kind) });
      expect(status.leftovers).toEqual({
        shims: 4, // 2 pods × (sandbox + container), one real shim per task
        pod_processes: 4,
        cluster_containerd: 1,
        mounts: 10, // 4 task rootfs under /run/k3s, 2 cni-* netns, 4 kubelet volume tmpfs
        cni_netns: 2,
        units: kind === 'rke2' ? 1 : 2, // RKE2: failed (main process dead) but enabled; K3s: active and enabled
        directories: 3,
      });
      expect(status.info).toMatchObject({ active: kind === 'rke2' ? 'failed' : 'active', enabled: 'enabled', interfaces: 4 });
      expect(containerdSeedReport(NODES[kind].name, dir).pods).toHaveLength(2);
    }
  });

  test("a node looks like a real one: paths, the cluster containerd's command line, shims, mounts, units", () => {
    const { dataDir } = NODES.rke2;
    const rke2 = exec(
      'rke2',
      `set -e
      grep -x 'server: https://10.250.255.1:9345' /etc/rancher/rke2/config.yaml; grep -c '^token: K10' /etc/rancher/rke2/config.yaml
      test -s /etc/rancher/node/password; readlink ${dataDir}/bin
      ls ${dataDir}/bin/ | tr '\\n' ' '; echo
      grep -x '    server: https://10.250.255.1:6443' ${dataDir}/agent/kubelet.kubeconfig
      echo "log age $(( $(date +%s) - $(stat -c %Y ${dataDir}/agent/logs/kubelet.log) ))"
      ls ${dataDir}/server/db/etcd/member
      systemctl is-active rke2-server || true; systemctl is-enabled rke2-server; ls /usr/local/lib/systemd/system/rke2-server.service
      ps -eo args | grep '^${dataDir}/data/.*/bin/containerd ' | grep -v grep
      ps -eo args | grep -c '^${dataDir}/data/.*/bin/containerd-shim-runc-v2 -namespace k8s.io -id [0-9a-f]\\{64\\} ' || true
      pgrep -x kubelet || echo no kubelet
      findmnt -rn -o TARGET | grep -c '^/run/k3s/containerd/io.containerd.runtime.v2.task/k8s.io/[0-9a-f]\\{64\\}/rootfs$'
      ip -o link show master cni0 | wc -l; ip -d link show flannel.1 | grep -o 'vxlan id 1'
      command -v docker dockerd || echo no docker`,
    );
    expect(rke2.stderr).toBe('');
    expect(rke2.stdout.split('\n')).toEqual([
      'server: https://10.250.255.1:9345',
      '1',
      'data/v1.31.9-rke2r1/bin',
      'containerd containerd-shim-runc-v2 ctr kubelet runc ',
      '    server: https://10.250.255.1:6443',
      expect.stringMatching(/^log age (\d{5}|[4-9]\d{3})$/), // ≥ 1 h
      'snap',
      'wal',
      'failed',
      'enabled',
      '/usr/local/lib/systemd/system/rke2-server.service',
      `${dataDir}/data/v1.31.9-rke2r1/bin/containerd -c ${dataDir}/agent/etc/containerd/config.toml -a /run/k3s/containerd/containerd.sock --state /run/k3s/containerd --root ${dataDir}/agent/containerd`,
      '4',
      'no kubelet',
      '4',
      '2',
      'vxlan id 1',
      'no docker',
      '',
    ]);
    const k3s = exec(
      'k3s',
      `set -e
      grep -x 'data-dir: /srv/k3s' /etc/rancher/k3s/config.yaml; readlink /srv/k3s/data/current
      for l in kubectl crictl ctr; do readlink /usr/local/bin/$l; done
      k3s ctr tasks ls -q | wc -l; ctr containers ls -q | wc -l
      systemctl is-active k3s; systemctl is-enabled k3s; ls /etc/systemd/system/k3s.service
      ps -eo args | grep -c '^/srv/k3s/data/[0-9a-f]*/bin/containerd .*--root /srv/k3s/agent/containerd' || true`,
    );
    expect(k3s.stderr).toBe('');
    expect(k3s.stdout.trim().split('\n')).toEqual([
      'data-dir: /srv/k3s',
      expect.stringMatching(/^[0-9a-f]{64}$/),
      'k3s',
      'k3s',
      'k3s',
      '4',
      '4',
      'active',
      'enabled',
      '/etc/systemd/system/k3s.service',
      '1',
    ]);
  });

  test('the by-hand cleanup of a real node makes status clean and intact; a reseed makes it dirty again', () => {
    for (const kind of KINDS) {
      const command = `sh -s ${kind} ${NODES[kind].dataDir}`;
      const result = ssh(kind, command, CONTAINERD_REFERENCE_CLEANUP);
      expect({ kind, exitCode: result.exitCode, stderr: result.stderr }).toEqual({ kind, exitCode: 0, stderr: '' });
      const status = statusOf(kind);
      expect(status).toMatchObject({ clean: true, intact: true, leftovers: zeroLeftovers, keepers: allKeepers(kind) });
      expect(status.info).toMatchObject({ active: 'inactive', enabled: 'disabled', interfaces: 0 });
      // Already clean: a second run changes nothing and fails nothing.
      expect(ssh(kind, command, CONTAINERD_REFERENCE_CLEANUP).exitCode).toBe(0);
      expect(statusOf(kind)).toMatchObject({ clean: true, intact: true });
    }
    labRunOk(['seed', 'containerd'], options);
    for (const kind of KINDS) {
      expect(statusOf(kind)).toMatchObject({ clean: false, intact: true });
      expect(statusOf(kind).leftovers?.shims).toBe(4);
    }
  }, 3 * MINUTES);

  test('careless cleanups are caught by the keepers, and a reseed restores them', () => {
    // rke2-killall as shipped: every containerd-shim dies (the system containerd's task too), and
    // `grep "^/run/k3s"` takes /run/k3s-notes with /run/k3s.
    const killEveryShim = `kill -KILL $(ps -eo pid=,args= | awk '$2 ~ /containerd-shim/ { print $1 }')`; // inside the node only
    expect(exec('rke2', `${killEveryShim}; ip link delete cni0-keep`).exitCode).toBe(0);
    expect(exec('k3s', 'umount /run/k3s-notes && systemctl disable k3s-notes; rm -rf /srv/k3s-backup').exitCode).toBe(0);
    expect(statusOf('rke2')).toMatchObject({
      intact: false,
      keepers: { keeper_task: false, keep_bridge: false, system_containerd: true, backup_data: true },
    });
    expect(statusOf('k3s')).toMatchObject({
      intact: false,
      keepers: { notes_tmpfs: false, notes_unit: false, backup_data: false, binaries: true },
    });
    labRunOk(['seed', 'containerd'], options);
    for (const kind of KINDS) expect(statusOf(kind)).toMatchObject({ clean: false, intact: true });
  }, 3 * MINUTES);

  // Every process of the lab's nodes as the host sees it: the descendants of each node's init
  // (containerd, shims and pod processes included), with start times so a recycled pid is not "alive".
  const processTable = () =>
    readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .flatMap((pid) => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          return [{ pid: Number(pid), ppid: Number(fields[1]), state: fields[0], start: fields[19], comm }];
        } catch {
          return [];
        }
      });
  const nodeProcesses = (nodes = readdirSync(join(dir, 'nodes'))) => {
    const table = processTable();
    const inits = nodes.flatMap((node) => {
      const file = join(dir, 'nodes', node, 'init.pid');
      return existsSync(file) ? [Number(readFileSync(file, 'utf8').split(' ')[0])] : [];
    });
    const found = new Set(inits);
    for (let grew = true; grew; ) {
      grew = false;
      for (const p of table) {
        if (!found.has(p.pid) && found.has(p.ppid)) {
          found.add(p.pid);
          grew = true;
        }
      }
    }
    return table.filter((p) => found.has(p.pid) && p.state !== 'Z');
  };

  test('down stops every containerd, shim and pod process and leaves no netns or cgroup behind', () => {
    const info = labInfo(dir);
    const podNetns = KINDS.flatMap((kind) => containerdSeedReport(NODES[kind].name, dir).pods.map((pod) => pod.netns));
    const processes = nodeProcesses();
    const comms = nodeProcesses(KINDS.map((kind) => NODES[kind].name)).map((p) => p.comm);
    expect(comms.filter((comm) => comm === 'containerd')).toHaveLength(3); // RKE2's, K3s's, the RKE2 node's system one
    expect(comms.filter((comm) => comm.startsWith('containerd-shim')).length).toBe(9); // 4 + 4 pods, 1 keeper
    expect(comms.filter((comm) => comm === 'sleep').length).toBeGreaterThanOrEqual(9); // what runs in the tasks

    expect(labRunOk(['down'], options).stderr).toMatch(/down: .* gone/);
    const alive = new Set(processTable().map((p) => `${p.pid} ${p.start}`));
    expect(processes.filter((p) => alive.has(`${p.pid} ${p.start}`))).toEqual([]);
    const netns = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
    expect(netns).not.toContain(info.netnsPrefix);
    for (const name of podNetns) expect(netns).not.toContain(name);
    const cgroups = spawnSync('sh', ['-c', `ls -d /sys/fs/cgroup/*/nodescrub-lab-${info.labId}-* 2>/dev/null`], {
      encoding: 'utf8',
    }).stdout;
    expect(cgroups).toBe('');
    expect(rootNamespaceSnapshot(options)).toEqual(before);
    expect(existsSync(dir)).toBe(false);
  }, 2 * MINUTES);
});
