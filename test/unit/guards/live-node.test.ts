// The live-node guard end to end: the real read script on a stand-in host, a tunnel (loopback here),
// TLS with client certificates against an in-process fake API server.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAdminKubeconfig } from '../../../src/cli/read-kubeconfig.js';
import { KUBELET_FILES_SECTION } from '../../../src/guards/kubelet-files.js';
import { createLiveNodeGuard, type LiveNodeOptions } from '../../../src/guards/live-node.js';
import { renderProbeScript } from '../../../src/recipe/probe/script.js';
import { splitSections } from '../../../src/recipe/probe/split.js';
import type { HookContext } from '../../../src/run/hooks.js';
import type { Facts } from '../../../src/recipe/types.js';
import type { CommandEvent } from '../../../src/transport/exec-script.js';
import { closedPort, hostSpec, kubeletKubeconfig, makeFakeHost, type FakeHost } from '../../fixtures/guards/host.js';
import { makeTestPki, startFakeApiServer, type FakeApiServer, type FakeState, type TestPki } from '../../../scripts/lab.d/fake-apiserver.js';

let dir: string;
let pki: TestPki;
let otherPki: TestPki;
let api: FakeApiServer;
const state: FakeState = { nodes: {} };
let host: FakeHost;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nodescrub-live-'));
  pki = makeTestPki(mkdtempSync(join(dir, 'pki-')), { serverIps: ['127.0.0.1'], serverDns: ['localhost'], clientCns: ['system:node:node4', 'system:node', 'kube-admin'] });
  otherPki = makeTestPki(mkdtempSync(join(dir, 'other-')), { serverIps: ['127.0.0.1'], clientCns: [] });
  api = await startFakeApiServer({ pki, host: '127.0.0.1', port: 0, state });
});
afterAll(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  host?.remove();
  state.nodes = {};
  delete state.forceStatus;
  api.requests.length = 0;
});

const OPTIONS: LiveNodeOptions = { maxHeartbeatAgeMs: 300_000, requestTimeoutMs: 2000, stepTimeoutMs: 10_000 };

function context(fake: FakeHost, force = false, name = 'node4'): HookContext {
  return {
    host: hostSpec({ name }),
    transport: fake.transport,
    facts: {} as Facts,
    plan: { steps: [], refusals: [], failures: [] },
    recipe: { removeImages: false, force },
    signal: new AbortController().signal,
  };
}

/** An RKE1 node: kubeconfig + CA/cert/key files at the usual paths (under the fake root). */
function rke1Node(fake: FakeHost, options: { cn?: string; ca?: string; port?: number; server?: string } = {}): void {
  const client = pki.clients[options.cn ?? 'system:node:node4'];
  const ca = fake.put('/etc/kubernetes/ssl/kube-ca.pem', options.ca ?? pki.caCert);
  const cert = fake.put('/etc/kubernetes/ssl/kube-node.pem', client.cert);
  const key = fake.put('/etc/kubernetes/ssl/kube-node-key.pem', client.key);
  const server = options.server ?? `https://127.0.0.1:${options.port ?? api.port}`;
  fake.put('/etc/kubernetes/ssl/kubecfg-kube-node.yaml', kubeletKubeconfig({ server, ca, cert, key }));
}

describe('live-node guard', () => {
  it('refuses a node the API server reports Ready with a recent heartbeat, asking through the tunnel with the kubelet certificate', async () => {
    host = makeFakeHost({ hostname: 'node4' });
    rke1Node(host);
    state.nodes.node4 = { ready: 'True', heartbeatAgeSeconds: 40, leaseAgeSeconds: 3 };
    const verdict = await createLiveNodeGuard(OPTIONS).guard(context(host));
    // The lease (3 s) is fresher than the condition (40 s); the server's Date header has 1 s steps.
    expect(verdict.refusals).toEqual([
      expect.stringMatching(
        new RegExp(`^live node: the API server at https://127\\.0\\.0\\.1:${api.port} reports node "node4" Ready \\(last heartbeat [234]s ago, asked from node4 with /etc/kubernetes/ssl/kubecfg-kube-node\\.yaml\\) — refusing; use --force to clean it anyway$`),
      ),
    ]);
    expect(verdict.notes).toEqual([]);
    expect(host.transport.execs).toHaveLength(1);
    expect(host.transport.forwards).toEqual([`127.0.0.1:${api.port}`, `127.0.0.1:${api.port}`]);
    expect(api.requests).toEqual([
      { path: '/api/v1/nodes/node4', clientCn: 'system:node:node4', status: 200 },
      { path: '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node4', clientCn: 'system:node:node4', status: 200 },
    ]);
  });

  it('reads the kubelet files from its section of the discovery probe: no exec of its own', async () => {
    host = makeFakeHost({ hostname: 'node4' });
    rke1Node(host);
    state.nodes.node4 = { ready: 'True', heartbeatAgeSeconds: 40, leaseAgeSeconds: 3 };
    const live = createLiveNodeGuard(OPTIONS);
    expect(live.probe).toMatchObject({ id: KUBELET_FILES_SECTION, secret: true });
    // The section inside a real probe script (alone here: the built-in sections read this machine).
    const nonce = 'guardprobe0123456';
    const probed = await host.transport.exec(renderProbeScript(nonce, [live.probe]));
    const section = splitSections(probed, nonce, [KUBELET_FILES_SECTION]).get(KUBELET_FILES_SECTION)!;
    expect(section.stdout).toContain('BEGIN CERTIFICATE');
    // The section reads no addresses: the probe's ssh fact has them.
    expect(section.stdout).not.toMatch(/ addresses\n/);
    host.transport.execs.length = 0;
    const facts = { custom: { [KUBELET_FILES_SECTION]: section }, ssh: { hostAddresses: ['127.0.0.1'] } } as unknown as Facts;
    const verdict = await live.guard({ ...context(host), facts });
    expect(verdict.refusals).toEqual([expect.stringContaining('reports node "node4" Ready (last heartbeat')]);
    expect(host.transport.execs).toEqual([]);
  });

  it("matches the cluster's nodes against the addresses of the probe's ssh fact (no ip of its own)", async () => {
    host = makeFakeHost({ hostname: 'node4' });
    rke1Node(host, { cn: 'system:node' }); // a certificate that names no node
    // Known to the cluster by neither hostname nor inventory name: only its address says which node it is.
    state.nodes['worker-7'] = { ready: 'True', heartbeatAgeSeconds: 2, addresses: ['192.0.2.44'] };
    const live = createLiveNodeGuard(OPTIONS);
    const nonce = 'guardprobe0123457';
    const probed = await host.transport.exec(renderProbeScript(nonce, [live.probe]));
    const section = splitSections(probed, nonce, [KUBELET_FILES_SECTION]).get(KUBELET_FILES_SECTION)!;
    host.transport.execs.length = 0;
    const facts = (hostAddresses: string[]) => ({ custom: { [KUBELET_FILES_SECTION]: section }, ssh: { hostAddresses } }) as unknown as Facts;
    const found = await live.guard({ ...context(host), facts: facts(['127.0.0.1', 'fe80::1', '192.0.2.44']) });
    expect(found.refusals).toEqual([expect.stringContaining('reports node "worker-7" (found by the host\'s address 192.0.2.44) Ready (last heartbeat')]);
    // The same host with other addresses: the cluster does not know it (the match was the address, not chance).
    const other = await live.guard({ ...context(host), facts: facts(['127.0.0.1', '192.0.2.45']) });
    expect(other.refusals).toEqual([]);
    expect(other.notes).toEqual([expect.stringMatching(/does not know node "node4".* and no node has the host's addresses \(192\.0\.2\.45\)/)]);
    expect(host.transport.execs).toEqual([]);
  });

  it('with the section but no ssh fact (partial facts), it reads everything with an exec of its own', async () => {
    host = makeFakeHost({ hostname: 'node4' });
    rke1Node(host);
    state.nodes.node4 = { ready: 'True', heartbeatAgeSeconds: 2 };
    const live = createLiveNodeGuard(OPTIONS);
    const nonce = 'guardprobe0123458';
    const probed = await host.transport.exec(renderProbeScript(nonce, [live.probe]));
    const section = splitSections(probed, nonce, [KUBELET_FILES_SECTION]).get(KUBELET_FILES_SECTION)!;
    host.transport.execs.length = 0;
    const verdict = await live.guard({ ...context(host), facts: { custom: { [KUBELET_FILES_SECTION]: section } } as unknown as Facts });
    expect(verdict.refusals).toEqual([expect.stringContaining('reports node "node4" Ready')]);
    expect(host.transport.execs).toHaveLength(1);
  });

  it('without that section it reads with an exec of its own, recorded for the logs without the output (credentials)', async () => {
    host = makeFakeHost({ hostname: 'node4' });
    rke1Node(host);
    const recorded: CommandEvent[] = [];
    await createLiveNodeGuard(OPTIONS).guard({ ...context(host), emit: (event) => recorded.push(event) });
    expect(host.transport.execs).toHaveLength(1);
    expect(recorded).toEqual([expect.objectContaining({ type: 'command', host: 'node4', stepId: 'live-node', stdout: expect.stringMatching(/^\[\d+ bytes not logged: may hold credentials\]$/) })]);
    expect(JSON.stringify(recorded)).not.toContain('BEGIN CERTIFICATE');
  });

  it('--force turns the refusal into a note', async () => {
    host = makeFakeHost({ hostname: 'node4' });
    rke1Node(host);
    state.nodes.node4 = { ready: 'True', heartbeatAgeSeconds: 2 };
    const verdict = await createLiveNodeGuard(OPTIONS).guard(context(host, true));
    expect(verdict.refusals).toEqual([]);
    expect(verdict.notes).toEqual([expect.stringMatching(/reports node "node4" Ready \(last heartbeat \ds ago, .*\) — cleaning it anyway \(--force\)$/)]);
  });

  it('404: the API server does not know the node — proceed with the note', async () => {
    host = makeFakeHost({ hostname: 'node4' });
    rke1Node(host);
    const verdict = await createLiveNodeGuard(OPTIONS).guard(context(host));
    expect(verdict.refusals).toEqual([]);
    expect(verdict.notes).toEqual([expect.stringMatching(/does not know node "node4" and no node has the host's addresses \(.*\) \(asked from node4 with .*\): proceeding$/)]);
    expect(verdict.check).toEqual({ verdict: 'not-live', evidence: [expect.stringContaining('does not know node "node4"')] });
    // By name, then the node list matched against the host's addresses.
    expect(api.requests.map((r) => r.path)).toEqual(['/api/v1/nodes/node4', '/api/v1/nodes?limit=200']);
  });

  it('NotReady and a stale heartbeat proceed', async () => {
    host = makeFakeHost({ hostname: 'node4' });
    rke1Node(host);
    state.nodes.node4 = { ready: 'False', heartbeatAgeSeconds: 5 };
    expect((await createLiveNodeGuard(OPTIONS).guard(context(host))).notes[0]).toMatch(/reports node "node4" NotReady since .* \(KubeletNotReady\)/);
    state.nodes.node4 = { ready: 'True', heartbeatAgeSeconds: 900 };
    expect((await createLiveNodeGuard(OPTIONS).guard(context(host))).notes[0]).toMatch(/Ready but its last heartbeat was 15m ago/);
  });

  it('kubeadm kubelet.conf with inline data works the same', async () => {
    host = makeFakeHost({ hostname: 'node4' });
    const client = pki.clients['system:node:node4'];
    host.put('/etc/kubernetes/kubelet.conf', kubeletKubeconfig({ server: `https://localhost:${api.port}`, ca: pki.caCert, cert: client.cert, key: client.key, inline: true }));
    state.nodes.node4 = { ready: 'True', heartbeatAgeSeconds: 1 };
    const verdict = await createLiveNodeGuard(OPTIONS).guard(context(host));
    expect(verdict.refusals[0]).toContain(`the API server at https://localhost:${api.port} reports node "node4" Ready`);
    expect(host.transport.forwards[0]).toBe(`localhost:${api.port}`);
  });

  it("RKE1's shared certificate (CN system:node): tries the hostname, then the inventory name", async () => {
    host = makeFakeHost({ hostname: 'vm-17.lan' });
    rke1Node(host, { cn: 'system:node' });
    state.nodes.node4 = { ready: 'True', heartbeatAgeSeconds: 1 };
    const verdict = await createLiveNodeGuard(OPTIONS).guard(context(host));
    expect(api.requests.map((r) => r.path).slice(0, 3)).toEqual(['/api/v1/nodes/vm-17.lan', '/api/v1/nodes/vm-17', '/api/v1/nodes/node4']);
    expect(verdict.refusals[0]).toContain('reports node "node4" Ready');
  });

  it('every old kubeconfig is asked too: a dead RKE1 one does not hide a live RKE2 one', async () => {
    host = makeFakeHost({ hostname: 'node4' });
    const closed = await closedPort();
    rke1Node(host, { port: closed });
    const client = pki.clients['system:node:node4'];
    const agent = '/var/lib/rancher/rke2/agent';
    host.put(`${agent}/server-ca.crt`, pki.caCert);
    host.put(`${agent}/client-kubelet.crt`, client.cert);
    host.put(`${agent}/client-kubelet.key`, client.key);
    host.put(`${agent}/kubelet.kubeconfig`, kubeletKubeconfig({ server: `https://127.0.0.1:${api.port}`, ca: `${host.root}${agent}/server-ca.crt`, cert: `${host.root}${agent}/client-kubelet.crt`, key: `${host.root}${agent}/client-kubelet.key` }));
    state.nodes.node4 = { ready: 'True', heartbeatAgeSeconds: 1 };
    const verdict = await createLiveNodeGuard(OPTIONS).guard(context(host));
    expect(verdict.notes).toEqual([expect.stringMatching(new RegExp(`at https://127.0.0.1:${closed} is not reachable \\(ECONNREFUSED\\b.*kubecfg-kube-node.yaml\\)$`))]);
    expect(verdict.refusals).toEqual([expect.stringContaining('asked from node4 with /var/lib/rancher/rke2/agent/kubelet.kubeconfig')]);
  });

  it('an API server that accepts but never answers costs the timeout, not more', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((s) => void sockets.add(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      host = makeFakeHost({ hostname: 'node4' });
      rke1Node(host, { port });
      const started = Date.now();
      const verdict = await createLiveNodeGuard({ ...OPTIONS, requestTimeoutMs: 400 }).guard(context(host));
      expect(Date.now() - started).toBeLessThan(2000);
      expect(verdict.notes[0]).toMatch(/is not reachable \(ETIMEDOUT: no answer within 0.4s\)/);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('a server certificate from another CA is not trusted: noted, not believed', async () => {
    host = makeFakeHost({ hostname: 'node4' });
    rke1Node(host, { ca: otherPki.caCert });
    state.nodes.node4 = { ready: 'True', heartbeatAgeSeconds: 1 };
    const verdict = await createLiveNodeGuard(OPTIONS).guard(context(host));
    expect(verdict.refusals).toEqual([]);
    expect(verdict.notes[0]).toMatch(/is not reachable \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|CERT_SIGNATURE_FAILURE)\b/);
  });

  it('401/403/5xx from the API server proceed with the status', async () => {
    host = makeFakeHost({ hostname: 'node4' });
    rke1Node(host);
    state.forceStatus = 403;
    expect((await createLiveNodeGuard(OPTIONS).guard(context(host))).notes[0]).toContain('refused the credentials (403: forced 403)');
    state.forceStatus = 500;
    expect((await createLiveNodeGuard(OPTIONS).guard(context(host))).notes[0]).toContain('answered 500 for node "node4": forced 500');
  });

  it('no kubeconfig or an unusable one, and no sign of life: says it could not ask, and proceeds', async () => {
    host = makeFakeHost({ hostname: 'node4' });
    const none = await createLiveNodeGuard(OPTIONS).guard(context(host));
    expect(none.refusals).toEqual([]);
    expect(none.notes).toEqual([expect.stringMatching(/^live node: could not tell whether the cluster counts this host as live — no kubelet kubeconfig on the host \(.*\) and no --kubeconfig — and no sign of life \(.*\): proceeding$/)]);
    expect(none.check).toMatchObject({ verdict: 'unknown', signs: [] });
    host.put('/etc/kubernetes/ssl/kubecfg-kube-node.yaml', 'apiVersion: v1\nkind: Config\ncurrent-context: local\n');
    expect((await createLiveNodeGuard(OPTIONS).guard(context(host))).notes).toEqual([
      expect.stringContaining('tried: kubelet kubeconfig /etc/kubernetes/ssl/kubecfg-kube-node.yaml current-context "local" is not among its contexts: not asked — and no sign of life'),
    ]);
  });

  it('references the sed missed (flow-style YAML) are read by a second exec', async () => {
    host = makeFakeHost({ hostname: 'node4' });
    const client = pki.clients['system:node:node4'];
    const ca = host.put('/etc/ssl/k/ca.pem', pki.caCert);
    const cert = host.put('/etc/ssl/k/c.pem', client.cert);
    const key = host.put('/etc/ssl/k/k.pem', client.key);
    host.put('/etc/kubernetes/kubelet.conf', `{clusters: [{name: c, cluster: {certificate-authority: "${ca}", server: "https://127.0.0.1:${api.port}"}}], users: [{name: u, user: {client-certificate: "${cert}", client-key: "${key}"}}]}\n`);
    state.nodes.node4 = { ready: 'True', heartbeatAgeSeconds: 1 };
    const verdict = await createLiveNodeGuard(OPTIONS).guard(context(host));
    expect(host.transport.execs).toHaveLength(2);
    expect(verdict.refusals).toHaveLength(1);
  });

  it('--kubeconfig (admin, from here): asks by inventory name, even with no kubeconfig on the host', async () => {
    host = makeFakeHost({ hostname: 'ip-10-0-0-4' });
    const admin = kubeletKubeconfig({ server: `https://127.0.0.1:${api.port}`, ca: pki.caCert, cert: pki.clients['kube-admin'].cert, key: pki.clients['kube-admin'].key, inline: true });
    const file = join(dir, 'admin.yaml');
    writeFileSync(file, admin);
    state.nodes.node4 = { ready: 'True', heartbeatAgeSeconds: 1 };
    const verdict = await createLiveNodeGuard({ ...OPTIONS, admin: readAdminKubeconfig(file) }).guard(context(host));
    expect(verdict.refusals).toHaveLength(1);
    expect(verdict.refusals[0]).toMatch(/reports node "node4" Ready \(last heartbeat \ds ago, asked from here with .*admin\.yaml\)/);
    expect(host.transport.forwards).toEqual([]);
    expect(api.requests[0]).toMatchObject({ path: '/api/v1/nodes/node4', clientCn: 'kube-admin' });
  });

  it('readAdminKubeconfig: an unreadable or useless file is a usage error', () => {
    expect(() => readAdminKubeconfig(join(dir, 'nope.yaml'))).toThrow(/^--kubeconfig .*nope.yaml: cannot read it \(ENOENT\)$/);
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'clusters: [');
    expect(() => readAdminKubeconfig(file)).toThrow(/^--kubeconfig .*bad.yaml: not valid YAML/);
  });
});
