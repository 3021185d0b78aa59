import { renderSummary, renderTotals } from '../../../src/report/summary.js';
import { formatEventLine } from '../../../src/report/line-output.js';
import type { HostResult } from '../../../src/run/results.js';

const ok: HostResult = {
  name: 'node1',
  address: '127.0.0.1',
  status: 'ok',
  durationMs: 1500,
  steps: [
    {
      stepId: 'docker',
      title: 'Docker',
      status: 'changed',
      removed: [
        { category: 'containers', name: 'a' },
        { category: 'containers', name: 'b' },
        { category: 'volumes', name: 'v' },
      ],
      left: [],
      deferred: [],
      notes: [],
      durationMs: 10,
    },
  ],
};
const down: HostResult = { name: 'node9', address: '127.0.0.1', status: 'unreachable', failure: 'unreachable', reason: 'connection refused (127.0.0.1:2299)', steps: [], durationMs: 12 };
const keyed: HostResult = { name: 'node8', address: '127.0.0.1', status: 'failed', failure: 'host-key-rejected', reason: 'host key mismatch', steps: [], durationMs: 12 };

describe('summary', () => {
  it('has a row per host with counts per category, status label and reason', () => {
    const text = renderSummary([ok, down, keyed]);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^host\s+status\s+svc\s+ctrs\s+vols/);
    expect(lines[1]).toMatch(/^node1\s+ok\s+0\s+2\s+1\s+0/);
    expect(lines[2]).toMatch(/^node9\s+unreachable\s.*connection refused \(127\.0\.0\.1:2299\)$/);
    // Never probed: no counts at all, not a row of zeros that reads as "nothing there".
    expect(lines[2]).toMatch(/^node9\s+unreachable(\s+—){8}\s/);
    expect(lines[3]).toMatch(/^node8\s+host-key-rejected(\s+—){8}\s/);
    expect(lines[3]).toMatch(/^node8\s+host-key-rejected\s/);
    expect(text).toContain('3 hosts: 1 ok, 1 unreachable, 1 host-key-rejected');
    expect(text).toContain('removed: 0 services, 2 containers, 1 volume, 0 images');
  });

  it('counts totals by precise status', () => {
    expect(renderTotals([])).toBe('0 hosts: none');
    expect(renderTotals([ok, ok])).toBe('2 hosts: 2 ok');
  });
});

describe('line output', () => {
  it('prefixes every line with the host and contains no escape codes', () => {
    const line = formatEventLine({ type: 'step-finished', host: 'node1', result: ok.steps[0] }, false);
    expect(line).toBe('node1: docker: removed 2 containers, 1 volume');
    expect(line).not.toMatch(/\u001b/);
    expect(formatEventLine({ type: 'host-finished', host: 'node9', result: down }, false)).toBe(
      'node9: unreachable: connection refused (127.0.0.1:2299) (12ms)',
    );
  });

  it('says already clean for a no-op step', () => {
    const noop = { ...ok.steps[0], status: 'noop' as const, removed: [], message: undefined };
    expect(formatEventLine({ type: 'step-finished', host: 'n', result: noop }, false)).toBe('n: docker: already clean');
  });
});
