// nodescrub itself on the containerd node kinds (issue 16), over real SSH: a failed RKE2 node and a
// K3s node with a custom data dir, next to an RKE1 docker node, on a private lab. `plan` lists what
// `run` removes, `run` leaves each node clean and intact by the lab's own status (no k8s.io shim, no
// RKE2/K3s containerd, no mount under the runtime paths, units disabled, config gone, binaries and
// every keeper present, the keeper-namespace task running), and a second run changes nothing.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { runCli } from './cli.js';
import { containerdStatus, type ContainerdKind } from './lab-containerd.js';
import { labEnv, labPortBase, labRun, labRunOk, labStatus, REPO_ROOT, type LabRunOptions } from './lab.js';

const MINUTES = 60_000;
const options: LabRunOptions = { dir: join(REPO_ROOT, '.lab-test-containerd-run'), portBase: labPortBase() + 180 };
const dir = options.dir as string;
const NODES: Record<ContainerdKind, string> = { rke2: 'rke2-1', k3s: 'k3sa' };
const RKE1 = 'node1';
const ALL = [NODES.rke2, NODES.k3s, RKE1];

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

describe('nodescrub on RKE2 and K3s nodes (real containerd, shims, mounts) beside an RKE1 node', () => {
  beforeAll(() => {
    labRunOk(['down'], options);
    labRunOk(['up', '1', '--no-faults', '--kinds', 'rke2'], options);
    labRunOk(['up-kind', 'k3s', NODES.k3s], options);
    labRunOk(['seed'], options);
  }, 6 * MINUTES);
  afterAll(() => labRun(['down'], options), 3 * MINUTES);

  let planned: PlanHost[] = [];

  test('the lab says all three are dirty and intact after seed', () => {
    for (const kind of ['rke2', 'k3s'] as const) expect(containerdStatus([NODES[kind]], options)[0]).toMatchObject({ clean: false, intact: true });
    expect(labStatus([RKE1], options)[0]).toMatchObject({ clean: false, intact: true });
  });

  test('plan names the pods, shims, containerd, cni netns, units to disable, runtime mounts and state dirs', () => {
    planned = plan();
    const rke2 = planned.find((h) => h.name === NODES.rke2)!;
    const k3s = planned.find((h) => h.name === NODES.k3s)!;
    for (const host of [rke2, k3s]) {
      const containerd = artifactNames(host, 'containerd');
      expect(containerd.filter((n) => n.startsWith('k8s.io/')).length).toBeGreaterThan(0);
      expect(containerd.filter((n) => n.startsWith('shim pid ')).length).toBeGreaterThan(0);
      expect(containerd.filter((n) => n.startsWith('containerd pid '))).toHaveLength(1); // never the system one
      expect(containerd.some((n) => /^\/run\/netns\/cni-[0-9a-f-]{36}$/.test(n))).toBe(true);
      expect(artifactNames(host, 'mounts').some((n) => n.startsWith('/run/k3s/'))).toBe(true);
    }
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

  test('run cleans all three; the lab finds them clean and intact; what was removed is what plan listed', () => {
    const report = join(dir, 'run.json');
    const run = cli('run', '--limit', ALL.join(','), '--yes', '--report', report);
    expect({ exit: run.exitCode, stderr: run.exitCode === 0 ? '' : run.stderr }).toEqual({ exit: 0, stderr: '' });
    expect(run.stderr).toMatch(new RegExp(`^${NODES.k3s}: backup: \\S+ \\([^)]*\\) holds the cluster data /srv/k3s/server/db$`, 'm'));
    for (const kind of ['rke2', 'k3s'] as const) expect(containerdStatus([NODES[kind]], options)[0]).toMatchObject({ clean: true, intact: true });
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

  test('a second run changes nothing: every step already clean', () => {
    const again = plan();
    for (const host of again) {
      for (const step of host.steps) expect({ host: host.name, step: step.id, artifacts: step.artifacts }).toEqual({ host: host.name, step: step.id, artifacts: [] });
    }
    const run = cli('run', '--limit', ALL.join(','), '--yes');
    expect(run.exitCode).toBe(0);
    for (const kind of ['rke2', 'k3s'] as const) expect(containerdStatus([NODES[kind]], options)[0]).toMatchObject({ clean: true, intact: true });
  });
});
