// --report FILE.json: the run's full result, versioned (`"version": 1`, schema in README).
// Written incrementally (throttled, atomically) as hosts finish, so a crash loses no finished result.
import { renameSync, writeFileSync } from 'node:fs';
import type { Category } from '../recipe/types.js';
import type { RunEvent } from '../run/events.js';
import type { HostResult, HostStatus } from '../run/results.js';
import { CATEGORY_COLUMNS, countByCategory } from './categories.js';

export const REPORT_VERSION = 1;

export interface ReportHost {
  name: string;
  address: string;
  status: HostStatus;
  failure?: string;
  reason?: string;
  durationMs: number;
  removed: Partial<Record<Category, number>>;
  /** For verify (no steps run): what is still on the host, per the probe. */
  left?: { category: Category; name: string; detail?: string }[];
  /** Host-level notes (guard evidence, backup path and checksum); absent when there are none. */
  notes?: string[];
  steps: {
    id: string;
    status: string;
    removed: { category: Category; name: string; detail?: string }[];
    left: { category: Category; name: string }[];
    deferred: { category: Category; name: string }[];
    notes: string[];
    message?: string;
    durationMs: number;
  }[];
}

export interface RunReport {
  version: typeof REPORT_VERSION;
  kind: 'nodescrub-report';
  command: string;
  options: Record<string, unknown>;
  startedAt: string;
  finishedAt?: string;
  complete: boolean;
  stopped?: string;
  interrupted: boolean;
  hosts: ReportHost[];
  totals: { hosts: number; byStatus: Partial<Record<HostStatus, number>>; removed: Partial<Record<Category, number>> };
}

/** One host as the report stores it. */
export function toReportHost(result: HostResult): ReportHost {
  return {
    name: result.name,
    address: result.address,
    status: result.status,
    failure: result.failure,
    reason: result.reason,
    durationMs: result.durationMs,
    removed: countByCategory(result.steps.flatMap((s) => s.removed)),
    left: result.steps.length === 0 && result.plan ? result.plan.steps.flatMap((s) => s.artifacts) : undefined,
    notes: result.plan?.notes?.length ? result.plan.notes : undefined,
    steps: result.steps.map((s) => ({
      id: s.stepId,
      status: s.status,
      removed: s.removed,
      left: s.left,
      deferred: s.deferred,
      notes: s.notes,
      message: s.message,
      durationMs: s.durationMs,
    })),
  };
}

/** Totals recomputed from hosts (also used by `report merge`). */
export function computeTotals(hosts: readonly ReportHost[]): RunReport['totals'] {
  const byStatus: RunReport['totals']['byStatus'] = {};
  const removed: RunReport['totals']['removed'] = {};
  for (const host of hosts) {
    byStatus[host.status] = (byStatus[host.status] ?? 0) + 1;
    for (const { category } of CATEGORY_COLUMNS) {
      const n = host.removed[category];
      if (n) removed[category] = (removed[category] ?? 0) + n;
    }
  }
  return { hosts: hosts.length, byStatus, removed };
}

/** Writes via a temp file + rename: a reader never sees half a document. */
export function writeReportFile(file: string, report: RunReport): void {
  const temp = `${file}.tmp-${process.pid}`;
  writeFileSync(temp, `${JSON.stringify(report, null, 2)}\n`, { mode: 0o644 });
  renameSync(temp, file);
}

/**
 * `--retry-failed X --report X`: the new report keeps the hosts of X this pass did not run (the ok
 * ones), each retried host replacing its old entry in place; hosts new to it come after.
 */
export function withCarriedHosts(carried: readonly ReportHost[], current: readonly ReportHost[]): ReportHost[] {
  const now = new Map(current.map((host) => [host.name, host]));
  const merged = carried.map((host) => now.get(host.name) ?? host);
  const known = new Set(carried.map((host) => host.name));
  return [...merged, ...current.filter((host) => !known.has(host.name))];
}

/** A report not yet complete: what a run writes before its first host finishes. */
export function startReport(command: string, options: Record<string, unknown>, startedAt = new Date().toISOString()): RunReport {
  return { version: REPORT_VERSION, kind: 'nodescrub-report', command, options, startedAt, complete: false, interrupted: false, hosts: [], totals: computeTotals([]) };
}

/** The complete report of a finished pass: what --report writes last and what --json prints. */
export function completeReport(
  started: RunReport,
  outcome: { results: readonly HostResult[]; stopped?: string; interrupted: boolean },
  finishedAt = new Date().toISOString(),
  carried: readonly ReportHost[] = [],
): RunReport {
  const hosts = withCarriedHosts(carried, outcome.results.map(toReportHost));
  return { ...started, stopped: outcome.stopped, interrupted: outcome.interrupted, finishedAt, complete: true, hosts, totals: computeTotals(hosts) };
}

/** An observer keeping the report file current; `finish` writes the final version. */
export function createReportWriter(file: string, started: RunReport, throttleMs = 1000, carried: readonly ReportHost[] = []) {
  const report: RunReport = { ...started, hosts: [] };
  let lastWrite = 0;
  let order: string[] = [];
  const flush = () => {
    const hosts = report.hosts;
    report.hosts = withCarriedHosts(carried, hosts);
    report.totals = computeTotals(report.hosts);
    writeReportFile(file, report);
    report.hosts = hosts;
    lastWrite = Date.now();
  };
  flush();
  return {
    observe(event: RunEvent): void {
      if (event.type === 'run-started') order = event.hosts;
      if (event.type !== 'host-finished') return;
      report.hosts.push(toReportHost(event.result));
      if (Date.now() - lastWrite >= throttleMs) flush();
    },
    finish(outcome: { stopped?: string; interrupted: boolean }): void {
      Object.assign(report, { stopped: outcome.stopped, interrupted: outcome.interrupted, finishedAt: new Date().toISOString(), complete: true });
      // Hosts are appended as they finish; the final document lists them in run (inventory) order.
      const rank = new Map(order.map((name, i) => [name, i]));
      report.hosts.sort((a, b) => (rank.get(a.name) ?? 0) - (rank.get(b.name) ?? 0));
      flush();
    },
  };
}
