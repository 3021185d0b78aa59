// Asking the API server from the host itself (forwarding refused): the real sh script, run locally
// with the real curl/kubectl against the in-process fake API server (TLS, client certificates).
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiUnreachable, type ApiResponse } from '../../../src/guards/api-client.js';
import { buildHostRequestScript, parseHostResponse } from '../../../src/guards/host-client.js';
import { parseKubeconfig } from '../../../src/guards/kubeconfig.js';
import { closedPort, kubeletKubeconfig } from '../../fixtures/guards/host.js';
import { makeTestPki, startFakeApiServer, type FakeApiServer, type FakeState, type TestPki } from '../../../scripts/lab.d/fake-apiserver.js';

let dir: string;
let pki: TestPki;
let otherPki: TestPki;
let api: FakeApiServer;
const state: FakeState = { nodes: {} };
let files: { ca: string; cert: string; key: string; otherCa: string };
/** Where the script's mktemp -d goes (TMPDIR): empty again after every run (the trap). */
let scratch: string;
let closed: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nodescrub-hostclient-'));
  pki = makeTestPki(mkdtempSync(join(dir, 'pki-')), { serverIps: ['127.0.0.1'], serverDns: ['localhost'], clientCns: ['system:node:node4'] });
  otherPki = makeTestPki(mkdtempSync(join(dir, 'other-')), { serverIps: ['127.0.0.1'], clientCns: [] });
  api = await startFakeApiServer({ pki, host: '127.0.0.1', port: 0, state });
  const client = pki.clients['system:node:node4'];
  files = { ca: put('ssl/ca.pem', pki.caCert), cert: put('ssl/node.pem', client.cert), key: put('ssl/node-key.pem', client.key), otherCa: put('ssl/other-ca.pem', otherPki.caCert) };
  scratch = mkdtempSync(join(dir, 'scratch-'));
  closed = await closedPort();
});
afterAll(async () => {
  await api?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  state.nodes = {};
  delete state.forceStatus;
  delete state.delayMs;
  api.requests.length = 0;
});

function put(path: string, content: string): string {
  const full = join(dir, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, content);
  return full;
}

const MARKER = 'NODESCRUB-hostclient42';
const NODE = '/api/v1/nodes/node4';

interface Asked {
  script: string;
  stdout: string;
  stderr: string;
  ms: number;
  response?: ApiResponse;
  error?: ApiUnreachable;
}

/**
 * Writes the kubeconfig, resolves it as the guard does, runs the host-side script with `sh`
 * (asynchronously: the API server runs in this process) and parses what it printed.
 */
async function ask(kubeconfig: string, options: { path?: string; timeoutS?: number; PATH?: string } = {}): Promise<Asked> {
  const kc = put(`kc-${Math.random().toString(36).slice(2)}.yaml`, kubeconfig);
  const parsed = parseKubeconfig(kubeconfig, kc, (p) => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  });
  if (!parsed.ok) throw new Error(parsed.error);
  const script = buildHostRequestScript(MARKER, kc, parsed.value, options.path ?? NODE, options.timeoutS ?? 3);
  const started = Date.now();
  const run = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', script], { env: { ...process.env, TMPDIR: scratch, PATH: options.PATH ?? process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.once('error', reject);
    child.once('close', () => resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
  const asked: Asked = { script, ...run, ms: Date.now() - started };
  try {
    asked.response = parseHostResponse(run.stdout, run.stderr, MARKER);
  } catch (error) {
    if (!(error instanceof ApiUnreachable)) throw error;
    asked.error = error;
  }
  expect(readdirSync(scratch)).toEqual([]); // the temp dir with decoded credentials is gone
  return asked;
}

const byFiles = (options: { port?: number; ca?: string } = {}) =>
  kubeletKubeconfig({ server: `https://127.0.0.1:${options.port ?? api.port}`, ca: options.ca ?? files.ca, cert: files.cert, key: files.key });
const inline = () => {
  const client = pki.clients['system:node:node4'];
  return kubeletKubeconfig({ server: `https://localhost:${api.port}`, ca: pki.caCert, cert: client.cert, key: client.key, inline: true });
};
/** Client certificate plus a bearer token (file or inline); or the token alone. */
function withToken(token: { file?: string; inline?: string }, cert = true): string {
  const user = [cert ? `    client-certificate: ${files.cert}\n    client-key: ${files.key}` : '', token.file ? `    tokenFile: ${token.file}` : `    token: "${token.inline}"`].filter(Boolean).join('\n');
  return `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    certificate-authority: ${files.ca}\n    server: https://127.0.0.1:${api.port}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\nusers:\n- name: u\n  user:\n${user}\n`;
}

/** A PATH holding only the named tools (symlinks), so `command -v curl` fails where wanted. */
function binWith(tools: string[]): string {
  const bin = mkdtempSync(join(dir, 'bin-'));
  for (const tool of tools) {
    const found = ['/usr/bin', '/bin', '/usr/local/bin'].map((d) => join(d, tool)).find((p) => existsSync(p));
    if (!found) throw new Error(`no ${tool} on this machine`);
    symlinkSync(found, join(bin, tool));
  }
  return bin;
}
const BASICS = ['mktemp', 'sed', 'head', 'base64', 'rm', 'cat'];

describe('host-side request with curl', () => {
  it('file-referenced CA, client certificate and key: 200 with the body and the server Date', async () => {
    state.nodes.node4 = { ready: 'True', heartbeatAgeSeconds: 1 };
    const asked = await ask(byFiles());
    expect(asked.error).toBeUndefined();
    expect(asked.response).toMatchObject({ status: 200, body: { kind: 'Node', metadata: { name: 'node4' } } });
    expect(Math.abs(asked.response!.serverDate! - Date.now())).toBeLessThan(5000);
    expect(asked.script).toContain(`--cacert ${files.ca} --cert ${files.cert} --key ${files.key}`);
    expect(api.requests).toEqual([{ path: NODE, clientCn: 'system:node:node4', status: 200 }]);
  });

  it('inline *-data: decoded on the host from the kubeconfig file; no PEM or base64 of it in the script', async () => {
    state.nodes.node4 = { ready: 'True', heartbeatAgeSeconds: 1 };
    const asked = await ask(inline());
    expect(asked.response).toMatchObject({ status: 200, body: { metadata: { name: 'node4' } } });
    expect(api.requests).toEqual([{ path: NODE, clientCn: 'system:node:node4', status: 200 }]);
    const client = pki.clients['system:node:node4'];
    for (const secret of [client.key, client.cert, pki.caCert]) {
      expect(asked.script).not.toContain(secret.split('\n')[1]); // a line of the PEM body
      expect(asked.script).not.toContain(Buffer.from(secret).toString('base64').slice(0, 40));
    }
    expect(asked.script).not.toContain('BEGIN');
  });

  it('a token file and an inline token: sent as the Authorization header, never in the script', async () => {
    state.nodes.node4 = { ready: 'False', heartbeatAgeSeconds: 1 };
    const tokenFile = put('token', 'file-token-0123456789\n');
    const fromFile = await ask(withToken({ file: tokenFile }));
    expect(fromFile.response?.status).toBe(200);
    expect(fromFile.script).not.toContain('file-token-0123456789');
    const fromInline = await ask(withToken({ inline: 'inline-token-abcdef' }));
    expect(fromInline.response?.status).toBe(200);
    expect(fromInline.script).not.toContain('inline-token-abcdef');
    expect(api.requests).toEqual([
      { path: NODE, clientCn: 'system:node:node4', status: 200, authorization: 'Bearer file-token-0123456789' },
      { path: NODE, clientCn: 'system:node:node4', status: 200, authorization: 'Bearer inline-token-abcdef' },
    ]);
  });

  it('the token alone (no client certificate): the header goes out; the fake server answers 401', async () => {
    const asked = await ask(withToken({ inline: 'only-token' }, false));
    expect(asked.response).toMatchObject({ status: 401, body: { reason: 'Unauthorized' } });
    expect(api.requests).toEqual([{ path: NODE, clientCn: null, status: 401, authorization: 'Bearer only-token' }]);
  });

  it('tls-server-name: the certificate is checked against that name, the connection goes to the server address', async () => {
    const named = makeTestPki(mkdtempSync(join(dir, 'named-')), { serverIps: [], serverDns: ['kubernetes.internal'], clientCns: ['system:node:node4'] });
    const server = await startFakeApiServer({ pki: named, host: '127.0.0.1', port: 0, state });
    try {
      state.nodes.node4 = { ready: 'True', heartbeatAgeSeconds: 1 };
      const ca = put('ssl/named-ca.pem', named.caCert);
      const cert = put('ssl/named-node.pem', named.clients['system:node:node4'].cert);
      const key = put('ssl/named-node-key.pem', named.clients['system:node:node4'].key);
      const kc = kubeletKubeconfig({ server: `https://127.0.0.1:${server.port}`, ca, cert, key }).replace('    api-version: v1\n', '    tls-server-name: kubernetes.internal\n');
      const asked = await ask(kc);
      expect(asked.error).toBeUndefined();
      expect(asked.response).toMatchObject({ status: 200, body: { metadata: { name: 'node4' } } });
      expect(server.requests).toEqual([{ path: NODE, clientCn: 'system:node:node4', status: 200 }]);
    } finally {
      await server.close();
    }
  });

  it('404 is an answer (status and body), not a failure', async () => {
    const asked = await ask(byFiles());
    expect(asked.response).toMatchObject({ status: 404, body: { message: 'nodes "node4" not found' } });
  });

  it('a closed port is ECONNREFUSED', async () => {
    const asked = await ask(byFiles({ port: closed }));
    expect(asked.response).toBeUndefined();
    expect(asked.error?.code).toBe('ECONNREFUSED');
    expect(asked.error?.message).toMatch(/^curl on the host exited 7: curl: \(7\)/);
  });

  it('a server certificate from another CA is ETLS', async () => {
    state.nodes.node4 = { ready: 'True', heartbeatAgeSeconds: 1 };
    const asked = await ask(byFiles({ ca: files.otherCa }));
    expect(asked.error?.code).toBe('ETLS');
    expect(api.requests).toEqual([]);
  });

  it('a slow server is ETIMEDOUT after --max-time, not later', async () => {
    state.nodes.node4 = { ready: 'True', heartbeatAgeSeconds: 1 };
    state.delayMs = 4000;
    const asked = await ask(byFiles(), { timeoutS: 1 });
    expect(asked.error?.code).toBe('ETIMEDOUT');
    expect(asked.ms).toBeGreaterThanOrEqual(900);
    expect(asked.ms).toBeLessThan(2500);
  }, 10_000);
});

describe('host-side request with kubectl (no curl on the PATH)', () => {
  let path: string;
  beforeAll(() => {
    path = binWith([...BASICS, 'kubectl']);
  });

  it('200: the body (no Date header through kubectl)', async () => {
    state.nodes.node4 = { ready: 'True', heartbeatAgeSeconds: 1 };
    const asked = await ask(byFiles(), { PATH: path });
    expect(asked.stderr).toBe('');
    expect(asked.stdout).toContain(`${MARKER} exit kubectl 0`);
    expect(asked.response).toEqual({ status: 200, body: expect.objectContaining({ kind: 'Node', metadata: { name: 'node4' } }) });
    // kubectl adds ?timeout= for --request-timeout (this machine's kubectl, gcloud's dispatcher, asks /version first).
    expect(api.requests.filter((r) => r.path !== '/version?timeout=5s')).toEqual([{ path: `${NODE}?timeout=3s`, clientCn: 'system:node:node4', status: 200 }]);
  }, 10_000);

  it('NotFound -> 404, Forbidden -> 403, Unauthorized -> 401 (kubectl reports them only as text)', async () => {
    expect((await ask(byFiles(), { PATH: path })).response).toMatchObject({ status: 404, body: { message: 'Error from server (NotFound): nodes "node4" not found' } });
    state.forceStatus = 403;
    expect((await ask(inline(), { PATH: path })).response).toMatchObject({ status: 403, body: { message: expect.stringContaining('forced 403') } });
    state.forceStatus = 401;
    expect((await ask(byFiles(), { PATH: path })).response).toMatchObject({ status: 401 });
  }, 15_000);

  it('a closed port is ECONNREFUSED, another CA ETLS', async () => {
    const refused = await ask(byFiles({ port: closed }), { PATH: path });
    expect(refused.stderr).toMatch(/^The connection to the server 127\.0\.0\.1:\d+ was refused/);
    expect(refused.error?.code).toBe('ECONNREFUSED');
    const tls = await ask(byFiles({ ca: files.otherCa }), { PATH: path });
    expect(tls.error?.code).toBe('ETLS');
  }, 15_000);
});

describe('no client on the host', () => {
  it('neither curl nor kubectl (nor k3s): ENOCLIENT', async () => {
    const asked = await ask(byFiles(), { PATH: binWith(BASICS) });
    expect(asked.error?.code).toBe('ENOCLIENT');
    expect(asked.error?.message).toBe('neither curl nor kubectl on the host');
    expect(api.requests).toEqual([]);
  });

  it('a script that printed nothing (killed) is EHOSTCLIENT, naming stderr', () => {
    expect(() => parseHostResponse('', 'sh: 1: curl: Permission denied\n', MARKER)).toThrow(expect.objectContaining({ code: 'EHOSTCLIENT', message: expect.stringContaining('Permission denied') }));
  });
});
