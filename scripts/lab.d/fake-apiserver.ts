// A small fake Kubernetes API server for the live-node guard: HTTPS with a CA made on the spot by the
// openssl CLI, client certificates requested (the CN is logged), and per-node answers read from a
// JSON state file on every request, so a test flips Ready/404 without a restart.
//   node --import tsx scripts/lab.d/fake-apiserver.ts --listen 127.0.0.1:6443 --pki DIR --state FILE
// prints `listening HOST:PORT` once ready, then one JSON line per request. Also importable in-process.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { pathToFileURL } from 'node:url';

export interface TestPki {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  /** Client certificate per requested CN. */
  clients: Record<string, { cert: string; key: string }>;
}

/** Makes a CA, a server certificate (SANs given) and client certificates (CN given, O=system:nodes). */
export function makeTestPki(dir: string, options: { serverIps: string[]; serverDns?: string[]; clientCns: string[] }): TestPki {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=nodescrub-fake-kube-ca', '-days', '2');
  const sans = [...options.serverIps.map((ip) => `IP:${ip}`), ...(options.serverDns ?? []).map((d) => `DNS:${d}`)].join(',');
  writeFileSync(join(dir, 'server.ext'), `subjectAltName=${sans}\nextendedKeyUsage=serverAuth\n`);
  ssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=kube-apiserver');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'server.ext');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  const clients: TestPki['clients'] = {};
  options.clientCns.forEach((cn, i) => {
    ssl('req', ...ec, '-keyout', `client${i}.key`, '-out', `client${i}.csr`, '-subj', `/O=system:nodes/CN=${cn}`);
    ssl('x509', '-req', '-in', `client${i}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `client${i}.crt`, '-days', '2', '-extfile', 'client.ext');
    clients[cn] = { cert: readFileSync(join(dir, `client${i}.crt`), 'utf8'), key: readFileSync(join(dir, `client${i}.key`), 'utf8') };
  });
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return { dir, caCert: read('ca.crt'), serverCert: read('server.crt'), serverKey: read('server.key'), clients };
}

/** What the server answers for a node: Ready status and how old the heartbeat is; absent → 404. */
export interface FakeNode {
  ready: 'True' | 'False' | 'Unknown';
  heartbeatAgeSeconds: number;
  /** Serve a Lease renewed this long ago (default: none, 404). */
  leaseAgeSeconds?: number;
  /** `status.addresses` (InternalIP), as the kubelet reports them. */
  addresses?: string[];
}
export interface FakeState {
  nodes: Record<string, FakeNode>;
  /** Answer every request with this status instead (e.g. 500, 403). */
  forceStatus?: number;
  /** Answer the node list with this status (e.g. 403: a credential that may not list). */
  listStatus?: number;
  /** Answer only after this long (a slow API server). */
  delayMs?: number;
}

export interface RequestLog {
  path: string;
  clientCn: string | null;
  status: number;
  /** The Authorization header, when the request carried one. */
  authorization?: string;
}

export interface FakeApiServer {
  port: number;
  requests: RequestLog[];
  close(): Promise<void>;
}

/** Starts the server; `state` is a file (re-read per request) or a live object. */
export async function startFakeApiServer(options: { pki: TestPki; host: string; port: number; state: string | FakeState; onRequest?: (log: RequestLog) => void }): Promise<FakeApiServer> {
  const requests: RequestLog[] = [];
  const server: Server = createServer(
    { key: options.pki.serverKey, cert: options.pki.serverCert, ca: options.pki.caCert, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const socket = req.socket as TLSSocket;
      const peer = socket.authorized ? socket.getPeerCertificate() : undefined;
      const clientCn = peer && typeof peer.subject?.CN === 'string' ? peer.subject.CN : null;
      const state: FakeState = typeof options.state === 'string' ? JSON.parse(readFileSync(options.state, 'utf8')) : options.state;
      const { status, body } = answer(req.url ?? '/', clientCn, state);
      const log: RequestLog = { path: req.url ?? '/', clientCn, status, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) };
      requests.push(log);
      options.onRequest?.(log);
      const reply = () => {
        res.writeHead(status, { 'content-type': 'application/json', date: new Date().toUTCString() });
        res.end(JSON.stringify(body));
      };
      if (state.delayMs) setTimeout(reply, state.delayMs).unref();
      else reply();
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function answer(url: string, clientCn: string | null, state: FakeState): { status: number; body: unknown } {
  if (clientCn === null) return status(401, 'Unauthorized');
  if (state.forceStatus) return status(state.forceStatus, `forced ${state.forceStatus}`);
  if (/^\/api\/v1\/nodes(\?.*)?$/.test(url)) {
    if (state.listStatus) return status(state.listStatus, `forced ${state.listStatus} for the list`);
    return { status: 200, body: { kind: 'NodeList', apiVersion: 'v1', metadata: {}, items: Object.entries(state.nodes).map(([name, node]) => nodeObject(name, node)) } };
  }
  // A query (kubectl adds `?timeout=…` for --request-timeout) does not change which object is asked for.
  const object = url.replace(/\?.*$/, '');
  const node = /^\/api\/v1\/nodes\/([^/?]+)$/.exec(object);
  const lease = /^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/kube-node-lease\/leases\/([^/?]+)$/.exec(object);
  const name = decodeURIComponent((node ?? lease)?.[1] ?? '');
  const known = state.nodes[name];
  if (!known || (lease && known.leaseAgeSeconds === undefined)) return status(404, `nodes "${name}" not found`);
  if (lease) return { status: 200, body: { kind: 'Lease', metadata: { name }, spec: { holderIdentity: name, renewTime: new Date(Date.now() - known.leaseAgeSeconds! * 1000).toISOString() } } };
  return { status: 200, body: nodeObject(name, known) };
}

function nodeObject(name: string, known: FakeNode): unknown {
  const ago = (s: number) => new Date(Date.now() - s * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    kind: 'Node',
    apiVersion: 'v1',
    metadata: { name },
    status: {
      addresses: [...(known.addresses ?? []).map((address) => ({ type: 'InternalIP', address })), { type: 'Hostname', address: name }],
      conditions: [
        { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: ago(known.heartbeatAgeSeconds), lastTransitionTime: ago(86_400) },
        { type: 'Ready', status: known.ready, reason: known.ready === 'True' ? 'KubeletReady' : 'KubeletNotReady', lastHeartbeatTime: ago(known.heartbeatAgeSeconds), lastTransitionTime: ago(3600) },
      ],
    },
  };
}

/** The `reason` a real API server gives (kubectl prints it: `Error from server (NotFound): …`). */
const REASONS: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 500: 'InternalError', 503: 'ServiceUnavailable' };

function status(code: number, message: string): { status: number; body: unknown } {
  return { status: code, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, ...(REASONS[code] ? { reason: REASONS[code] } : {}), code } };
}

// Run as a program (inside a lab node's network namespace, by `ip netns exec`).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (flag: string) => {
    const i = process.argv.indexOf(flag);
    if (i < 0 || !process.argv[i + 1]) throw new Error(`missing ${flag}`);
    return process.argv[i + 1];
  };
  const [host, port] = arg('--listen').split(/:(?=\d+$)/);
  const dir = arg('--pki');
  const pki: TestPki = {
    dir,
    caCert: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    serverCert: readFileSync(join(dir, 'server.crt'), 'utf8'),
    serverKey: readFileSync(join(dir, 'server.key'), 'utf8'),
    clients: {},
  };
  const server = await startFakeApiServer({ pki, host, port: Number(port), state: arg('--state'), onRequest: (log) => process.stdout.write(`${JSON.stringify(log)}\n`) });
  process.stdout.write(`listening ${host}:${server.port}\n`);
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
}
