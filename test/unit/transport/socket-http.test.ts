// getOverSocket against a real HTTP server on a Unix socket (what the host's docker.sock is).
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getOverSocket, SocketGetFailed } from '../../../src/transport/socket-http.js';

const dir = mkdtempSync(join(tmpdir(), 'nodescrub-sock-'));
const path = join(dir, 'api.sock');
let server: Server;
const seen: { url?: string; host?: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url, host: req.headers.host });
    if (req.url === '/hang') return; // never answers
    if (req.url === '/big') return void res.end('x'.repeat(4096));
    if (req.url === '/missing') {
      res.statusCode = 404;
      return void res.end(JSON.stringify({ message: 'No such container: x' }));
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify([{ Id: 'abc' }]));
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const open = () => Promise.resolve(connect(path));

describe('getOverSocket', () => {
  test('200: the parsed JSON body; the request names the path and a host header', async () => {
    await expect(getOverSocket(open, '/containers/json?all=1', { timeoutMs: 5000 })).resolves.toEqual({ status: 200, body: [{ Id: 'abc' }] });
    expect(seen.at(-1)).toEqual({ url: '/containers/json?all=1', host: 'docker' });
  });
  test('an error status comes back as a response with its message (the caller words it)', async () => {
    await expect(getOverSocket(open, '/missing', { timeoutMs: 5000 })).resolves.toEqual({ status: 404, body: { message: 'No such container: x' } });
  });
  test('no answer: ETIMEDOUT after the bound, not a hang', async () => {
    const started = Date.now();
    await expect(getOverSocket(open, '/hang', { timeoutMs: 300 })).rejects.toMatchObject({ code: 'ETIMEDOUT', message: 'no answer within 0.3 s' });
    expect(Date.now() - started).toBeLessThan(3000);
  });
  test('a body over the limit is refused, not truncated', async () => {
    await expect(getOverSocket(open, '/big', { timeoutMs: 5000, maxBytes: 1024 })).rejects.toMatchObject({ code: 'ETOOBIG' });
  });
  test('abort and a stream that cannot be opened are failures with a code', async () => {
    const controller = new AbortController();
    const pending = getOverSocket(open, '/hang', { timeoutMs: 5000, signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    const refused = () => Promise.reject(Object.assign(new Error('open failed'), { code: 'EFORWARDPROHIBITED' }));
    await expect(getOverSocket(refused, '/', { timeoutMs: 5000 })).rejects.toBeInstanceOf(SocketGetFailed);
    await expect(getOverSocket(refused, '/', { timeoutMs: 5000 })).rejects.toMatchObject({ code: 'EFORWARDPROHIBITED' });
  });
});
