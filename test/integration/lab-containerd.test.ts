// The containerd node kinds (issue 16) on one private lab (own state dir and ports, never the shared
// one): a failed RKE2 node, a K3s node with a custom data dir and a kubeadm node on the system
// containerd, beside an RKE1 docker node.
// The lab part: each is dirty and intact after seed; the by-hand cleanup of a real failed node
// (rke2-killall / kubeadm reset-like) makes the independent `status` say clean and intact, and a
// reseed makes them dirty again — so the oracle is proven both ways; careless cleanups are caught by
// the keepers; `down` leaves no process, netns or cgroup behind.
// nodescrub itself, over real SSH: `plan` lists what `run` removes, `run` leaves each node clean and
// intact by the lab's own status (no k8s.io shim, container or image, no RKE2/K3s containerd, no
// mount under the runtime paths, units disabled, config gone, binaries and every keeper present, the
// keeper-namespace tasks running), and a second run changes nothing.
// (One lab for both parts: bringing a lab with containerd nodes up costs most of this file's time.)

import { spawnSync } from 'node:child_process';
import { runCli } from './cli.js';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  REPO_ROOT,
  labInfo,
  labNode,
  labPortBase,
  labRun,
  labEnv,
  labRunOk,
  labSsh,
  labStatus,
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
// `up --kinds rke2,kubeadm` names its nodes rke2-1 and kubeadm-1; `up-kind` adds the K3s node to the running lab.
const NODES: Record<ContainerdKind, { name: string; dataDir: string }> = {
  rke2: { name: 'rke2-1', dataDir: '/var/lib/rancher/rke2' },
  k3s: { name: 'k3sa', dataDir: '/srv/k3s' },
  kubeadm: { name: 'kubeadm-1', dataDir: '-' },
};
const RKE1 = 'node1';
const ALL = [...Object.values(NODES).map((n) => n.name), RKE1];
const KINDS = Object.keys(NODES) as ContainerdKind[];
const statusOf = (kind: ContainerdKind): ContainerdLabStatus => containerdStatus([NODES[kind].name], options)[0];
const exec = (kind: ContainerdKind, script: string) => labRun(['exec', NODES[kind].name, '--', 'bash', '-c', script], options);
const ssh = (kind: ContainerdKind, command: string, stdin?: string) =>
  labSsh(NODES[kind].name, command, { dir, stdin, timeoutMs: 2 * MINUTES });
const zeroLeftovers = Object.fromEntries(CONTAINERD_LEFTOVER_KEYS.map((key) => [key, 0]));
const allKeepers = (kind: ContainerdKind) => Object.fromEntries(CONTAINERD_KEEPER_KEYS[kind].map((key) => [key, true]));

interface PlanHost {
  name: string;
  status: string;
  data: { path: string }[];
  steps: { id: string; artifacts: { category: string; name: string }[]; notes: string[]; noop?: string; refusal?: string }[];
}

/** The CLI on the private lab: its inventory, known_hosts and secrets. */
const cli = (command: string, ...args: string[]) =>
  runCli([command, '-i', join(dir, 'inventory.yaml'), '--known-hosts', join(dir, 'known_hosts'), '--connect-timeout', '10', ...args], {
    env: labEnv(dir),
    timeoutMs: 6 * MINUTES,
  });

function plan(): PlanHost[] {
  const result = cli('plan', '--limit', ALL.join(','), '--json');
  if (result.exitCode !== 0) throw new Error(`plan exited ${result.exitCode}: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { hosts: PlanHost[] }).hosts;
}

const artifactNames = (host: PlanHost, stepId: string) => host.steps.find((s) => s.id === stepId)?.artifacts.map((a) => a.name) ?? [];

describe('the containerd node kinds (rke2, k3s, kubeadm) on a private lab', () => {
  let before: Record<string, string>;

  beforeAll(() => {
    labRunOk(['down'], options);
    before = rootNamespaceSnapshot(options);
    labRunOk(['up', '1', '--no-faults', '--kinds', 'rke2,kubeadm'], options);
    labRunOk(['up-kind', 'k3s', NODES.k3s.name], options);
    labRunOk(['seed'], options); // node1 (RKE1) and the containerd kinds
  }, 6 * MINUTES);
  afterAll(() => labRun(['down'], options), 2 * MINUTES);

  test('inventory groups, nodes.json and the node table describe them', () => {
    const inventory = readFileSync(join(dir, 'inventory.yaml'), 'utf8');
    expect(inventory).toContain(`  rke2:\n    hosts: [${NODES.rke2.name}]\n`);
    expect(inventory).toContain(`  k3s:\n    hosts: [${NODES.k3s.name}]\n`);
    expect(inventory).toContain(`  kubeadm:\n    hosts: [${NODES.kubeadm.name}]\n`);
    expect(inventory).toContain(`  containerd:\n    hosts: [${NODES.rke2.name}, ${NODES.kubeadm.name}, ${NODES.k3s.name}]\n`);
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
        cluster_containerd: kind === 'kubeadm' ? 0 : 1, // kubeadm's pods run on the system containerd (a keeper)
        mounts: 10, // 4 task rootfs under /run/k3s (kubeadm: /run/containerd/…/k8s.io), 2 cni-* netns, 4 kubelet volume tmpfs
        cni_netns: 2,
        units: kind === 'k3s' ? 2 : 1, // RKE2, kubeadm: failed (main process dead) but enabled; K3s: active and enabled
        directories: kind === 'kubeadm' ? 4 : 3,
        k8s_content: kind === 'kubeadm' ? 5 : 0, // 4 containers and 1 image in the system containerd's k8s.io
        // issue 17 — RKE2: Cilium (host/net pair, vxlan, an lxc endpoint, lxc_health) and vxlan.calico; K3s:
        // flannel-v6.1, flannel.4096, cni0's foreign port podnic7; kubeadm: Weave's bridge and vxlan-6784
        net_links: { rke2: 6, k3s: 3, kubeadm: 2 }[kind],
        net_chains: { rke2: 7, k3s: 7, kubeadm: 4 }[kind], // K3s: flannel's 2 and the CNI plugins' 5
        net_rules: kind === 'rke2' ? 8 : 0, // cilium-feeder: and cali: rules in kept chains
        nft_tables: { rke2: 2, k3s: 3, kubeadm: 0 }[kind], // ip/ip6 calico; ip/ip6 kube-proxy + ip flannel-ipv4
        cni_state: kind === 'k3s' ? 0 : 1, // /run/cilium; /var/lib/weave
      });
      expect(status.info).toMatchObject({ active: kind === 'k3s' ? 'active' : 'failed', enabled: 'enabled', interfaces: 4 });
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
      grep -x 'data-dir: /srv/k3s' /etc/rancher/k3s/config.yaml.d/50-data-dir.yaml; readlink /srv/k3s/data/current
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
    const kubeadm = exec(
      'kubeadm',
      `set -e
      grep -x '    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem' /etc/kubernetes/kubelet.conf
      openssl x509 -noout -subject -in /var/lib/kubelet/pki/kubelet-client-current.pem >/dev/null && echo cert ok
      ls /etc/kubernetes/manifests | tr '\\n' ' '; echo; ls /var/lib/etcd/member | tr '\\n' ' '; echo
      systemctl is-active kubelet || true; systemctl is-enabled kubelet; ls /usr/lib/systemd/system/kubelet.service.d
      ps -eo args | grep -x '/usr/bin/containerd -c /etc/containerd/config.toml'
      ps -eo args | grep -c '^/usr/bin/containerd-shim-runc-v2 -namespace k8s.io -id [0-9a-f]\\{64\\} ' || true
      ps -eo args | grep -c '^/usr/bin/containerd-shim-runc-v2 -namespace moby -id notes-web ' || true
      ctr -n k8s.io images ls -q; ctr -n moby images ls -q
      findmnt -rn -o TARGET | grep -c '^/run/containerd/io.containerd.runtime.v2.task/k8s.io/[0-9a-f]\\{64\\}/rootfs$'
      pgrep -x kubelet || echo no kubelet`,
    );
    expect(kubeadm.stderr).toBe('');
    expect(kubeadm.stdout.trimEnd().split('\n')).toEqual([
      '    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem',
      'cert ok',
      'etcd.yaml kube-apiserver.yaml kube-controller-manager.yaml kube-scheduler.yaml ',
      'snap wal ',
      'failed',
      'enabled',
      '10-kubeadm.conf',
      '/usr/bin/containerd -c /etc/containerd/config.toml',
      '4',
      '1',
      'docker.io/rancher/lab-busybox:1.36',
      'docker.io/rancher/lab-busybox:1.36',
      '4',
      'no kubelet',
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

  let planned: PlanHost[] = [];

  test('nodescrub: the lab says all four are dirty and intact before it runs', () => {
    for (const kind of KINDS) expect(statusOf(kind)).toMatchObject({ clean: false, intact: true });
    expect(labStatus([RKE1], options)[0]).toMatchObject({ clean: false, intact: true });
  });

  test('nodescrub plan names the pods, shims, containerd, k8s.io content, cni netns, units to disable, runtime mounts and state dirs', () => {
    planned = plan();
    const rke2 = planned.find((h) => h.name === NODES.rke2.name)!;
    const k3s = planned.find((h) => h.name === NODES.k3s.name)!;
    const kubeadm = planned.find((h) => h.name === NODES.kubeadm.name)!;
    for (const host of [rke2, k3s, kubeadm]) {
      const containerd = artifactNames(host, 'containerd');
      expect(containerd.filter((n) => /^k8s\.io\/[0-9a-f]{64}$/.test(n))).toHaveLength(4);
      expect(containerd.filter((n) => n.startsWith('shim pid ')).length).toBe(4);
      // The RKE2/K3s containerd goes; never a system one (RKE2's keeper, kubeadm's pods' own).
      expect(containerd.filter((n) => n.startsWith('containerd pid '))).toHaveLength(host === kubeadm ? 0 : 1);
      expect(containerd.filter((n) => /^\/run\/netns\/cni-[0-9a-f-]{36}$/.test(n))).toHaveLength(2);
      const runtime = host === kubeadm ? '/run/containerd/io.containerd.runtime.v2.task/k8s.io/' : '/run/k3s/';
      expect(artifactNames(host, 'mounts').filter((n) => n.startsWith(runtime))).toHaveLength(4);
    }
    // kubeadm: the k8s.io image goes through the system containerd; moby's (docker's) is not listed.
    expect(artifactNames(kubeadm, 'containerd').filter((n) => !/^(k8s\.io\/[0-9a-f]{64}|shim pid \d+|\/run\/netns\/cni-.*)$/.test(n))).toEqual([
      'k8s.io/docker.io/rancher/lab-busybox:1.36',
    ]);
    expect(artifactNames(kubeadm, 'stop-services')).toContain('kubelet.service enabled');
    expect(artifactNames(kubeadm, 'directories').sort()).toEqual(['/etc/cni', '/etc/kubernetes', '/opt/cni', '/var/lib/etcd', '/var/lib/kubelet']);
    expect(kubeadm.data.map((d) => d.path)).toEqual(['/var/lib/etcd']);
    // issue 17: each CNI's devices, chains, nft tables and state; the near misses are not listed
    // (a device of the wrong kind is named in a note), the operator's tables and chains neither.
    const links = (host: PlanHost) => artifactNames(host, 'interfaces');
    expect(links(rke2)).toEqual(expect.arrayContaining(['cilium_host', 'cilium_net', 'cilium_vxlan', 'lxc_health', 'vxlan.calico']));
    expect(links(rke2).filter((n) => /^lxc[0-9a-f]{12}$/.test(n))).toHaveLength(1);
    expect(links(k3s)).toEqual(expect.arrayContaining(['flannel-v6.1', 'flannel.4096', 'podnic7']));
    expect(links(kubeadm)).toEqual(expect.arrayContaining(['weave', 'vxlan-6784']));
    for (const host of [rke2, k3s, kubeadm]) {
      for (const decoy of ['cilium_hostx', 'lxcABCDEF012345', 'lxc-keep', 'cilium_geneve', 'flannel.01', 'flannel-wg', 'vethkeep03', 'weave2', 'vxlan-6785']) {
        expect(links(host)).not.toContain(decoy);
      }
    }
    expect(rke2.steps.find((s) => s.id === 'interfaces')?.notes).toContain('cilium_geneve is a bridge, not the geneve Cilium (Geneve tunnel) makes: kept');
    expect(k3s.steps.find((s) => s.id === 'interfaces')?.notes).toContain('flannel-wg is a bridge, not the wireguard flannel (WireGuard backend) makes: kept');
    const chains = (host: PlanHost) => artifactNames(host, 'iptables').filter((n) => !n.includes(': -A '));
    expect(chains(rke2).map((n) => n.split('/').pop()).sort()).toEqual(
      ['CILIUM_FORWARD', 'CILIUM_INPUT', 'CILIUM_OUTPUT', 'CILIUM_OUTPUT_nat', 'CILIUM_POST_nat', 'CILIUM_PRE_nat', 'cali-FORWARD'],
    );
    expect(artifactNames(rke2, 'iptables').filter((n) => /--comment "?(cali:|cilium-feeder: )/.test(n))).toHaveLength(8);
    expect(artifactNames(rke2, 'iptables').some((n) => n.includes('calico-keep') || n.includes('CILIUM-KEEP') || n.includes('MY-FIREWALL'))).toBe(false);
    expect(chains(k3s).map((n) => n.split('/').pop()).sort()).toEqual([
      'CNI-0a1b2c3d4e5f6a7b8c9d0e1f', 'CNI-DN-4b1f8a0c2d3e5f6a7b8c9', 'CNI-HOSTPORT-DNAT', 'CNI-HOSTPORT-MASQ', 'CNI-HOSTPORT-SETMARK',
      'FLANNEL-FWD', 'FLANNEL-POSTRTG',
    ]);
    expect(artifactNames(k3s, 'iptables').some((n) => n.includes('CNI-KEEP') || n.includes('FLANNELS-KEEP'))).toBe(false);
    expect(chains(kubeadm).map((n) => n.split('/').pop()).sort()).toEqual(['WEAVE', 'WEAVE-EXPOSE', 'WEAVE-NPC', 'WEAVE-NPC-INGRESS']);
    expect(artifactNames(rke2, 'nftables')).toEqual(['nft ip calico', 'nft ip6 calico']);
    expect(artifactNames(k3s, 'nftables')).toEqual(['nft ip kube-proxy', 'nft ip6 kube-proxy', 'nft ip flannel-ipv4']);
    expect(artifactNames(kubeadm, 'nftables')).toEqual([]);
    expect(artifactNames(rke2, 'cni-state')).toEqual(['/run/cilium']);
    expect(artifactNames(rke2, 'mounts')).toContain('/run/cilium/cgroupv2');
    expect(artifactNames(kubeadm, 'cni-state')).toEqual(['/var/lib/weave']);
    expect(artifactNames(rke2, 'stop-services')).toContain('rke2-server.service enabled');
    expect(artifactNames(k3s, 'stop-services')).toContain('k3s.service enabled');
    expect(artifactNames(rke2, 'directories')).toEqual(expect.arrayContaining(['/etc/rancher/rke2', '/etc/rancher/node', '/var/lib/rancher']));
    expect(artifactNames(k3s, 'directories')).toEqual(expect.arrayContaining(['/etc/rancher/k3s', '/etc/rancher/node', '/srv/k3s']));
    expect(artifactNames(k3s, 'directories')).not.toContain('/srv/k3s-backup');
    // The datastore below the custom data dir is cluster data: archived before the data dir goes.
    expect(k3s.data.map((d) => d.path)).toContain('/srv/k3s/server/db');
    expect(rke2.data.map((d) => d.path)).toContain('/var/lib/rancher/rke2/server/db');
    for (const [host, name] of [[rke2, 'rke2'], [k3s, 'k3s']] as const) {
      expect(host.steps.find((s) => s.id === 'directories')?.notes).toContain(`${name}: binaries (/usr/local/bin/${name}, the killall and uninstall scripts) and unit files are kept`);
    }
    const rke1 = planned.find((h) => h.name === RKE1)!;
    expect(artifactNames(rke1, 'containerd')).toEqual([]); // docker's own containerd is none of it
  });

  test('nodescrub run cleans all four; the lab finds them clean and intact; what was removed is what plan listed', () => {
    const report = join(dir, 'run.json');
    const run = cli('run', '--limit', ALL.join(','), '--yes', '--report', report);
    expect({ exit: run.exitCode, stderr: run.exitCode === 0 ? '' : run.stderr }).toEqual({ exit: 0, stderr: '' });
    expect(run.stderr).toMatch(new RegExp(`^${NODES.k3s.name}: backup: \\S+ \\([^)]*\\) holds the cluster data /srv/k3s/server/db$`, 'm'));
    for (const kind of KINDS) expect(statusOf(kind)).toMatchObject({ clean: true, intact: true, leftovers: zeroLeftovers, keepers: allKeepers(kind) });
    expect(labStatus([RKE1], options)[0]).toMatchObject({ clean: true, intact: true });
    const doc = JSON.parse(readFileSync(report, 'utf8')) as { hosts: { name: string; status: string; steps: { id: string; removed: { name: string }[] }[] }[] };
    for (const host of doc.hosts) {
      expect({ host: host.name, status: host.status }).toEqual({ host: host.name, status: 'ok' });
      const before = planned.find((h) => h.name === host.name)!;
      for (const step of host.steps) {
        expect({ host: host.name, step: step.id, removed: step.removed.map((a) => a.name).sort() }).toEqual({
          host: host.name,
          step: step.id,
          removed: artifactNames(before, step.id).sort(),
        });
      }
    }
  });

  test('a second nodescrub run changes nothing: every step already clean', () => {
    const again = plan();
    for (const host of again) {
      for (const step of host.steps) expect({ host: host.name, step: step.id, artifacts: step.artifacts }).toEqual({ host: host.name, step: step.id, artifacts: [] });
    }
    const run = cli('run', '--limit', ALL.join(','), '--yes');
    expect(run.exitCode).toBe(0);
    for (const kind of KINDS) expect(statusOf(kind)).toMatchObject({ clean: true, intact: true, leftovers: zeroLeftovers, keepers: allKeepers(kind) });
  });

  test('careless cleanups are caught by the keepers, and a reseed restores them', () => {
    // rke2-killall as shipped: every containerd-shim dies (the system containerd's task too), and
    // `grep "^/run/k3s"` takes /run/k3s-notes with /run/k3s.
    const killEveryShim = `kill -KILL $(ps -eo pid=,args= | awk '$2 ~ /containerd-shim/ { print $1 }')`; // inside the node only
    expect(exec('rke2', `${killEveryShim}; ip link delete cni0-keep`).exitCode).toBe(0);
    expect(exec('k3s', 'umount /run/k3s-notes && systemctl disable k3s-notes; rm -rf /srv/k3s-backup').exitCode).toBe(0);
    // flannel's devices removed by prefix (`flannel*`): the bridge that only shares the name goes too.
    expect(exec('k3s', 'ip link delete flannel-wg').exitCode).toBe(0);
    // kubeadm reset done with a broad brush: every namespace's images go, every task rootfs is unmounted.
    const everyNamespace = `for ns in $(ctr ns ls -q); do for i in $(ctr -n $ns images ls -q); do ctr -n $ns images rm $i >/dev/null; done; done
      for m in $(findmnt -rn -o TARGET | grep '^/run/containerd/io.containerd.runtime.v2.task/'); do umount -l $m; done`;
    expect(exec('kubeadm', everyNamespace).exitCode).toBe(0);
    expect(statusOf('rke2')).toMatchObject({
      intact: false,
      keepers: { keeper_task: false, keep_bridge: false, system_containerd: true, backup_data: true },
    });
    expect(statusOf('k3s')).toMatchObject({
      intact: false,
      keepers: { notes_tmpfs: false, notes_unit: false, backup_data: false, binaries: true, net_decoy_links: false, nft_keep: true },
    });
    expect(statusOf('kubeadm')).toMatchObject({
      intact: false,
      keepers: { keeper_image: false, keeper_rootfs: false, system_containerd: true, containerd_config: true },
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
    expect(comms.filter((comm) => comm === 'containerd')).toHaveLength(4); // RKE2's, K3s's, the RKE2 and kubeadm nodes' system ones
    expect(comms.filter((comm) => comm.startsWith('containerd-shim')).length).toBe(14); // 3 × 4 pods, 2 keepers
    expect(comms.filter((comm) => comm === 'sleep').length).toBeGreaterThanOrEqual(14); // what runs in the tasks

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
