// Issue 3/9 on the lab: Ctrl-C mid-run, hostile names discovered on a host, and secrets that must
// never appear in any byte nodescrub produces.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { labArgs, runCli, startCli } from './cli.js';
import { labEnv, labExec, labIdentityFile, labInventoryPath, labKnownHosts, labNodes, labSeed, labStatus } from './lab.js';

const out = mkdtempSync(join(tmpdir(), 'nodescrub-safety-'));
const healthy = labNodes().filter((n) => n.kind === 'healthy');
const rootNode = healthy.find((n) => n.user === 'root')!;

describe('safety on the lab', () => {
  it('Ctrl-C mid-run stops cleanly with exit 130 and a summary; a later run finishes the job', async () => {
    const names = healthy.map((n) => n.name);
    labSeed(names);
    const run = startCli(['run', ...labArgs('--yes', '--limit', 'healthy', '-c', '2', '--step-timeout', '60')]);
    // Interrupt once the first destructive step is under way.
    const deadline = Date.now() + 60_000;
    while (!/: (docker|stop-services): removing/.test(run.output()) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    run.child.kill('SIGINT');
    const result = await run.done;
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toContain('SIGINT: stopping');
    expect(result.stdout).toMatch(/\d+ hosts: .*(aborted|skipped)/);
    // Nothing half-said: every host has a status line in the summary.
    for (const name of names) expect(result.stdout).toMatch(new RegExp(`^${name}\\s+(ok|aborted|skipped)\\s`, 'm'));
    // Consistent afterwards: keepers intact, and a second run cleans everything.
    for (const status of labStatus(names)) expect(status.intact).toBe(true);
    const again = runCli(['run', ...labArgs('--yes', '--limit', 'healthy', '--step-timeout', '60')]);
    expect(again.exitCode).toBe(0);
    for (const status of labStatus(names)) expect(status).toMatchObject({ clean: true, intact: true });
  });

  it('SIGKILL mid-run loses no finished host: --retry-failed on the incremental report completes the job', async () => {
    const names = healthy.map((n) => n.name);
    labSeed(names);
    const report = join(out, 'killed.json');
    const run = startCli(['run', ...labArgs('--yes', '--limit', 'healthy', '-c', '1', '--step-timeout', '60', '--report', report)]);
    const finished = () => {
      try {
        return (JSON.parse(readFileSync(report, 'utf8')).hosts as { name: string; status: string }[]).length;
      } catch {
        return 0;
      }
    };
    const deadline = Date.now() + 120_000;
    while (finished() < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    run.child.kill('SIGKILL');
    await run.done;
    const killed = JSON.parse(readFileSync(report, 'utf8')) as { complete: boolean; hosts: { name: string; status: string }[] };
    expect(killed.complete).toBe(false);
    const done = killed.hosts.filter((h) => h.status === 'ok').map((h) => h.name);
    expect(done.length).toBeGreaterThanOrEqual(1);
    expect(done.length).toBeLessThan(names.length);

    const retryReport = join(out, 'retry.json');
    const retry = runCli(['run', ...labArgs('--yes', '--limit', 'healthy', '--retry-failed', report, '--step-timeout', '60', '--report', retryReport)]);
    expect({ exitCode: retry.exitCode, problems: problemLines(retry.stderr) }).toEqual({ exitCode: 0, problems: [] });
    const retried = (JSON.parse(readFileSync(retryReport, 'utf8')).hosts as { name: string }[]).map((h) => h.name);
    // Exactly the hosts not finished: nothing cleaned twice, nothing left.
    expect(retried.sort()).toEqual(names.filter((n) => !done.includes(n)).sort());
    for (const status of labStatus(names)) expect(status).toMatchObject({ clean: true, intact: true });
  });

  it('hostile names on the host never make a command touch anything else', () => {
    labSeed([rootNode.name]);
    const evil = "/var/lib/kubelet/pods/evil pod/volumes/kubernetes.io~secret/it's $(touch /tmp/pwned)";
    const prepare = [
      'set -e',
      `mkdir -p ${sq(evil)}`,
      `mount -t tmpfs tmpfs ${sq(evil)}`,
      `echo data > ${sq(`${evil}/token`)}`,
      // The sibling outside the kube trees whose name is the prefix of the evil path up to the space.
      'mkdir -p /var/lib/kubelet-sibling && echo keep > /var/lib/kubelet-sibling/file',
      'mkdir -p "/var/lib/kubelet/pods/evil" && echo x > "/var/lib/kubelet/pods/evil/x"',
      'mkdir -p /srv/pods && echo keep > /srv/pods/evil',
      "iptables -t filter -N 'KUBE-SEP-Q$(id)' && iptables -t filter -A INPUT -j 'KUBE-SEP-Q$(id)'",
      // PID 1 a bare sleep, deaf to SIGTERM (the seed's containers end on it): `docker stop` must
      // wait out its grace and kill, and the node still ends clean.
      "docker run -d --network none --name 'k8s_odd.name-_1' \"$(docker images -q | head -n 1)\" sleep 1000 >/dev/null",
    ].join('\n');
    const prepared = labExec(rootNode.name, prepare);
    expect(prepared.stderr).toBe('');
    const run = runCli(['run', ...labArgs('--yes', '--limit', rootNode.name, '--step-timeout', '60')]);
    expect({ exitCode: run.exitCode, problems: problemLines(run.stderr) }).toEqual({ exitCode: 0, problems: [] });
    expect(labStatus([rootNode.name])[0]).toMatchObject({ clean: true, intact: true });
    const check = labExec(rootNode.name, 'test ! -e /tmp/pwned && test ! -e /pwned && cat /var/lib/kubelet-sibling/file /srv/pods/evil && ! iptables -t filter -S | grep -q "KUBE-SEP-Q"');
    expect(check.exitCode).toBe(0);
    expect(check.stdout).toBe('keep\nkeep\n');
  });

  it('no secret appears in any output, log, report or event stream', () => {
    const env = labEnv();
    const sudoPassword = env.NODESCRUB_LAB_SUDO_PASSWORD;
    const loginPassword = env.NODESCRUB_LAB_LOGIN_PASSWORD;
    const passphrase = 'pass-phrase-7f3a9c';
    const sudoNode = healthy.find((n) => n.becomePasswordEnv)!;
    const passwordNode = healthy.find((n) => n.name !== rootNode.name && n.name !== sudoNode.name)!;
    // An encrypted copy of the lab key, its passphrase in an env var.
    const encryptedKey = join(out, 'id_encrypted');
    copyFileSync(labIdentityFile(), encryptedKey);
    const keygen = spawnSync('ssh-keygen', ['-p', '-q', '-f', encryptedKey, '-N', passphrase, '-P', ''], { encoding: 'utf8' });
    expect(keygen.status).toBe(0);
    const inventory = yaml.load(readFileSync(labInventoryPath(), 'utf8')) as { defaults: Record<string, unknown>; hosts: Record<string, unknown>[]; groups?: unknown };
    delete inventory.groups;
    const byName = (name: string) => ({ ...inventory.hosts.find((h) => h.name === name)! });
    inventory.hosts = [
      { ...byName(rootNode.name), identityFile: encryptedKey, identityPassphraseEnv: 'TEST_KEY_PASSPHRASE' },
      byName(sudoNode.name),
      // A third machine (never the same one twice: two runs on one node would race), as opspw by password.
      {
        ...byName(passwordNode.name),
        name: 'password-login',
        user: 'opspw',
        become: true,
        becomePasswordEnv: 'NODESCRUB_LAB_SUDO_PASSWORD',
        identityFile: null,
        passwordEnv: 'NODESCRUB_LAB_LOGIN_PASSWORD',
      },
    ];
    const file = join(out, 'secrets-inventory.yaml');
    writeFileSync(file, yaml.dump(inventory));
    labSeed([rootNode.name, sudoNode.name, passwordNode.name]);
    const logs = join(out, 'logs');
    const run = runCli(
      ['run', '-i', file, '--known-hosts', labKnownHosts(), '--yes', '-v', '--output', 'ndjson', '--log-dir', logs, '--report', join(out, 's.json'), '--junit', join(out, 's.xml'), '--step-timeout', '60'],
      { env: { TEST_KEY_PASSPHRASE: passphrase } },
    );
    expect({ exitCode: run.exitCode, problems: problemLines(run.stderr) }).toEqual({ exitCode: 0, problems: [] });
    const produced = [run.stdout, run.stderr, readFileSync(join(out, 's.json'), 'utf8'), readFileSync(join(out, 's.xml'), 'utf8')];
    for (const log of readdirSync(logs)) produced.push(readFileSync(join(logs, log), 'utf8'));
    expect(produced.length).toBeGreaterThan(5);
    for (const secret of [sudoPassword, loginPassword, passphrase]) {
      for (const text of produced) expect(text.includes(secret)).toBe(false);
    }
    // The NDJSON stream parses line by line.
    for (const line of run.stdout.trim().split('\n')) expect(JSON.parse(line).v).toBe(1);
  });
});

/** The lines that explain a non-zero exit, so a failure shows its reason. */
function problemLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => /failed|refused|unreachable|timed-out|rejected|error/.test(line));
}

function sq(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
