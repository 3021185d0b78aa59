// The live-node guard and --backup on the lab. A fake API server runs INSIDE node4's network
// namespace (ip netns exec) on 127.0.0.1:6443, like RKE1's nginx-proxy: nodescrub can only reach it
// through node4's SSH connection (direct-tcpip), with node4's own kubelet kubeconfig and client
// certificate (CN system:node:node4). Its answers come from a state file the tests rewrite.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labArgs, runCli } from './cli.js';
import { makeTestPki, type FakeState, type TestPki } from '../../scripts/lab.d/fake-apiserver.js';
import { labExec, labNode, labSeed, labStatus, REPO_ROOT, type LabStatus } from './lab.js';
import { kubeletKubeconfig } from '../fixtures/guards/host.js';

const LIVE = 'node4';
const OTHER = 'node1';
const BACKED_UP = ['node1', 'node2', 'node3']; // root (SFTP), ops + sudo NOPASSWD, opspw + sudo password (sudo cat)

const work = mkdtempSync(join(tmpdir(), 'nodescrub-guards-'));
const stateFile = join(work, 'state.json');
let pki: TestPki;
const children: ChildProcess[] = [];
let serverLog: () => string = () => '';
const timings: Record<string, number> = {};

function setState(state: FakeState): void {
  writeFileSync(stateFile, JSON.stringify(state));
}
const READY: FakeState = { nodes: { [LIVE]: { ready: 'True', heartbeatAgeSeconds: 4, leaseAgeSeconds: 2 } } };

function timed<T>(label: string, fn: () => T): T {
  const started = Date.now();
  try {
    return fn();
  } finally {
    timings[label] = Date.now() - started;
  }
}

/** Writes node4's RKE1 kubelet kubeconfig (and the files it names) pointing at the fake API server. */
function installKubeletKubeconfig(): void {
  const client = pki.clients[`system:node:${LIVE}`];
  const put = (path: string, content: string) => {
    const result = labExec(LIVE, `mkdir -p /etc/kubernetes/ssl && cat > ${path}`, { stdin: content });
    if (result.exitCode !== 0) throw new Error(`writing ${path} on ${LIVE}: ${result.stderr}`);
  };
  put('/etc/kubernetes/ssl/kube-ca.pem', pki.caCert);
  put('/etc/kubernetes/ssl/kube-node.pem', client.cert);
  put('/etc/kubernetes/ssl/kube-node-key.pem', client.key);
  put(
    '/etc/kubernetes/ssl/kubecfg-kube-node.yaml',
    kubeletKubeconfig({ server: 'https://127.0.0.1:6443', ca: '/etc/kubernetes/ssl/kube-ca.pem', cert: '/etc/kubernetes/ssl/kube-node.pem', key: '/etc/kubernetes/ssl/kube-node-key.pem' }),
  );
}

/**
 * Starts the fake API server as its own process (runCli blocks this one): inside a node's network
 * namespace when `netns` is given, else on this machine's loopback. Resolves with it and its port.
 */
function startServerProcess(listen: string, state: string, netns?: string): Promise<{ child: ChildProcess; port: number; log: () => string }> {
  const argv = [process.execPath, '--import', 'tsx', join(REPO_ROOT, 'scripts/lab.d/fake-apiserver.ts'), '--listen', listen, '--pki', pki.dir, '--state', state];
  const [command, ...args] = netns ? ['ip', 'netns', 'exec', netns, ...argv] : argv;
  const child = spawn(command, args, { cwd: REPO_ROOT, env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fake API server did not start:\n${log}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const listening = /listening \S+:(\d+)/.exec(log);
      if (listening) {
        clearTimeout(timer);
        resolve({ child, port: Number(listening[1]), log: () => log });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fake API server exited ${code}:\n${log}`));
    });
  });
}

/** Lets the event loop deliver the server's output (runCli is synchronous) until `text` shows up. */
async function waitForLog(log: () => string, text: string): Promise<string> {
  for (let i = 0; i < 50 && !log().includes(text); i++) await new Promise((r) => setTimeout(r, 20));
  return log();
}

const statusOf = (node: string): LabStatus => labStatus([node])[0];

beforeAll(async () => {
  // Other test files may leave these nodes clean; every test here starts from seeded nodes.
  labSeed([...new Set([LIVE, ...BACKED_UP])]);
  const node = labNode(LIVE);
  pki = makeTestPki(mkdtempSync(join(work, 'pki-')), { serverIps: ['127.0.0.1', node.eth0!.split('/')[0]], clientCns: [`system:node:${LIVE}`] });
  setState(READY);
  serverLog = (await startServerProcess('127.0.0.1:6443', stateFile, node.netns!)).log;
  installKubeletKubeconfig();
}, 300_000);

afterAll(() => {
  for (const child of children) if (child.pid && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
  labSeed([...new Set([LIVE, ...BACKED_UP])]);
  rmSync(work, { recursive: true, force: true });
  process.stderr.write(`guards integration timings (ms): ${JSON.stringify(timings)}\n`);
}, 300_000);

describe('live-node guard on the lab', () => {
  it('plan shows the refusal with its evidence and changes nothing', async () => {
    const before = statusOf(LIVE);
    const plan = timed('plan live node', () => runCli(['plan', ...labArgs('--limit', LIVE, '--json')]));
    const host = JSON.parse(plan.stdout).hosts[0];
    expect(host.refusals).toEqual([
      expect.stringMatching(
        /^live node: the API server at https:\/\/127\.0\.0\.1:6443 reports node "node4" Ready \(last heartbeat \ds ago, asked from node4 with \/etc\/kubernetes\/ssl\/kubecfg-kube-node\.yaml\) — refusing; use --force to clean it anyway$/,
      ),
    ]);
    const text = runCli(['plan', ...labArgs('--limit', LIVE, '--detail')]);
    expect(text.stdout).toMatch(/^node4\s+will-refuse\s/m);
    expect(text.stdout).toContain('  REFUSE: live node: the API server at https://127.0.0.1:6443 reports node "node4" Ready');
    expect(statusOf(LIVE)).toEqual(before);
    // Asked from inside the node, with the node's own certificate.
    const asked = '{"path":"/api/v1/nodes/node4","clientCn":"system:node:node4","status":200}';
    expect(await waitForLog(serverLog, asked)).toContain(asked);
  });

  it('--kubeconfig (admin, from this machine) refuses a node the API server reports Ready', async () => {
    const adminState = join(work, 'admin-state.json');
    writeFileSync(adminState, JSON.stringify({ nodes: { [OTHER]: { ready: 'True', heartbeatAgeSeconds: 1 } } }));
    const local = await startServerProcess('127.0.0.1:0', adminState);
    try {
      const admin = join(work, 'admin.yaml');
      const b64 = (s: string) => Buffer.from(s).toString('base64');
      writeFileSync(
        admin,
        `apiVersion: v1\nclusters:\n- name: lab\n  cluster: {server: "https://127.0.0.1:${local.port}", certificate-authority-data: ${b64(pki.caCert)}}\nusers:\n- name: admin\n  user: {client-certificate-data: ${b64(pki.clients[`system:node:${LIVE}`].cert)}, client-key-data: ${b64(pki.clients[`system:node:${LIVE}`].key)}}\ncontexts:\n- name: lab\n  context: {cluster: lab, user: admin}\ncurrent-context: lab\n`,
      );
      const plan = runCli(['plan', ...labArgs('--limit', OTHER, '--kubeconfig', admin, '--json')]);
      const host = JSON.parse(plan.stdout).hosts[0];
      expect(host.refusals).toEqual([expect.stringContaining(`reports node "node1" Ready (last heartbeat`)]);
      expect(host.refusals[0]).toContain(`asked from here with ${admin})`);
      // The node's own kubeconfig (the lab's cluster) answered too: NotReady there.
      expect(host.notes).toEqual(expect.arrayContaining([expect.stringMatching(/reports node "[\d.]+" NotReady since .* \(asked from node1 with \/etc\/kubernetes\/ssl\/kubecfg-kube-node\.yaml\)$/)]));
      const bad = runCli(['plan', ...labArgs('--limit', OTHER, '--kubeconfig', join(work, 'missing.yaml'))]);
      expect(bad.exitCode).toBe(1);
      expect(bad.stderr).toContain('--kubeconfig');
    } finally {
      local.child.kill('SIGTERM');
    }
  });

  it('a failed backup stops the host before anything is deleted', () => {
    const before = statusOf(OTHER);
    expect(before).toMatchObject({ clean: false, intact: true });
    const run = runCli(['run', ...labArgs('--limit', OTHER, '--yes', '--backup-dir', '/proc/nodescrub-backup', '--json')]);
    expect(run.exitCode).toBe(2);
    const host = JSON.parse(run.stdout).hosts[0];
    expect(host).toMatchObject({ status: 'failed', failure: 'step-failed' });
    expect(host.reason).toMatch(/^backup failed: mkdir: .*\/proc\/nodescrub-backup.* \(exit 1\); nothing was deleted$/);
    expect(statusOf(OTHER)).toEqual(before);
  });

  it('run refuses the live node (untouched) and cleans the other node in the same run', () => {
    const before = statusOf(LIVE);
    expect(before).toMatchObject({ clean: false, intact: true });
    const report = join(work, 'live.json');
    const run = timed('run live+other', () => runCli(['run', ...labArgs('--limit', `${OTHER},${LIVE}`, '--yes', '--report', report)]));
    expect(run.exitCode).toBe(2);
    const hosts = JSON.parse(readFileSync(report, 'utf8')).hosts as Array<{ name: string; status: string; reason?: string; steps: Array<{ status: string }> }>;
    const live = hosts.find((h) => h.name === LIVE)!;
    expect(live.status).toBe('refused');
    expect(live.reason).toMatch(/^live node: the API server at https:\/\/127\.0\.0\.1:6443 reports node "node4" Ready \(last heartbeat \ds ago, .*\) — refusing; use --force to clean it anyway$/);
    expect(live.steps.every((s) => s.status === 'skipped')).toBe(true);
    expect(hosts.find((h) => h.name === OTHER)!.status).toBe('ok');
    expect(statusOf(LIVE)).toEqual(before);
    expect(statusOf(OTHER)).toMatchObject({ clean: true, intact: true });
    expect(run.stderr).toMatch(/^node1: live node: the API server at https:\/\/10\.250\.255\.1:6443 reports node "[\d.]+" NotReady .*: proceeding$/m);
  });

  it('with the API server answering 404 the node is cleaned, with the note; the kubelet key is read inside the probe and never logged', () => {
    setState({ nodes: {} });
    const logs = join(work, 'logs-404');
    const run = timed('run 404', () => runCli(['run', ...labArgs('--limit', LIVE, '--yes', '--log-dir', logs, '-v')]));
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toMatch(/^node4: live node: the API server at https:\/\/127\.0\.0\.1:6443 does not know node "node4" \(nor "[\d.]+"\) and no node has the host's addresses \(.*\) \(asked from node4 with \/etc\/kubernetes\/ssl\/kubecfg-kube-node\.yaml\): proceeding$/m);
    expect(statusOf(LIVE)).toMatchObject({ clean: true, intact: true });
    const log = readdirSync(logs).map((file) => readFileSync(join(logs, file), 'utf8')).join('\n');
    const keyBody = pki.clients[`system:node:${LIVE}`].key.split('\n')[1]; // a line of the PEM's base64
    expect(keyBody.length).toBeGreaterThan(20);
    expect(`${log}${run.stderr}${run.stdout}`).not.toContain(keyBody);
    expect(log).toMatch(/\[\d+ bytes not logged: may hold credentials\]/);
    expect(log.match(/\[discover\] \$ /g)).toHaveLength(1);
    // The docker listings came from the Engine API beside that one exec, recorded as requests.
    expect(log).toContain('[discover] request GET /containers/json?all=1 on /var/run/docker.sock');
  });

  it('--force cleans a node the API server reports Ready, saying so', () => {
    labSeed([LIVE]);
    installKubeletKubeconfig();
    setState(READY);
    const run = timed('run --force', () => runCli(['run', ...labArgs('--limit', LIVE, '--yes', '--force')]));
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toMatch(/^node4: live node: the API server at https:\/\/127\.0\.0\.1:6443 reports node "node4" Ready \(last heartbeat \ds ago, .*\) — cleaning it anyway \(--force\)$/m);
    expect(statusOf(LIVE)).toMatchObject({ clean: true, intact: true });
  });
});

describe('--backup --backup-fetch on the lab', () => {
  it('leaves one restorable, checksum-verified archive per node locally, then cleans', () => {
    labSeed([OTHER]);
    const fetchDir = join(work, 'fetched');
    const caBefore = Object.fromEntries(BACKED_UP.map((n) => [n, labExec(n, 'cat /etc/kubernetes/ssl/kube-ca.pem').stdout]));
    for (const n of BACKED_UP) expect(caBefore[n]).toContain('BEGIN CERTIFICATE');
    const logs = join(work, 'logs-backup');
    const run = timed('run --backup --backup-fetch (3 nodes)', () =>
      runCli(['run', ...labArgs('--limit', BACKED_UP.join(','), '--yes', '--backup', '--backup-fetch', fetchDir, '--log-dir', logs)]),
    );
    expect(run.exitCode).toBe(0);
    const files = readdirSync(fetchDir).sort();
    expect(files.map((f) => f.replace(/-\d{8}T\d{6}Z\.tar\.gz$/, ''))).toEqual(BACKED_UP);
    for (const node of BACKED_UP) {
      const local = join(fetchDir, files.find((f) => f.startsWith(`${node}-`))!);
      const ts = /-(\d{8}T\d{6}Z)\.tar\.gz$/.exec(local)![1];
      const remote = `/var/backups/nodescrub/${ts}/nodescrub-backup-${node}-${ts}.tar.gz`;
      // The checksum on the host (where the archive stays, outside the cleaned trees) equals the local one.
      const remoteSha = labExec(node, `sha256sum ${remote}`).stdout.split(' ')[0];
      const localSha = spawnSync('sha256sum', [local], { encoding: 'utf8' }).stdout.split(' ')[0];
      expect(localSha).toMatch(/^[0-9a-f]{64}$/);
      expect(localSha).toBe(remoteSha);
      expect(run.stderr).toContain(`${node}: backup: ${remote} (`);
      expect(run.stderr).toContain(`sha256 ${remoteSha})`);
      expect(run.stderr).toContain(`${node}: backup: copied to ${local} (sha256 verified)`);
      // The archive command is in the host's log like every step's, with its output (size, sha256).
      const log = readFileSync(join(logs, `${node}.log`), 'utf8');
      expect(log).toMatch(/\[backup\] \$ /);
      expect(log).toMatch(/\[backup\] exit 0 in \d+ms/);
      expect(log).toContain(remoteSha);
      const listing = spawnSync('tar', ['-tzf', local], { encoding: 'utf8' }).stdout.split('\n');
      expect(listing).toEqual(expect.arrayContaining(['etc/kubernetes/ssl/kube-ca.pem', 'etc/cni/net.d/10-canal.conflist']));
      // One fresh dump per iptables variant the probe saw (plain, -nft, -legacy; ip6 too).
      const dumps = listing.filter((l) => new RegExp(`^var/backups/nodescrub/${ts}/ip6?tables(-nft|-legacy)?-save\\.rules$`).test(l));
      expect(dumps.length).toBeGreaterThanOrEqual(2);
      expect(listing.some((l) => l.startsWith('opt/rke/'))).toBe(true);
      expect(listing.some((l) => l.startsWith('var/lib/etcd/'))).toBe(true);
      // Restorable: extract and compare with what the node had before the cleanup.
      const restore = join(work, `restore-${node}`);
      mkdirSync(restore);
      expect(spawnSync('tar', ['-xzf', local, '-C', restore]).status).toBe(0);
      expect(readFileSync(join(restore, 'etc/kubernetes/ssl/kube-ca.pem'), 'utf8')).toBe(caBefore[node]);
      const rules = dumps.map((d) => readFileSync(join(restore, d), 'utf8')).join('\n');
      expect(rules).toMatch(/^:cali-INPUT /m); // taken before the cleanup removed the chains
      expect(rules).toMatch(/^:KUBE-SERVICES .*$/m);
      // The archive on the host is root-only, also on a become host (fetched by `sudo cat`, never chowned).
      expect(labExec(node, `stat -c '%U %a' ${remote}`).stdout.trim()).toBe('root 600');
    }
    for (const status of labStatus(BACKED_UP)) expect(status).toMatchObject({ clean: true, intact: true });
  });
});
