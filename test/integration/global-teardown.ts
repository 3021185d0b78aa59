// Always takes the test lab down, then checks that the root namespace is exactly as global-setup
// found it (`scripts/lab root-state`: interfaces, addresses, routes, iptables, ip6tables, mounts,
// network namespaces). Self-contained for the same reason as global-setup.ts.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function lab(args: string[]): { ok: boolean; stdout: string; stderr: string } {
  const result = spawnSync('bash', [join(REPO_ROOT, 'scripts/lab'), ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...process.env,
      NODESCRUB_LAB_DIR: process.env.NODESCRUB_TEST_LAB_DIR ?? join(REPO_ROOT, '.lab-test'),
      NODESCRUB_LAB_PORT_BASE: process.env.NODESCRUB_TEST_LAB_PORT_BASE ?? '2300',
    },
  });
  return { ok: result.status === 0, stdout: result.stdout ?? '', stderr: result.stderr ?? String(result.error) };
}

export default async function globalTeardown(): Promise<void> {
  const beforeFile = join(process.env.NODESCRUB_TEST_LAB_DIR ?? join(REPO_ROOT, '.lab-test'), 'root-state-before.txt');
  const before = existsSync(beforeFile) ? readFileSync(beforeFile, 'utf8') : null;
  const down = lab(['down']);
  if (!down.ok) throw new Error(`scripts/lab down failed:\n${down.stderr}`);
  if (before === null) return;
  const after = lab(['root-state']).stdout;
  if (after !== before) {
    throw new Error(`the lab left the root namespace changed:\n--- before up:\n${before}--- after down:\n${after}`);
  }
}
