// The fleet scheduler: hosts under a concurrency limit, handshakes under their own cap, Ctrl-C aware.
import pLimit from 'p-limit';
import type { HostSpec } from '../inventory/types.js';
import type { EmitEvent, RunMode } from './events.js';
import type { HostResult } from './results.js';
import { runHost, type ConnectFn, type HostRunOptions } from './run-host.js';

export interface FleetOptions extends Omit<HostRunOptions, 'connect' | 'mode'> {
  mode: RunMode;
  connect: ConnectFn;
  /** Hosts worked on at once. */
  concurrency: number;
  /** SSH handshakes at once (sshd's MaxStartups and client CPU are the limits, not host count). */
  handshakeConcurrency: number;
}

/** Runs every host; hosts not started when the signal aborts are reported `skipped`. Never throws. */
export async function runFleet(hosts: readonly HostSpec[], options: FleetOptions): Promise<HostResult[]> {
  const { emit, signal } = options;
  emit({ type: 'run-started', hosts: hosts.map((h) => h.name), mode: options.mode, at: new Date().toISOString() });
  const hostLimit = pLimit(Math.max(1, options.concurrency));
  const handshakeLimit = pLimit(Math.max(1, options.handshakeConcurrency));
  const connect: ConnectFn = (host, hostSignal) => handshakeLimit(() => options.connect(host, hostSignal));
  const results = await Promise.all(
    hosts.map((host) =>
      hostLimit(() => (signal.aborted ? skippedHost(host, emit) : runHost(host, { ...options, connect }))),
    ),
  );
  emit({ type: 'run-finished', results, interrupted: signal.aborted });
  return results;
}

function skippedHost(host: HostSpec, emit: EmitEvent): HostResult {
  const result: HostResult = {
    name: host.name,
    address: host.address,
    status: 'skipped',
    reason: 'not started: run interrupted',
    steps: [],
    durationMs: 0,
  };
  emit({ type: 'host-finished', host: host.name, result });
  return result;
}
