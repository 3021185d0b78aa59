// Runs the real nodescrub CLI as a child process against the test lab: the sources as tsc compiles
// them (global-setup builds TEST_DIST once per run, so what runs is fixed for the run; one start costs
// ≈ 0.6 s of CPU, ≈ 1.7 s through tsx).
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { labDir, labEnv, labInventoryPath, labKnownHosts, REPO_ROOT } from './lab.js';

export interface CliResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export const TEST_DIST = join(REPO_ROOT, '.test-dist');
const ENTRY = join(TEST_DIST, 'cli/main.js');

/** The lab's inventory, known_hosts and env (secrets), with short timeouts for tests. */
export function labArgs(...extra: string[]): string[] {
  return ['-i', labInventoryPath(), '--known-hosts', labKnownHosts(), '--connect-timeout', '5', ...extra];
}

export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...labEnv(), ...extra };
  delete env.NODE_OPTIONS; // jest's --experimental-vm-modules is not for the child
  delete env.CI;
  return env;
}

/** Runs nodescrub to completion (no TTY: line output, stdout a pipe). `prefix` runs it through a
 * wrapper command: `ip netns exec NS` (inside a lab namespace), `setpriv --reuid …` (as another user). */
export function runCli(args: string[], options: { env?: Record<string, string>; timeoutMs?: number; prefix?: string[] } = {}): CliResult {
  const [command, ...wrapperArgs] = [...(options.prefix ?? []), process.execPath];
  const result = spawnSync(command, [...wrapperArgs, ENTRY, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: cliEnv(options.env),
    timeout: options.timeoutMs ?? 240_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { exitCode: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts nodescrub without waiting: for Ctrl-C tests, and while this process serves a listener. */
export function startCli(args: string[], env: Record<string, string> = {}, options: { prefix?: string[] } = {}) {
  const [command, ...wrapperArgs] = [...(options.prefix ?? []), process.execPath];
  const child = spawn(command, [...wrapperArgs, ENTRY, ...args], { cwd: REPO_ROOT, env: cliEnv(env) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ exitCode: code, stdout, stderr })));
  return { child, done, output: () => stderr };
}

export { labDir };
