import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { createReportWriter, startReport } from '../../../src/report/json-report.js';
import type { HostResult } from '../../../src/run/results.js';

const schema = JSON.parse(readFileSync(join(process.cwd(), 'docs/report.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, formats: { 'date-time': true } }).compile(schema);

const ok: HostResult = {
  name: 'b',
  address: '10.0.0.2',
  status: 'ok',
  durationMs: 10,
  steps: [{ stepId: 'docker', title: 'Docker', status: 'changed', removed: [{ category: 'containers', name: 'abc', detail: 'kubelet' }], left: [], deferred: [], notes: ['n'], durationMs: 5 }],
  plan: { steps: [], refusals: [], failures: [], notes: ['backup: /var/backups/nodescrub/x.tar.gz sha256 ab12'] },
};
const down: HostResult = { name: 'a', address: '10.0.0.1', status: 'unreachable', failure: 'unreachable', reason: 'refused', steps: [], durationMs: 3 };

describe('JSON report', () => {
  it('is written as hosts finish, complete and in run order at the end, and matches docs/report.schema.json', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'report-')), 'r.json');
    const writer = createReportWriter(file, startReport('run', { limit: 'x' }), 0);
    writer.observe({ type: 'run-started', hosts: ['a', 'b'], mode: 'run', at: '' });
    writer.observe({ type: 'host-finished', host: 'b', result: ok });
    const partial = JSON.parse(readFileSync(file, 'utf8'));
    expect(partial.complete).toBe(false);
    expect(partial.hosts.map((h: { name: string }) => h.name)).toEqual(['b']);
    writer.observe({ type: 'host-finished', host: 'a', result: down });
    writer.finish({ interrupted: false });
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect({ valid: validate(doc), errors: validate.errors ?? [] }).toEqual({ valid: true, errors: [] });
    expect(doc.complete).toBe(true);
    expect(doc.hosts.map((h: { name: string }) => h.name)).toEqual(['a', 'b']);
    expect(doc.totals).toEqual({ hosts: 2, byStatus: { ok: 1, unreachable: 1 }, removed: { containers: 1 } });
    // Host-level notes (backup path, guard evidence) are kept; a host without any has no field.
    expect(doc.hosts[1].notes).toEqual(['backup: /var/backups/nodescrub/x.tar.gz sha256 ab12']);
    expect(doc.hosts[0]).not.toHaveProperty('notes');
  });

  it('the schema rejects a report that breaks it', () => {
    expect(validate({ version: 2, kind: 'nodescrub-report' })).toBe(false);
  });
});
