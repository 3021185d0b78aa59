// Runs INSIDE private mount/net/pid namespaces (see sandbox.test.ts): seeds a dirty node, then does
// what the runner does — probe, plan, apply each step's commands, probe and plan again — and prints
// one JSON report on stdout for the test to judge.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildProbeScript, builtinSteps, parseProbeOutput, type Facts, type StepPlan } from '../../../src/recipe/index.js';
import { buildStepScript, parseStepOutput } from '../../../src/run/step-script.js';

const here = dirname(fileURLToPath(import.meta.url));
const env = { ...process.env, SSH_CONNECTION: '10.9.0.1 40000 10.9.0.2 22' };
// SANDBOX_SEED picks the seed (seed.sh: mounts, dirs, links, rules; docker-seed.sh: a dockerd).
const seed = process.env.SANDBOX_SEED ?? 'seed.sh';
const options = { removeImages: seed === 'docker-seed.sh', force: false };

// NODESCRUB_SANDBOX_DUMP=FILE keeps the first probe's raw output in FILE.stdout and FILE.stderr (how the fixtures were captured).
function probe(nonce: string): Facts {
  const run = spawnSync('sh', ['-c', buildProbeScript(nonce)], { env, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`probe: exit status ${String(run.status)}: ${run.stderr}`);
  const dump = process.env.NODESCRUB_SANDBOX_DUMP;
  if (dump && !existsSync(`${dump}.stdout`)) {
    writeFileSync(`${dump}.stdout`, run.stdout);
    writeFileSync(`${dump}.stderr`, run.stderr);
  }
  return parseProbeOutput(run, nonce);
}

function apply(plan: StepPlan) {
  const nonce = 'applynonce0001';
  const run = spawnSync('sh', ['-c', buildStepScript(plan.commands, nonce)], { env, encoding: 'utf8' });
  const { outcomes } = parseStepOutput(run.stdout, plan.commands, nonce);
  return { stepId: plan.stepId, exitCode: run.status, failed: outcomes.filter((o) => o.exitCode !== 0), stderr: run.stderr };
}

// A paused (frozen) container outlives a crash of this driver and then blocks the pid namespace's
// exit forever (the kernel waits for tasks it cannot kill while frozen): unpause on any exit.
process.on('exit', () => {
  if (seed === 'docker-seed.sh') spawnSync('sh', ['-c', 'docker ps -q --filter status=paused | xargs -r docker unpause'], { stdio: 'ignore', timeout: 20_000 });
});
execFileSync('sh', [join(here, seed)], { stdio: ['ignore', 'ignore', 'inherit'] });
const before = builtinSteps.map((step) => step.plan(probe('sandboxprobe01'), options));
const applied = [];
for (const plan of before) {
  if (plan.refusal) break;
  if (plan.failure || plan.commands.length === 0) continue;
  applied.push(apply(plan));
}
const after = builtinSteps.map((step) => step.plan(probe('sandboxprobe02'), options));
// The first plans once more, now stale: each command must be safe on a host already cleaned.
const staleRerun = before.filter((p) => !p.refusal && !p.failure && p.commands.length > 0).map(apply);
const afterStale = builtinSteps.map((step) => step.plan(probe('sandboxprobe03'), options));
const sh = (command: string) => spawnSync('sh', ['-c', command], { encoding: 'utf8' }).stdout;

/** Read apart from nodescrub: what runs and what is left of the RKE2 node and of its keepers. */
function containerdState() {
  const procs = sh(`for d in /proc/[0-9]*; do c=$(cat $d/comm 2>/dev/null); case $c in containerd*) printf '%s %s\\n' "$c" "$(tr '\\0' ' ' < $d/cmdline)";; esac; done`);
  return {
    processes: procs.split('\n').filter(Boolean),
    netns: sh('ls /run/netns').split('\n').filter(Boolean),
    keeperTasks: sh('ctr -a /run/containerd/containerd.sock -n keeper tasks ls'),
    paths: Object.fromEntries(
      ['/etc/rancher/rke2', '/etc/rancher/node', '/etc/rancher/rke2-backup/config.yaml', '/srv/rke2-backup/keep', '/var/lib/rancher', '/var/lib/containerd', '/run/k3s', '/run/k3s-notes/keep'].map((p) => [p, existsSync(p)]),
    ),
  };
}
process.stdout.write(
  JSON.stringify({
    before,
    applied,
    after,
    staleRerun,
    afterStale,
    pwned: ['/tmp/pwned', '/tmp/pw'].filter((p) => existsSync(p)),
    survivors: ['/var/lib/kubeletfoo/keep', '/var/lib/kubelet x/keep', '/var/log/keepme/file'].filter((p) => existsSync(p)),
    links: sh('ip -o link show').split('\n').map((l) => /^\d+: ([^:@]+)/.exec(l)?.[1]).filter(Boolean),
    legacy4: sh('iptables-legacy-save'),
    nft4: sh('iptables-nft-save'),
    nft6: sh('ip6tables-nft-save'),
    backups: existsSync('/var/backups/nodescrub') ? readdirSync('/var/backups/nodescrub') : [],
    mountsLeft: sh('cat /proc/self/mountinfo').split('\n').filter((l) => / \/(var\/lib\/(kubelet|rancher)|run\/k3s|run\/netns\/cni-)[ /]/.test(l)),
    ...(seed === 'containerd-seed.sh' ? containerdState() : {}),
  }),
);
