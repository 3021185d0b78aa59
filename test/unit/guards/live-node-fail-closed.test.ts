// The live-node guard's fail-closed rules, end to end through createLiveNodeGuard: the real read
// script and the real host-side request (curl) on the stand-in host, TLS with client certificates
// against the in-process fake API server.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLiveNodeGuard, type LiveNodeOptions } from '../../../src/guards/live-node.js';
import type { Facts } from '../../../src/recipe/types.js';
import type { HookContext } from '../../../src/run/hooks.js';
import type { CommandEvent } from '../../../src/transport/exec-script.js';
import { closedPort, hostSpec, kubeletKubeconfig, makeFakeHost, type FakeHost } from '../../fixtures/guards/host.js';
import { makeTestPki, startFakeApiServer, type FakeApiServer, type FakeState, type TestPki } from '../../../scripts/lab.d/fake-apiserver.js';

let dir: string;
let pki: TestPki;
let api: FakeApiServer;
const state: FakeState = { nodes: {} };
let host: FakeHost | undefined;
let closed: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nodescrub-failclosed-'));
  pki = makeTestPki(mkdtempSync(join(dir, 'pki-')), { serverIps: ['127.0.0.1'], serverDns: ['localhost'], clientCns: ['system:node:node4', 'system:node'] });
  api = await startFakeApiServer({ pki, host: '127.0.0.1', port: 0, state });
  closed = await closedPort();
});
afterAll(async () => {
  await api?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  host?.remove();
  host = undefined;
  state.nodes = {};
  delete state.forceStatus;
  delete state.listStatus;
  delete state.delayMs;
  api.requests.length = 0;
});

const OPTIONS: LiveNodeOptions = { maxHeartbeatAgeMs: 300_000, requestTimeoutMs: 2000, stepTimeoutMs: 10_000 };
const RKE1_KC = '/etc/kubernetes/ssl/kubecfg-kube-node.yaml';

function context(fake: FakeHost, options: { force?: boolean; facts?: Partial<Facts>; recorded?: CommandEvent[] } = {}): HookContext {
  return {
    host: hostSpec({ name: 'node4' }),
    transport: fake.transport,
    facts: (options.facts ?? {}) as Facts,
    plan: { steps: [], refusals: [], failures: [] },
    recipe: { removeImages: false, force: options.force ?? false },
    signal: new AbortController().signal,
    ...(options.recorded ? { emit: (event: CommandEvent) => void options.recorded!.push(event) } : {}),
  };
}

/** An RKE1 node: kubeconfig + CA/cert/key files at the usual paths (under the stand-in root). */
function rke1Node(fake: FakeHost, options: { cn?: string; port?: number } = {}): void {
  const client = pki.clients[options.cn ?? 'system:node:node4'];
  const ca = fake.put('/etc/kubernetes/ssl/kube-ca.pem', pki.caCert);
  const cert = fake.put('/etc/kubernetes/ssl/kube-node.pem', client.cert);
  const key = fake.put('/etc/kubernetes/ssl/kube-node-key.pem', client.key);
  fake.put(RKE1_KC, kubeletKubeconfig({ server: `https://127.0.0.1:${options.port ?? api.port}`, ca, cert, key }));
}

/** What src/ssh/transfer.ts produces when the host's sshd has `AllowTcpForwarding no`. */
const prohibited = async (h: string, p: number): Promise<never> => {
  throw Object.assign(new Error(`connecting to ${h}:${p} from the host failed: the host's sshd refused port forwarding (administratively prohibited)`), { code: 'EFORWARDPROHIBITED' });
};

const running = (comm: string, pid: number) => ({ services: { systemd: true, units: [], processes: [{ pid, comm }] } }) as unknown as Partial<Facts>;
const kubeletContainer = { docker: { status: 'ok', containers: [{ id: 'c'.repeat(64), names: ['kubelet'], image: 'rancher/hyperkube:v1.20.4-rancher1', state: 'running', running: true }], volumes: [], images: [] } } as unknown as Partial<Facts>;
const paths = () => api.requests.map((r) => r.path);

/** This machine's own addresses (what the read script's `ip -o addr` sees), without loopback and link-local. */
function ownAddresses(): string[] {
  const out = spawnSync('ip', ['-o', 'addr', 'show'], { encoding: 'utf8' }).stdout ?? '';
  return [...out.matchAll(/\sinet6?\s+([0-9a-fA-F.:]+)\//g)].map((m) => m[1].toLowerCase()).filter((a) => !/^(127\.|::1$|fe80:|169\.254\.)/.test(a));
}
const address = ownAddresses()[0];
const withAddress = address ? it : it.skip;

describe('forwarding refused: the same GET with curl on the host', () => {
  it('EFORWARDPROHIBITED: asks on the host; Ready -> refused, the evidence names the API server', async () => {
    host = makeFakeHost({ hostname: 'node4', forward: prohibited });
    rke1Node(host);
    state.nodes.node4 = { ready: 'True', heartbeatAgeSeconds: 40, leaseAgeSeconds: 2 };
    const recorded: CommandEvent[] = [];
    const verdict = await createLiveNodeGuard(OPTIONS).guard(context(host, { recorded }));
    expect(verdict.refusals).toEqual([
      expect.stringMatching(new RegExp(`^live node: the API server at https://127\\.0\\.0\\.1:${api.port} reports node "node4" Ready \\(last heartbeat [1-4]s ago, asked from node4 with ${RKE1_KC}, by a request on the host \\(the host's sshd refused port forwarding\\)\\) — refusing; use --force to clean it anyway$`)),
    ]);
    expect(verdict.check?.verdict).toBe('live');
    // The tunnel was tried once; from then on curl on the host, with the kubelet's own certificate.
    expect(host.transport.forwards).toEqual([`127.0.0.1:${api.port}`]);
    expect(api.requests).toEqual([
      { path: '/api/v1/nodes/node4', clientCn: 'system:node:node4', status: 200 },
      { path: '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node4', clientCn: 'system:node:node4', status: 200 },
    ]);
    const requests = recorded.filter((r) => r.command.includes('curl'));
    expect(requests).toHaveLength(2);
    for (const r of requests) {
      expect(r.command).toContain(`--cert ${RKE1_KC.replace('kubecfg-kube-node.yaml', 'kube-node.pem')}`);
      expect(r.command).not.toContain('BEGIN');
    }
  });

  it('EFORWARDPROHIBITED: NotReady -> proceeds', async () => {
    host = makeFakeHost({ hostname: 'node4', forward: prohibited });
    rke1Node(host);
    state.nodes.node4 = { ready: 'False', heartbeatAgeSeconds: 5 };
    const verdict = await createLiveNodeGuard(OPTIONS).guard(context(host, { facts: running('kubelet', 4321) }));
    expect(verdict.refusals).toEqual([]);
    expect(verdict.notes).toEqual([expect.stringMatching(new RegExp(`^live node: the API server at https://127\\.0\\.0\\.1:${api.port} reports node "node4" NotReady since \\S+ \\(KubeletNotReady\\) \\(asked from node4 with ${RKE1_KC}, by a request on the host \\(the host's sshd refused port forwarding\\)\\): proceeding$`))]);
    expect(verdict.check?.verdict).toBe('not-live');
    expect(paths()).toEqual(['/api/v1/nodes/node4']);
  });

  it('a connection without port forwarding at all (forward: null): the same, straight on the host', async () => {
    host = makeFakeHost({ hostname: 'node4', forward: null });
    rke1Node(host);
    state.nodes.node4 = { ready: 'True', heartbeatAgeSeconds: 1 };
    const live = await createLiveNodeGuard(OPTIONS).guard(context(host));
    expect(live.refusals).toEqual([expect.stringContaining(`the API server at https://127.0.0.1:${api.port} reports node "node4" Ready (last heartbeat`)]);
    expect(host.transport.forwards).toEqual([]);
    expect(paths()).toEqual(['/api/v1/nodes/node4', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node4']);
    state.nodes.node4 = { ready: 'False', heartbeatAgeSeconds: 1 };
    expect((await createLiveNodeGuard(OPTIONS).guard(context(host))).notes).toEqual([expect.stringContaining('reports node "node4" NotReady')]);
  });

  it('forwarding refused and the API server down: unknown, the evidence says it was asked on the host and why', async () => {
    host = makeFakeHost({ hostname: 'node4', forward: prohibited });
    rke1Node(host, { port: closed });
    const verdict = await createLiveNodeGuard(OPTIONS).guard(context(host, { facts: running('kubelet', 4321) }));
    expect(verdict.refusals).toEqual([
      expect.stringMatching(new RegExp(`is not reachable \\(ECONNREFUSED: curl on the host exited 7: .*\\) \\(asked from node4 with ${RKE1_KC}, by a request on the host \\(the host's sshd refused port forwarding\\)\\) — and it shows signs of life: kubelet runs \\(pid 4321\\) — refusing`)),
    ]);
  });
});

describe('a node known only by its address', () => {
  withAddress("RKE1's shared certificate, no name the cluster knows: found in the node list by the host's address; Ready -> refused", async () => {
    host = makeFakeHost({ hostname: 'vm-17.lan' });
    rke1Node(host, { cn: 'system:node' });
    state.nodes['10.0.0.9'] = { ready: 'True', heartbeatAgeSeconds: 1, addresses: ['10.0.0.9', address] };
    state.nodes['other'] = { ready: 'True', heartbeatAgeSeconds: 1, addresses: ['10.0.0.10'] };
    const verdict = await createLiveNodeGuard(OPTIONS).guard(context(host));
    expect(verdict.refusals).toEqual([expect.stringContaining(`reports node "10.0.0.9" (found by the host's address ${address}) Ready (last heartbeat`)]);
    expect(paths()).toEqual([
      '/api/v1/nodes/vm-17.lan',
      '/api/v1/nodes/vm-17',
      '/api/v1/nodes/node4',
      '/api/v1/nodes?limit=200',
      '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/10.0.0.9',
    ]);
  });

  withAddress('two nodes with the host\'s addresses: ambiguous, no answer (unknown)', async () => {
    host = makeFakeHost({ hostname: 'vm-17.lan' });
    rke1Node(host, { cn: 'system:node' });
    state.nodes['10.0.0.9'] = { ready: 'True', heartbeatAgeSeconds: 1, addresses: [address] };
    state.nodes['10.0.0.10'] = { ready: 'False', heartbeatAgeSeconds: 1, addresses: [address] };
    const verdict = await createLiveNodeGuard(OPTIONS).guard(context(host));
    expect(verdict.check).toEqual({ verdict: 'unknown', evidence: [expect.stringContaining(`has several nodes with the host's addresses ("10.0.0.9", "10.0.0.10")`)], signs: [] });
    expect(verdict.refusals).toEqual([]);
    expect(verdict.notes).toEqual([expect.stringContaining('and no sign of life')]);
    // With signs of life, the same ambiguity refuses.
    const alive = await createLiveNodeGuard(OPTIONS).guard(context(host, { facts: running('kubelet', 99) }));
    expect(alive.refusals).toEqual([expect.stringContaining('has several nodes with the host\'s addresses')]);
  });
});

describe('the node name from the kubelet configuration', () => {
  it('kubeadm-flags.env --hostname-override=worker-7: asked for worker-7 first; Ready -> refused', async () => {
    host = makeFakeHost({ hostname: 'vm-17.lan' });
    rke1Node(host, { cn: 'system:node' });
    host.put('/var/lib/kubelet/kubeadm-flags.env', 'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --hostname-override=worker-7"\n');
    state.nodes['worker-7'] = { ready: 'True', heartbeatAgeSeconds: 1 };
    state.nodes['vm-17.lan'] = { ready: 'False', heartbeatAgeSeconds: 1 }; // a stale namesake must not be asked first
    const verdict = await createLiveNodeGuard(OPTIONS).guard(context(host));
    expect(verdict.refusals).toEqual([expect.stringContaining('reports node "worker-7" Ready')]);
    expect(paths()).toEqual(['/api/v1/nodes/worker-7', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/worker-7']);
  });

  it('the unknown-verdict evidence names the clue', async () => {
    host = makeFakeHost({ hostname: 'vm-17.lan' });
    rke1Node(host, { cn: 'system:node', port: closed });
    host.put('/etc/rancher/k3s/config.yaml', 'node-name: k3s-node-3\n');
    const verdict = await createLiveNodeGuard(OPTIONS).guard(context(host));
    expect(verdict.notes).toEqual([expect.stringContaining('could not tell whether the cluster counts this host as live (node name from node-name in /etc/rancher/k3s/config.yaml: "k3s-node-3")')]);
  });
});

describe('no answer + signs of life: refused (fail closed)', () => {
  const unknownPrefix = '^live node: could not tell whether the cluster counts this host as live — tried: ';

  it('API server down (closed port) + a running kubelet process -> refused, listing what was tried and the signs', async () => {
    host = makeFakeHost({ hostname: 'node4' });
    rke1Node(host, { port: closed });
    const verdict = await createLiveNodeGuard(OPTIONS).guard(context(host, { facts: running('kubelet', 4321) }));
    expect(verdict.refusals).toEqual([
      expect.stringMatching(new RegExp(`${unknownPrefix}the API server at https://127\\.0\\.0\\.1:${closed} is not reachable \\(ECONNREFUSED\\b.*\\) \\(asked from node4 with ${RKE1_KC}\\) — and it shows signs of life: kubelet runs \\(pid 4321\\) — refusing; use --force \\(or --kubeconfig with an admin kubeconfig that can answer\\)$`)),
    ]);
    expect(verdict.notes).toEqual([]);
    expect(verdict.check).toEqual({ verdict: 'unknown', evidence: [expect.stringContaining('ECONNREFUSED')], signs: ['kubelet runs (pid 4321)'] });
  });

  it('a slow API server (answer after requestTimeoutMs) + a running kubelet container -> refused, within the timeout', async () => {
    host = makeFakeHost({ hostname: 'node4' });
    rke1Node(host);
    state.nodes.node4 = { ready: 'True', heartbeatAgeSeconds: 1 };
    state.delayMs = 3000;
    const started = Date.now();
    const verdict = await createLiveNodeGuard({ ...OPTIONS, requestTimeoutMs: 500 }).guard(context(host, { facts: kubeletContainer }));
    expect(Date.now() - started).toBeLessThan(2500);
    expect(verdict.refusals).toEqual([expect.stringMatching(/is not reachable \(ETIMEDOUT: no answer within 0\.5s\) .* — and it shows signs of life: container kubelet is running — refusing/)]);
    expect(verdict.check).toMatchObject({ verdict: 'unknown', signs: ['container kubelet is running'] });
  });

  it('403 (credentials refused) + a kubelet log written just now -> refused; with --force a note', async () => {
    host = makeFakeHost({ hostname: 'node4' });
    rke1Node(host);
    host.put('/var/lib/rancher/rke2/agent/logs/kubelet.log', 'I0101 kubelet.go:1] running\n');
    state.forceStatus = 403;
    const verdict = await createLiveNodeGuard(OPTIONS).guard(context(host));
    expect(verdict.refusals).toEqual([expect.stringMatching(/refused the credentials \(403: forced 403\) .* — and it shows signs of life: \/var\/lib\/rancher\/rke2\/agent\/logs\/kubelet\.log written [0-5]s ago — refusing/)]);
    expect(verdict.check).toMatchObject({ verdict: 'unknown', signs: [expect.stringMatching(/^\/var\/lib\/rancher\/rke2\/agent\/logs\/kubelet\.log written [0-5]s ago$/)] });
    const forced = await createLiveNodeGuard(OPTIONS).guard(context(host, { force: true }));
    expect(forced.refusals).toEqual([]);
    expect(forced.notes).toEqual([expect.stringMatching(/refused the credentials \(403: forced 403\) .* — and it shows signs of life: .*kubelet\.log written [0-5]s ago — cleaning it anyway \(--force\)$/)]);
    expect(forced.check?.verdict).toBe('unknown');
  });

  it('no name known and the node list forbidden (listStatus 403) + kubelet.service active -> refused', async () => {
    host = makeFakeHost({ hostname: 'node4' });
    rke1Node(host);
    state.listStatus = 403;
    const facts = { services: { systemd: true, units: [{ name: 'kubelet.service', active: 'active', enabled: 'enabled' }], processes: [] } } as unknown as Partial<Facts>;
    const verdict = await createLiveNodeGuard(OPTIONS).guard(context(host, { facts }));
    expect(paths()).toEqual(['/api/v1/nodes/node4', '/api/v1/nodes?limit=200']);
    expect(verdict.refusals).toEqual([expect.stringMatching(/ refused to list the nodes \(403: forced 403 for the list\) .* — and it shows signs of life: kubelet\.service is active — refusing/)]);
  });

  it('an old kubelet log (an hour ago) and nothing running: no sign of life -> proceeds with the note', async () => {
    host = makeFakeHost({ hostname: 'node4' });
    rke1Node(host, { port: closed });
    const log = host.put('/var/lib/rancher/rke2/agent/logs/kubelet.log', 'old\n');
    const hourAgo = Date.now() / 1000 - 3600;
    utimesSync(log, hourAgo, hourAgo);
    const verdict = await createLiveNodeGuard(OPTIONS).guard(context(host, { facts: { services: { systemd: true, units: [{ name: 'kubelet.service', active: 'inactive', enabled: 'enabled' }], processes: [] } } as unknown as Partial<Facts> }));
    expect(verdict.refusals).toEqual([]);
    expect(verdict.notes).toEqual([expect.stringMatching(new RegExp(`${unknownPrefix}.*ECONNREFUSED.* — and no sign of life \\(no kubelet or agent running, no kubelet log written in the last 5m\\): proceeding$`))]);
    expect(verdict.check).toMatchObject({ verdict: 'unknown', signs: [] });
  });
});

describe('no kubeconfig at all', () => {
  it('a running kubelet -> refused (unknown is not dead)', async () => {
    host = makeFakeHost({ hostname: 'node4' });
    const verdict = await createLiveNodeGuard(OPTIONS).guard(context(host, { facts: running('kubelet', 555) }));
    expect(verdict.refusals).toEqual([
      expect.stringMatching(/^live node: could not tell whether the cluster counts this host as live — no kubelet kubeconfig on the host \(.*\) and no --kubeconfig — and it shows signs of life: kubelet runs \(pid 555\) — refusing; use --force/),
    ]);
    expect(verdict.check).toMatchObject({ verdict: 'unknown', signs: ['kubelet runs (pid 555)'] });
    expect(api.requests).toEqual([]);
  });

  it('nothing running, no recent log -> proceeds', async () => {
    host = makeFakeHost({ hostname: 'node4' });
    const verdict = await createLiveNodeGuard(OPTIONS).guard(context(host, { facts: running('containerd', 5) }));
    expect(verdict.refusals).toEqual([]);
    expect(verdict.notes).toEqual([expect.stringContaining('and no sign of life')]);
  });
});

describe('an answer wins over no answer', () => {
  it('the RKE2 kubeconfig answers NotReady, the old RKE1 one is dead: proceeds (even with a kubelet running), notes carry both', async () => {
    host = makeFakeHost({ hostname: 'node4' });
    rke1Node(host, { port: closed });
    const client = pki.clients['system:node:node4'];
    const agent = '/var/lib/rancher/rke2/agent';
    const ca = host.put(`${agent}/server-ca.crt`, pki.caCert);
    const cert = host.put(`${agent}/client-kubelet.crt`, client.cert);
    const key = host.put(`${agent}/client-kubelet.key`, client.key);
    host.put(`${agent}/kubelet.kubeconfig`, kubeletKubeconfig({ server: `https://127.0.0.1:${api.port}`, ca, cert, key }));
    state.nodes.node4 = { ready: 'False', heartbeatAgeSeconds: 30 };
    const verdict = await createLiveNodeGuard(OPTIONS).guard(context(host, { facts: running('kubelet', 4321) }));
    expect(verdict.refusals).toEqual([]);
    expect(verdict.notes).toEqual([
      expect.stringMatching(new RegExp(`reports node "node4" NotReady .*\\(asked from node4 with ${agent}/kubelet\\.kubeconfig\\): proceeding$`)),
      expect.stringMatching(new RegExp(`^live node: the API server at https://127\\.0\\.0\\.1:${closed} is not reachable \\(ECONNREFUSED\\b.*\\(asked from node4 with ${RKE1_KC}\\)$`)),
    ]);
    expect(verdict.check).toEqual({ verdict: 'not-live', evidence: [expect.stringContaining('is not reachable'), expect.stringContaining('NotReady')] });
  });
});
