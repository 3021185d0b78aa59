// The live-node guard fails closed, on the lab's cluster (scripts/lab.d/cluster-api.sh): one API
// server in the hub namespace that knows every node by its address (RKE1's default node name) and
// that each node reaches with RKE1's shared `system:node` certificate — so no certificate names the
// node, and nodescrub must find the name (the kubelet container's --hostname-override). The tests
// flip nodes to Ready, make one node's sshd refuse forwarding, and slow the API server down.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labArgs, runCli } from './cli.js';
import { labDir, labExec, labNode, labSeed, labStatus } from './lab.js';

const READY_BY_ADDRESS = 'node2';
const NO_FORWARDING = 'node4';
const OTHER = 'node1';
const NODES = [OTHER, READY_BY_ADDRESS, NO_FORWARDING];

const statePath = () => join(labDir(), 'cluster-api/state.json');
type ClusterState = { nodes: Record<string, { ready: string; heartbeatAgeSeconds: number; addresses?: string[] }>; delayMs?: number };
let original: string;
let sshdConfig: string;

const addressOf = (node: string) => labNode(node).eth0!.split('/')[0];
function setState(change: (state: ClusterState) => void): void {
  const state = JSON.parse(original) as ClusterState;
  change(state);
  writeFileSync(statePath(), JSON.stringify(state));
}
function ready(state: ClusterState, node: string): void {
  state.nodes[addressOf(node)] = { ready: 'True', heartbeatAgeSeconds: 2, addresses: [addressOf(node)] };
}

beforeAll(() => {
  labSeed(NODES);
  original = readFileSync(statePath(), 'utf8');
  sshdConfig = labExec(NO_FORWARDING, 'cat /etc/ssh/sshd_config').stdout;
}, 300_000);

afterAll(() => {
  if (original !== undefined) writeFileSync(statePath(), original);
  if (sshdConfig !== undefined) labExec(NO_FORWARDING, 'cat > /etc/ssh/sshd_config', { stdin: sshdConfig });
  labSeed(NODES);
}, 300_000);

describe('live-node guard on the lab cluster', () => {
  it('every seeded node is known to the cluster as NotReady: the guard lets it through, naming the answer', () => {
    const plan = runCli(['plan', ...labArgs('--limit', OTHER, '--json')]);
    const host = JSON.parse(plan.stdout).hosts[0];
    expect(host.refusals).toEqual([]);
    expect(host.liveness).toEqual({ verdict: 'not-live', evidence: [expect.stringContaining(`reports node "${addressOf(OTHER)}" NotReady`)] });
  });

  it('a Ready node known by its address, and a Ready node whose sshd refuses forwarding, are refused and untouched while another node is cleaned', () => {
    labExec(NO_FORWARDING, "printf '\\nAllowTcpForwarding no\\n' >> /etc/ssh/sshd_config");
    setState((state) => {
      ready(state, READY_BY_ADDRESS);
      ready(state, NO_FORWARDING);
    });
    const before = labStatus([READY_BY_ADDRESS, NO_FORWARDING]);
    const run = runCli(['run', ...labArgs('--limit', NODES.join(','), '--yes', '--json', '--step-timeout', '60')]);
    expect(run.exitCode).toBe(2);
    const hosts = Object.fromEntries(JSON.parse(run.stdout).hosts.map((h: { name: string }) => [h.name, h]));
    expect(hosts[OTHER].status).toBe('ok');
    expect(hosts[READY_BY_ADDRESS]).toMatchObject({ status: 'refused', reason: expect.stringContaining(`reports node "${addressOf(READY_BY_ADDRESS)}" Ready (last heartbeat`) });
    expect(hosts[NO_FORWARDING]).toMatchObject({
      status: 'refused',
      reason: expect.stringMatching(/reports node "[\d.]+" Ready \(last heartbeat \d+s ago, asked from node4 with \/etc\/kubernetes\/ssl\/kubecfg-kube-node\.yaml, by a request on the host \(the host's sshd refused port forwarding\)\)/),
    });
    const [other] = labStatus([OTHER]);
    expect(other).toMatchObject({ clean: true, intact: true });
    // Untouched: every leftover still there, every keeper intact (sshd_config aside: we changed it).
    const after = labStatus([READY_BY_ADDRESS, NO_FORWARDING]);
    expect(after.map((s) => s.leftovers)).toEqual(before.map((s) => s.leftovers));
    expect(after[0].intact).toBe(true);
    labExec(NO_FORWARDING, 'cat > /etc/ssh/sshd_config', { stdin: sshdConfig });
  });

  it('an API server too slow to answer is no answer: with the kubelet running the host is refused, naming what was tried; --force goes on', () => {
    labSeed([OTHER]);
    setState((state) => {
      state.delayMs = 8000; // beyond the guard's 5 s per request
    });
    const plan = runCli(['plan', ...labArgs('--limit', OTHER, '--json')]);
    const host = JSON.parse(plan.stdout).hosts[0];
    expect(host.refusals).toEqual([
      expect.stringMatching(
        new RegExp(
          `^live node: could not tell whether the cluster counts this host as live \\(node name from the RKE1 kubelet container's --hostname-override \\(docker inspect kubelet\\): "${addressOf(OTHER).replace(/\./g, '\\.')}"\\) — tried: the API server at https://10\\.250\\.255\\.1:6443 is not reachable \\(ETIMEDOUT: no answer within 5s\\).* — and it shows signs of life: container kubelet is running.* — refusing; use --force`,
        ),
      ),
    ]);
    expect(host.liveness).toMatchObject({ verdict: 'unknown', signs: expect.arrayContaining(['container kubelet is running']) });
    const forced = JSON.parse(runCli(['plan', ...labArgs('--limit', OTHER, '--json', '--force')]).stdout).hosts[0];
    expect(forced.refusals).toEqual([]);
    expect(forced.notes).toEqual(expect.arrayContaining([expect.stringMatching(/signs of life: .* — cleaning it anyway \(--force\)$/)]));
  });
});
