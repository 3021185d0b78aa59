// The fleet scheduler: batch after batch; inside a batch, hosts under a concurrency limit and
// handshakes under their own cap. Budgets are checked between batches; Ctrl-C stops new hosts.
import pLimit from 'p-limit';
import type { HostSpec } from '../inventory/types.js';
import { abortableSleep } from './abortable-sleep.js';
import { splitIntoBatches, type BatchSize } from './batches.js';
import { checkBudgets, type Budget } from './budget.js';
import type { EmitEvent, RunMode } from './events.js';
import type { HostResult } from './results.js';
import type { ConnectFn } from '../transport/transport.js';
import { runHost, type HostRunOptions } from './run-host.js';

export interface FleetOptions extends Omit<HostRunOptions, 'connect' | 'mode'> {
  mode: RunMode;
  connect: ConnectFn;
  /** Hosts worked on at once (inside a batch). */
  concurrency: number;
  batches?: readonly BatchSize[];
  maxFail?: Budget;
  maxUnreachable?: Budget;
  /** Wait between batches. */
  pauseMs?: number;
  /** Asked after a batch with failures (--pause-on-fail); false stops the run. */
  confirmContinue?: (question: string) => Promise<boolean>;
}

export interface FleetOutcome {
  results: HostResult[];
  /** Why no further batch was started (budget exceeded, operator said stop). */
  stopped?: string;
  interrupted: boolean;
}

/** Runs every host; hosts never started are reported `skipped` with the reason. Never throws. */
export async function runFleet(hosts: readonly HostSpec[], options: FleetOptions): Promise<FleetOutcome> {
  const { emit, signal } = options;
  emit({ type: 'run-started', hosts: hosts.map((h) => h.name), mode: options.mode, at: new Date().toISOString() });
  const batches = splitIntoBatches(hosts, options.batches ?? []);
  const results: HostResult[] = [];
  let stopped: string | undefined;
  for (const [index, batch] of batches.entries()) {
    if (stopped || signal.aborted) {
      results.push(...batch.map((host) => skippedHost(host, stopped ?? 'run interrupted', emit)));
      continue;
    }
    if (batches.length > 1) emit({ type: 'batch-started', index: index + 1, total: batches.length, hosts: batch.map((h) => h.name) });
    const batchResults = await runBatch(batch, options);
    results.push(...batchResults);
    stopped = await decideToStop(results, batchResults, hosts.length, options);
    if (!stopped && index < batches.length - 1 && options.pauseMs) await abortableSleep(options.pauseMs, signal);
  }
  if (stopped) emit({ type: 'warning', message: `${stopped}; remaining hosts skipped` });
  emit({ type: 'run-finished', results, interrupted: signal.aborted });
  return { results, stopped, interrupted: signal.aborted };
}

async function runBatch(batch: readonly HostSpec[], options: FleetOptions): Promise<HostResult[]> {
  const hostLimit = pLimit(Math.max(1, options.concurrency));
  return Promise.all(
    batch.map((host) =>
      hostLimit(() => (options.signal.aborted ? skippedHost(host, 'run interrupted', options.emit) : runHost(host, options))),
    ),
  );
}

async function decideToStop(
  all: readonly HostResult[],
  batch: readonly HostResult[],
  total: number,
  options: FleetOptions,
): Promise<string | undefined> {
  const budget = checkBudgets(all, total, options);
  if (budget.exceeded) return budget.reason;
  const failedInBatch = batch.filter((r) => r.status !== 'ok').length;
  if (failedInBatch > 0 && options.confirmContinue && !options.signal.aborted) {
    const go = await options.confirmContinue(`${failedInBatch} host(s) of this batch did not end ok. Continue with the next batch?`);
    if (!go) return 'stopped by the operator after a failed batch';
  }
  return undefined;
}

function skippedHost(host: HostSpec, why: string, emit: EmitEvent): HostResult {
  const result: HostResult = { name: host.name, address: host.address, status: 'skipped', reason: `not started: ${why}`, steps: [], durationMs: 0 };
  emit({ type: 'host-finished', host: host.name, result });
  return result;
}
