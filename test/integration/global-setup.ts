// Brings the test lab up once for all integration tests: `scripts/lab up` + `seed` in a dedicated
// state dir (.lab-test) and port range (2301…), so a developer's demo lab never collides with it.
// A failed setup tears down what it made. The root namespace's state is saved first, so that
// global-teardown can prove the lab left it exactly as it found it.
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';

// jest loads this file natively (no module mapper, no TypeScript for its imports): ./lab.ts comes
// through tsx, so the hooks and the tests share one set of lab helpers.
const loadLab = async () => (await tsImport('./lab.ts', import.meta.url)) as typeof import('./lab.js');

export default async function globalSetup(): Promise<void> {
  if (process.platform !== 'linux') {
    throw new Error(`integration tests need the lab, which needs Linux namespaces (this is ${process.platform})`);
  }
  if (process.getuid?.() !== 0) {
    throw new Error('integration tests need the lab, which needs root (namespaces, mounts, iptables): run them as root');
  }
  const lab = await loadLab();
  // Fixed here, so that every test worker (a child of this process) agrees on the lab.
  process.env.NODESCRUB_TEST_LAB_DIR = lab.labDir();
  process.env.NODESCRUB_TEST_LAB_PORT_BASE = String(lab.labPortBase());

  lab.labRunOk(['down']); // remains of an interrupted earlier run (down is idempotent)
  const before = lab.labRunOk(['root-state']).stdout;
  const started = Date.now();
  // The CLI the tests run (cli.ts): compiled once, while the lab comes up.
  const { TEST_DIST } = (await tsImport('./cli.ts', import.meta.url)) as typeof import('./cli.js');
  const built = buildTestDist(lab.REPO_ROOT, TEST_DIST);
  try {
    const up = lab.labRunOk(['up']);
    const seed = lab.labRunOk(['seed']);
    const build = await built;
    if (build.code !== 0) throw new Error(`tsc -p tsconfig.build.json --outDir ${TEST_DIST} exited ${build.code}:\n${build.output.trim()}`);
    writeFileSync(join(lab.labDir(), 'root-state-before.txt'), before);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stderr.write(`\n${up.stderr}${seed.stderr}lab: test lab up and seeded in ${seconds}s\n`);
  } catch (error) {
    const down = lab.labRun(['down']);
    if (down.exitCode !== 0) process.stderr.write(`lab: the teardown after the failed setup failed too:\n${down.stderr}\n`);
    throw error;
  }
}

/** `tsc -p tsconfig.build.json --outDir OUTDIR`, from a clean directory (no file of an older build). */
function buildTestDist(repo: string, outDir: string): Promise<{ code: number | null; output: string }> {
  rmSync(outDir, { recursive: true, force: true });
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => done({ code: null, output: error.message }));
    child.on('close', (code) => done({ code, output }));
  });
}
