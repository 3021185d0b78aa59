// `nodescrub report merge A.json B.json … > all.json`: combine shard reports and their totals.
import { mergeReports, readReport } from '../../report/read-report.js';

export function reportMergeCommand(files: string[], stdout: NodeJS.WritableStream): number {
  const merged = mergeReports(files.map((file) => ({ file, report: readReport(file) })));
  stdout.write(`${JSON.stringify(merged, null, 2)}\n`);
  return merged.hosts.every((host) => host.status === 'ok') ? 0 : 2;
}
