// The engine's side of batches, budgets and shards: typed values in (the flag text is parsed in
// src/cli/flag-values.ts, tested in test/unit/cli/flag-values.test.ts).
import { splitIntoBatches } from '../../../src/run/batches.js';
import { checkBudgets } from '../../../src/run/budget.js';
import type { HostResult, HostStatus } from '../../../src/run/results.js';
import { selectShard } from '../../../src/inventory/shard.js';

const hosts = Array.from({ length: 10 }, (_, i) => `h${i}`);

describe('batches', () => {
  it('repeats the last size until every host is in a batch', () => {
    expect(splitIntoBatches(hosts, [{ count: 1 }, { count: 5 }, { percent: 25 }])).toEqual([['h0'], ['h1', 'h2', 'h3', 'h4', 'h5'], ['h6', 'h7', 'h8'], ['h9']]);
    expect(splitIntoBatches(hosts, [{ count: 4 }]).map((b) => b.length)).toEqual([4, 4, 2]);
    expect(splitIntoBatches(hosts, [])).toEqual([hosts]);
  });

  it('never makes an empty batch from a small percentage', () => {
    expect(splitIntoBatches(['a', 'b'], [{ percent: 1 }])).toEqual([['a'], ['b']]);
  });
});

describe('failure budgets', () => {
  const r = (status: HostStatus): HostResult => ({ name: status, address: '', status, steps: [], durationMs: 0 });

  it('counts unreachable hosts only against --max-unreachable', () => {
    const results = [r('unreachable'), r('unreachable'), r('ok')];
    expect(checkBudgets(results, 10, { maxFail: { count: 0 } }).exceeded).toBe(false);
    expect(checkBudgets(results, 10, { maxUnreachable: { count: 1 } })).toEqual({
      exceeded: true,
      reason: 'unreachable budget exceeded: 2 unreachable > --max-unreachable 1',
    });
  });

  it('counts failed and refused against --max-fail, absolute or percent of the whole run', () => {
    const results = [r('failed'), r('refused'), r('ok')];
    expect(checkBudgets(results, 10, { maxFail: { count: 2 } }).exceeded).toBe(false);
    expect(checkBudgets(results, 10, { maxFail: { percent: 10 } }).reason).toBe('failure budget exceeded: 2 failed > --max-fail 10%');
  });
});

describe('shards', () => {
  it('covers every host exactly once over N shards', () => {
    const shards = [1, 2, 3].map((k) => selectShard(hosts, { index: k, count: 3 }));
    expect(shards.flat().sort()).toEqual([...hosts].sort());
    expect(shards.map((s) => s.length)).toEqual([4, 3, 3]);
  });
});
