// --reboot: issue the host's reboot command, then wait until it is back — boot id changed AND a full
// SSH login works — with backoff and jitter, bounded by --reboot-timeout.
import { HostError } from '../errors.js';
import type { HostSpec } from '../inventory/types.js';
import { execScript, type ScriptContext } from '../transport/exec-script.js';
import type { ConnectFn, Transport } from '../transport/transport.js';
import { abortableSleep } from './abortable-sleep.js';

export interface RebootOptions {
  connect: ConnectFn;
  timeoutMs: number;
  /** First wait between login attempts; doubles up to maxDelayMs, with ±25% jitter. */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/** Reads the boot id; an empty answer is an error (the comparison would be meaningless). */
export async function readBootId(ctx: ScriptContext, host: HostSpec): Promise<string> {
  const result = await execScript(ctx, 'reboot', host.bootIdCommand, { timeoutMs: 30_000 });
  const id = result.stdout.trim();
  if (result.exitCode !== 0 || id.length === 0) {
    throw new HostError('step-failed', `reboot: \`${host.bootIdCommand}\` gave no boot id (exit ${result.exitCode})`);
  }
  return id;
}

/**
 * Reboots the host `ctx` is connected to and returns a fresh transport once it is back with a new
 * boot id. Every command (boot id before and after, the reboot itself) is recorded under `reboot`.
 */
export async function rebootAndWait(ctx: ScriptContext, host: HostSpec, options: RebootOptions): Promise<Transport> {
  const before = await readBootId(ctx, host);
  // The connection usually dies under the command: a timeout or a dropped channel is expected here.
  await execScript(ctx, 'reboot', host.rebootCommand, { timeoutMs: 15_000 }).catch(() => undefined);
  await ctx.transport.close().catch(() => undefined);
  const signal = ctx.signal;
  const deadline = Date.now() + options.timeoutMs;
  let delay = options.initialDelayMs ?? 1000;
  let lastProblem = 'no login attempt yet';
  while (Date.now() < deadline) {
    if (signal.aborted) throw new HostError('aborted', 'interrupted while waiting for the reboot');
    await abortableSleep(jitter(delay), signal);
    delay = Math.min(delay * 2, options.maxDelayMs ?? 15_000);
    let fresh: Transport | undefined;
    try {
      fresh = await options.connect(host, signal);
      const after = await readBootId({ ...ctx, transport: fresh }, host);
      if (after !== before) return fresh;
      lastProblem = 'boot id unchanged (not rebooted yet)';
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    await fresh?.close().catch(() => undefined);
  }
  throw new HostError('timed-out', `reboot: host not back within ${Math.round(options.timeoutMs / 1000)}s (${lastProblem})`);
}

function jitter(ms: number): number {
  return Math.round(ms * (0.75 + Math.random() * 0.5));
}
