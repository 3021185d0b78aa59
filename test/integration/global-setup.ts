// Brings the test lab up once for all integration tests: `scripts/lab up` + `seed` in a dedicated
// state dir (.lab-test) and port range (2301…), so a developer's demo lab never collides with it.
// A failed setup tears down what it made. The root namespace's state is saved first, so that
// global-teardown can prove the lab left it exactly as it found it.
// Self-contained on purpose: jest loads this file natively, without the test module mapper, so it
// cannot import ./lab.ts. Keep the defaults in step with labDir()/labPortBase() there.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function lab(args: string[]): { ok: boolean; stdout: string; stderr: string } {
  const result = spawnSync('bash', [join(REPO_ROOT, 'scripts/lab'), ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...process.env,
      NODESCRUB_LAB_DIR: process.env.NODESCRUB_TEST_LAB_DIR,
      NODESCRUB_LAB_PORT_BASE: process.env.NODESCRUB_TEST_LAB_PORT_BASE,
    },
  });
  return { ok: result.status === 0, stdout: result.stdout ?? '', stderr: result.stderr ?? String(result.error) };
}

function labOk(args: string[]): { stdout: string; stderr: string } {
  const result = lab(args);
  if (!result.ok) throw new Error(`scripts/lab ${args.join(' ')} failed:\n${result.stderr.trim()}`);
  return result;
}

export default async function globalSetup(): Promise<void> {
  if (process.platform !== 'linux') {
    throw new Error(`integration tests need the lab, which needs Linux namespaces (this is ${process.platform})`);
  }
  if (process.getuid?.() !== 0) {
    throw new Error('integration tests need the lab, which needs root (namespaces, mounts, iptables): run them as root');
  }
  // Fixed here, so that every test worker (a child of this process) agrees on the lab.
  process.env.NODESCRUB_TEST_LAB_DIR = resolve(process.env.NODESCRUB_TEST_LAB_DIR ?? join(REPO_ROOT, '.lab-test'));
  process.env.NODESCRUB_TEST_LAB_PORT_BASE = process.env.NODESCRUB_TEST_LAB_PORT_BASE ?? '2300';

  labOk(['down']); // remains of an interrupted earlier run (down is idempotent)
  const before = labOk(['root-state']).stdout;
  const started = Date.now();
  try {
    const up = labOk(['up']);
    const seed = labOk(['seed']);
    writeFileSync(join(process.env.NODESCRUB_TEST_LAB_DIR, 'root-state-before.txt'), before);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stderr.write(`\n${up.stderr}${seed.stderr}lab: test lab up and seeded in ${seconds}s\n`);
  } catch (error) {
    const down = lab(['down']);
    if (!down.ok) process.stderr.write(`lab: the teardown after the failed setup failed too:\n${down.stderr}\n`);
    throw error;
  }
}
