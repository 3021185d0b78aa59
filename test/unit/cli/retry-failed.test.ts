// --retry-failed on real files: --limit narrows the hosts to retry (as it narrows --shard), a host
// missing from the inventory is an error, and `--retry-failed X --report X` keeps X's ok hosts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSelection } from '../../../src/cli/select-hosts.js';
import { completeReport, createReportWriter, startReport, type RunReport } from '../../../src/report/json-report.js';
import { readReport } from '../../../src/report/read-report.js';
import type { HostResult } from '../../../src/run/results.js';

let dir: string;
let inventory: string;
const result = (name: string, status: HostResult['status']): HostResult =>
  status === 'ok' ? { name, address: name, status, steps: [], durationMs: 1 } : { name, address: name, status, failure: 'unreachable', reason: 'refused', steps: [], durationMs: 1 };

/** A complete report of a first pass: a, c ok; b, d, e not. */
function firstPass(): string {
  const file = join(dir, 'first.json');
  const report = completeReport(startReport('run', {}), { results: [result('a', 'ok'), result('b', 'unreachable'), result('c', 'ok'), result('d', 'unreachable'), result('e', 'unreachable')], interrupted: false });
  writeFileSync(file, JSON.stringify(report));
  return file;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nodescrub-retry-'));
  inventory = join(dir, 'inventory.yaml');
  writeFileSync(inventory, 'groups:\n  rack1: { hosts: [a, b, c] }\n  rack2: { hosts: [d, e] }\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const names = (options: Parameters<typeof loadSelection>[0]) => loadSelection(options).hosts.map((h) => h.name);

test('--limit narrows the hosts to retry instead of rejecting those outside it', () => {
  const report = firstPass();
  expect(names({ inventory, retryFailed: report })).toEqual(['b', 'd', 'e']);
  expect(names({ inventory, retryFailed: report, limit: 'rack2' })).toEqual(['d', 'e']);
  expect(names({ inventory, retryFailed: report, limit: 'rack1' })).toEqual(['b']);
  expect(() => names({ inventory, retryFailed: report, limit: 'a,c' })).toThrow('none of its 3 host(s) to retry is within --limit');
});

test('a host to retry that the inventory does not have is still an error', () => {
  const report = firstPass();
  writeFileSync(inventory, 'hosts: [a, b, c, d]\n');
  expect(() => names({ inventory, retryFailed: report })).toThrow('host "e" is not in the inventory');
});

test('--retry-failed X --report X: the ok hosts of X stay, each retried host replaces its entry in place', () => {
  const file = firstPass();
  const previous = readReport(file).hosts;
  const writer = createReportWriter(file, startReport('run', { retryFailed: file }), 0, previous);
  // While the retry runs, X still lists every host (a kill now loses nothing).
  expect(readReport(file).hosts.map((h) => h.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
  writer.observe({ type: 'run-started', hosts: ['b', 'd', 'e'], mode: 'run', at: '' });
  writer.observe({ type: 'host-finished', host: 'b', result: result('b', 'ok') });
  writer.observe({ type: 'host-finished', host: 'd', result: result('d', 'ok') });
  writer.observe({ type: 'host-finished', host: 'e', result: result('e', 'unreachable') });
  writer.finish({ interrupted: false });
  const after = JSON.parse(readFileSync(file, 'utf8')) as RunReport;
  expect(after.hosts.map((h) => `${h.name} ${h.status}`)).toEqual(['a ok', 'b ok', 'c ok', 'd ok', 'e unreachable']);
  expect(after.totals).toMatchObject({ hosts: 5, byStatus: { ok: 4, unreachable: 1 } });
  expect(after.complete).toBe(true);
});

test('what `run --json` prints on stdout is a report --retry-failed takes', async () => {
  const { OUTPUT_FORMATS } = await import('../../../src/report/output-formats.js');
  const results = [result('a', 'ok'), result('b', 'unreachable'), result('c', 'ok'), result('d', 'ok'), result('e', 'unreachable')];
  const stdout = OUTPUT_FORMATS.json.results(results, completeReport(startReport('run', {}), { results, interrupted: false })).stdout!;
  const file = join(dir, 'from-json.json');
  writeFileSync(file, stdout);
  expect(names({ inventory, retryFailed: file })).toEqual(['b', 'e']);
});
