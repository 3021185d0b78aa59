// End to end without a lab: a dirty node seeded in private mount/net/pid namespaces (sandbox/seed.sh),
// then probe → plan → apply → probe → plan as the runner does (sandbox/driver.ts). Needs root and
// unshare; skipped elsewhere. Nothing outside the namespaces is touched: /var/lib, /var/log, /var/backups, /opt,
// /run and /tmp are fresh tmpfs inside them.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StepPlan } from '../../src/recipe/types.js';

const here = dirname(fileURLToPath(import.meta.url));
const UNSHARE = ['--mount', '--net', '--pid', '--fork', '--mount-proc', '--propagation', 'private'];
const usable =
  process.getuid?.() === 0 &&
  spawnSync('unshare', [...UNSHARE, 'sh', '-c', 'command -v iptables-legacy && command -v iptables-nft && command -v ip']).status === 0;

interface Applied {
  stepId: string;
  exitCode: number;
  failed: Array<{ command: string; exitCode: number }>;
  stderr: string;
}

interface Report {
  before: StepPlan[];
  applied: Applied[];
  after: StepPlan[];
  staleRerun: Applied[];
  afterStale: StepPlan[];
  pwned: string[];
  survivors: string[];
  links: string[];
  legacy4: string;
  nft4: string;
  nft6: string;
  backups: string[];
  /** containerd-seed.sh only (driver.ts containerdState). */
  processes?: string[];
  netns?: string[];
  keeperTasks?: string;
  paths?: Record<string, boolean>;
  mountsLeft: string[];
}

function runSandbox(seed: string): Report {
  const run = spawnSync('unshare', [...UNSHARE, process.execPath, '--import', 'tsx', join(here, 'sandbox/driver.ts')], {
    encoding: 'utf8',
    env: { ...process.env, SANDBOX_SEED: seed },
    timeout: 150_000,
    maxBuffer: 1 << 26,
  });
  if (run.status !== 0) throw new Error(`sandbox driver failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as Report;
}

/** Every plan of a verification probe: nothing left, nothing to run. */
function expectClean(plans: StepPlan[]): void {
  for (const plan of plans) {
    expect({ step: plan.stepId, artifacts: plan.artifacts, commands: plan.commands }).toEqual({ step: plan.stepId, artifacts: [], commands: [] });
  }
}

(usable ? describe : describe.skip)('a seeded node in a namespace sandbox', () => {
  let report: Report;

  beforeAll(() => {
    report = runSandbox('seed.sh');
  }, 160_000);

  it('plans work in every step but docker (CLI without daemon: a failure known from facts)', () => {
    const byId = Object.fromEntries(report.before.map((p) => [p.stepId, p]));
    expect(byId.docker.failure).toMatch(/daemon does not answer/);
    for (const id of ['stop-services', 'mounts', 'directories', 'interfaces', 'iptables']) {
      expect(byId[id].refusal).toBeUndefined();
      expect(byId[id].artifacts.length).toBeGreaterThan(0);
    }
  });

  it('runs every command successfully; the busy mount goes lazily, with the reason on stderr', () => {
    for (const step of report.applied) expect({ step: step.stepId, failed: step.failed }).toEqual({ step: step.stepId, failed: [] });
    expect(report.applied.find((s) => s.stepId === 'mounts')?.stderr).toContain('nodescrub: lazy unmount of /var/lib/kubelet/pods/p4/busy (busy)');
  });

  it('verifies clean: the second plan has nothing left (a second run would change nothing)', () => {
    expectClean(report.after);
    expect(report.mountsLeft).toEqual([]);
  });

  it('tolerates stale plans: rerun on the clean host, every command but the iptables transactions succeeds, and nothing changes', () => {
    for (const step of report.staleRerun.filter((s) => s.stepId !== 'iptables')) {
      expect({ step: step.stepId, failed: step.failed }).toEqual({ step: step.stepId, failed: [] });
    }
    // A stale `-D` no longer matches: iptables-restore refuses the whole table, changing nothing.
    expect(report.staleRerun.find((s) => s.stepId === 'iptables')?.failed.every((f) => f.command.includes('restore --noflush'))).toBe(true);
    expectClean(report.afterStale);
  });

  it('touches nothing else: siblings, symlink targets, near-miss and SSH interfaces, other chains, policies', () => {
    expect(report.pwned).toEqual([]);
    expect(report.survivors).toEqual(['/var/lib/kubeletfoo/keep', '/var/lib/kubelet x/keep', '/var/log/keepme/file']);
    expect(report.links.sort()).toEqual(['cali-keep', 'caliABCDEF01234', 'cni1', 'eth0', 'flannel.2', 'lo', 'veth0badc0de', 'veth12345', 'vethernet0'].sort());
    expect(report.legacy4).toContain(':FORWARD DROP');
    expect(report.legacy4).toContain('-A INPUT -j KEEP-ME');
    expect(report.legacy4).toContain('-A POSTROUTING -j KEEP-NAT');
    expect(report.legacy4).toContain('-A INPUT -m comment --comment "cali-x -j KUBE-Y" -j ACCEPT');
    expect(report.nft6).toContain('-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT');
    for (const dump of [report.legacy4, report.nft4, report.nft6]) expect(dump).not.toMatch(/^(:|-A )(KUBE-|cali-)|-[jg] (KUBE-|cali-)\S*$/m);
    expect(report.backups.sort()).toEqual(expect.arrayContaining([expect.stringMatching(/^iptables-ipv4-legacy-\d{8}T\d{6}Z\.rules$/), expect.stringMatching(/^iptables-ipv6-nft-/)]));
  });
});

const hasDockerd = usable && spawnSync('sh', ['-c', 'command -v dockerd && command -v docker && command -v busybox']).status === 0;

(hasDockerd ? describe : describe.skip)('a seeded docker node in a namespace sandbox (throwaway dockerd)', () => {
  let report: Report;

  beforeAll(() => {
    report = runSandbox('docker-seed.sh');
  }, 160_000);

  it('stops the agent, kubelet, kube-proxy and running pods (not the paused one), then removes everything', () => {
    const byId = Object.fromEntries(report.before.map((p) => [p.stepId, p]));
    const stopped = byId['stop-services'].artifacts.map((a) => a.detail?.split(' ')[1] ?? '');
    expect(stopped.slice(0, 2)).toEqual(['stoic_curie', 'kubelet']); // tiers 0 and 1, in order
    expect(stopped.slice(2).sort()).toEqual(['k8s_POD_app_ns_uid_0', 'k8s_app_app_ns_uid_0', 'kube-proxy']); // tier 2, any order
    expect(byId.docker.artifacts.filter((a) => a.category === 'containers')).toHaveLength(7);
    expect(byId.docker.artifacts.filter((a) => a.category === 'volumes').map((a) => a.name).sort()).toEqual(['0123456789abcdef', 'vol-a', 'vol-b']);
    expect(byId.docker.artifacts.filter((a) => a.category === 'images')).toHaveLength(1);
    for (const step of report.applied) expect({ step: step.stepId, failed: step.failed }).toEqual({ step: step.stepId, failed: [] });
  });

  it('verifies clean, and stale docker commands succeed on what is already gone', () => {
    expectClean(report.after);
    for (const step of report.staleRerun) expect({ step: step.stepId, failed: step.failed }).toEqual({ step: step.stepId, failed: [] });
    expectClean(report.afterStale);
  });
});

const hasContainerd = usable && spawnSync('sh', ['-c', 'command -v containerd && command -v ctr && command -v containerd-shim-runc-v2 && command -v runc && command -v busybox']).status === 0;

(hasContainerd ? describe : describe.skip)('a failed RKE2 node in a namespace sandbox (real containerd, shims and runc)', () => {
  let report: Report;
  const PODS = ['3f1c9a0e5b7d2c4a6e8f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d', '9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b'];

  beforeAll(() => {
    report = runSandbox('containerd-seed.sh');
  }, 160_000);

  it('plans the pods, their shims, the RKE2 containerd and the cni netns; the runtime mounts; the config dirs and /run/k3s', () => {
    const byId = Object.fromEntries(report.before.map((p) => [p.stepId, p]));
    const names = (id: string) => byId[id].artifacts.map((a) => a.name);
    expect(names('containerd')).toEqual(expect.arrayContaining([...PODS.map((id) => `k8s.io/${id}`), expect.stringMatching(/^containerd pid \d+$/), '/run/netns/cni-6a1c0f3e-2b4d-4e8f-9a1b-3c5d7e9f1a2b', '/run/netns/cni-0d2e4f6a-8b1c-4d3e-a5f7-9b1d3f5a7c9e']));
    expect(names('containerd').filter((n) => n.startsWith('shim pid '))).toHaveLength(2); // not the keeper's
    expect(names('containerd').filter((n) => n.startsWith('containerd pid '))).toHaveLength(1); // not the system one
    expect(names('mounts')).toEqual(expect.arrayContaining(PODS.flatMap((id) => [`/run/k3s/containerd/io.containerd.runtime.v2.task/k8s.io/${id}/rootfs`, `/run/k3s/containerd/io.containerd.grpc.v1.cri/sandboxes/${id}/shm`])));
    expect(names('mounts')).not.toContain('/run/k3s-notes');
    expect(names('directories')).toEqual(['/var/lib/kubelet', '/var/lib/rancher', '/etc/rancher/rke2', '/etc/rancher/node', '/run/k3s']);
    expect(names('directories')).not.toContain('/etc/rancher/rke2-backup');
  });

  it('runs every command successfully and verifies clean: no k8s.io shim, no RKE2 containerd, no mount below /run/k3s, no cni netns', () => {
    for (const step of report.applied) expect({ step: step.stepId, failed: step.failed }).toEqual({ step: step.stepId, failed: [] });
    expectClean(report.after);
    const live = report.processes!.filter((p) => !/^containerd(-shim)? $/.test(p)); // zombies print no command line
    expect(live.filter((p) => p.includes('-namespace k8s.io') || p.includes('/run/k3s/containerd'))).toEqual([]);
    expect(report.mountsLeft).toEqual([]);
    expect(report.netns).toEqual(['backup-cni-net']);
    expect(report.paths).toMatchObject({ '/etc/rancher/rke2': false, '/etc/rancher/node': false, '/var/lib/rancher': false, '/run/k3s': false });
  });

  it('leaves the system containerd, its keeper-namespace task and the near misses alone', () => {
    expect(report.processes!.some((p) => p.startsWith('containerd containerd -c /tmp/system-containerd.toml -a /run/containerd/containerd.sock'))).toBe(true);
    expect(report.processes!.some((p) => p.includes('-namespace keeper -id notes-web'))).toBe(true);
    expect(report.keeperTasks).toMatch(/^notes-web\s+\d+\s+RUNNING/m);
    expect(report.paths).toMatchObject({ '/etc/rancher/rke2-backup/config.yaml': true, '/srv/rke2-backup/keep': true, '/var/lib/containerd': true, '/run/k3s-notes/keep': true });
  });

  it('tolerates its own stale plan: every command succeeds again on the clean node and nothing is left', () => {
    for (const step of report.staleRerun) expect({ step: step.stepId, failed: step.failed }).toEqual({ step: step.stepId, failed: [] });
    expectClean(report.afterStale);
  });
});
