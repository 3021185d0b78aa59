// readDockerApi against a real HTTP server on a Unix socket standing in for docker.sock: what it
// offers the script, the listings it hands the parser, and what it does when the socket won't open.
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { readDockerApi } from '../../../src/run/docker-api-probe.js';
import type { Transport } from '../../../src/transport/transport.js';

const dir = mkdtempSync(join(tmpdir(), 'nodescrub-dockerd-'));
const path = join(dir, 'docker.sock');
const IMG = `sha256:${'c'.repeat(64)}`;
const requests: string[] = [];
let answers: Record<string, { status: number; body: unknown } | 'hang'> = {};
let server: Server;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const answer = answers[req.url ?? ''] ?? { status: 404, body: { message: `page not found: ${req.url}` } };
    if (answer === 'hang') return;
    res.statusCode = answer.status;
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  requests.length = 0;
});

const opens: string[] = [];
function transport(open: (p: string) => Promise<Duplex>): Transport {
  return { exec: () => Promise.reject(new Error('not here')), close: () => Promise.resolve(), openUnixSocket: (p) => (opens.push(p), open(p)) };
}
const toServer = transport(() => Promise.resolve(connect(path)));
const signal = new AbortController().signal;

test('socket opens: offers docker-api, lists all three, and inspects only the container listed under an image ID', async () => {
  answers = {
    '/containers/json?all=1': {
      status: 200,
      body: [
        { Id: 'a'.repeat(64), Names: ['/kubelet'], Image: 'rancher/hyperkube:v1', ImageID: IMG, State: 'running', Labels: {}, Mounts: [] },
        { Id: 'b'.repeat(64), Names: ['/etcd'], Image: 'cccccccccccc', ImageID: IMG, State: 'exited', Labels: {}, Mounts: [] },
        { Id: 'd'.repeat(64), Names: ['/gone'], Image: IMG, ImageID: IMG, State: 'exited', Labels: {}, Mounts: [] },
      ],
    },
    [`/containers/${'b'.repeat(64)}/json`]: { status: 200, body: { Config: { Image: 'rancher/coreos-etcd:v3' } } },
    [`/containers/${'d'.repeat(64)}/json`]: { status: 404, body: { message: `No such container: ${'d'.repeat(64)}` } },
    '/volumes': { status: 200, body: { Volumes: [{ Name: 'v', Driver: 'local', Labels: null }] } },
    '/images/json': { status: 200, body: [{ Id: IMG, RepoTags: ['rancher/hyperkube:v1'] }] },
  };
  opens.length = 0;
  const reading = await readDockerApi(toServer, signal)!;
  if (!reading.available) throw new Error(reading.why);
  const sections = reading.listings;
  // One channel per request, all to the socket (three listings, two inspects).
  expect(opens).toEqual(Array(5).fill('/var/run/docker.sock'));
  expect(requests.sort()).toEqual(['/containers/json?all=1', `/containers/${'b'.repeat(64)}/json`, `/containers/${'d'.repeat(64)}/json`, '/images/json', '/volumes'].sort());
  const containers = sections.get('docker-containers')!.output.stdout.trim().split('\n').map((l) => JSON.parse(l) as { Name: string; Image: string });
  // The configured name replaces the ID; the one removed meanwhile is gone, as with the CLI.
  expect(containers.map((c) => [c.Name, c.Image])).toEqual([['/kubelet', 'rancher/hyperkube:v1'], ['/etcd', 'rancher/coreos-etcd:v3']]);
  expect(sections.get('docker-volumes')!.output).toEqual({ status: 0, stdout: '{"Name":"v","Driver":"local","Labels":{}}\n', stderr: '' });
  expect(sections.get('docker-images')!.output.status).toBe(0);
});

test('a daemon error and a hung request become the statuses the parser words (error line, 124)', async () => {
  answers = { '/containers/json?all=1': { status: 500, body: { message: 'boom' } }, '/volumes': 'hang', '/images/json': { status: 200, body: [] } };
  const reading = await readDockerApi(toServer, signal, 300)!;
  if (!reading.available) throw new Error(reading.why);
  const sections = reading.listings;
  expect(sections.get('docker-containers')!.output).toEqual({ status: 1, stdout: '', stderr: 'Error response from daemon: boom' });
  expect(sections.get('docker-volumes')!.output).toMatchObject({ status: 124 });
});

test('the socket does not open (sshd forbids it, no socket, no permission): unavailable, saying why', async () => {
  const refused = transport(() => Promise.reject(Object.assign(new Error('opening /var/run/docker.sock through the host\'s sshd failed: administratively prohibited'), { code: 'EFORWARDPROHIBITED' })));
  await expect(readDockerApi(refused, signal)).resolves.toEqual({ available: false, why: "opening /var/run/docker.sock through the host's sshd failed: administratively prohibited" });
});

test('a transport without Unix sockets (a become host): nothing to offer, the script lists with the CLI', () => {
  expect(readDockerApi({ exec: () => Promise.reject(new Error('x')), close: () => Promise.resolve() }, signal)).toBeUndefined();
});
