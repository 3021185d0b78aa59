// Reading reports back: --retry-failed and `report merge`. A report that is not ours is a clear error.
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { computeTotals, REPORT_VERSION, type RunReport } from './json-report.js';

export function readReport(file: string): RunReport {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file}: not a readable JSON report (${(error as Error).message})`);
  }
  const report = data as Partial<RunReport>;
  if (report?.kind !== 'nodescrub-report') throw new UsageError(`${file}: kind: expected "nodescrub-report", got ${JSON.stringify(report?.kind)}`);
  if (report.version !== REPORT_VERSION) throw new UsageError(`${file}: version: expected ${REPORT_VERSION}, got ${JSON.stringify(report.version)}`);
  if (!Array.isArray(report.hosts)) throw new UsageError(`${file}: hosts: expected a list`);
  return report as RunReport;
}

/** Names of the hosts that did not end ok (failed, unreachable, refused, skipped, aborted). */
export function hostsToRetry(report: RunReport): string[] {
  return report.hosts.filter((host) => host.status !== 'ok').map((host) => host.name);
}

/** Combines shard reports: hosts concatenated (a host in two reports is an error), totals recomputed. */
export function mergeReports(reports: readonly { file: string; report: RunReport }[]): RunReport {
  const seen = new Map<string, string>();
  for (const { file, report } of reports) {
    for (const host of report.hosts) {
      const other = seen.get(host.name);
      if (other) throw new UsageError(`${file}: hosts: "${host.name}" is also in ${other}`);
      seen.set(host.name, file);
    }
  }
  const hosts = reports.flatMap(({ report }) => report.hosts);
  const starts = reports.map(({ report }) => report.startedAt).sort();
  const ends = reports.map(({ report }) => report.finishedAt ?? '').sort();
  return {
    version: REPORT_VERSION,
    kind: 'nodescrub-report',
    command: reports[0]?.report.command ?? 'run',
    options: { mergedFrom: reports.map(({ file }) => file) },
    startedAt: starts[0] ?? new Date().toISOString(),
    finishedAt: ends[ends.length - 1] || undefined,
    complete: reports.every(({ report }) => report.complete),
    stopped: reports.map(({ report }) => report.stopped).find(Boolean),
    interrupted: reports.some(({ report }) => report.interrupted),
    hosts,
    totals: computeTotals(hosts),
  };
}
