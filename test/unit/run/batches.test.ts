import { parseBatchSpec, splitIntoBatches } from '../../../src/run/batches.js';
import { checkBudgets, parseBudget } from '../../../src/run/budget.js';
import type { HostResult, HostStatus } from '../../../src/run/results.js';
import { parseShard, selectShard } from '../../../src/inventory/shard.js';

const hosts = Array.from({ length: 10 }, (_, i) => `h${i}`);

describe('batches', () => {
  it('repeats the last size until every host is in a batch', () => {
    expect(splitIntoBatches(hosts, parseBatchSpec('1,5,25%'))).toEqual([['h0'], ['h1', 'h2', 'h3', 'h4', 'h5'], ['h6', 'h7', 'h8'], ['h9']]);
    expect(splitIntoBatches(hosts, parseBatchSpec('4')).map((b) => b.length)).toEqual([4, 4, 2]);
    expect(splitIntoBatches(hosts, [])).toEqual([hosts]);
  });

  it('never makes an empty batch from a small percentage', () => {
    expect(splitIntoBatches(['a', 'b'], parseBatchSpec('1%'))).toEqual([['a'], ['b']]);
  });

  it('rejects bad specs with the value', () => {
    expect(() => parseBatchSpec('0')).toThrow('--batch: expected N, P% (1-100) or a comma list of them, got "0"');
    expect(() => parseBatchSpec('150%')).toThrow('got "150%"');
    expect(() => parseBatchSpec('1,,2')).toThrow('got "1,,2"');
  });
});

describe('failure budgets', () => {
  const r = (status: HostStatus): HostResult => ({ name: status, address: '', status, steps: [], durationMs: 0 });

  it('counts unreachable hosts only against --max-unreachable', () => {
    const results = [r('unreachable'), r('unreachable'), r('ok')];
    expect(checkBudgets(results, 10, { maxFail: parseBudget('--max-fail', '0') }).exceeded).toBe(false);
    expect(checkBudgets(results, 10, { maxUnreachable: parseBudget('--max-unreachable', '1') })).toEqual({
      exceeded: true,
      reason: 'unreachable budget exceeded: 2 unreachable > --max-unreachable 1',
    });
  });

  it('counts failed and refused against --max-fail, absolute or percent of the whole run', () => {
    const results = [r('failed'), r('refused'), r('ok')];
    expect(checkBudgets(results, 10, { maxFail: parseBudget('--max-fail', '2') }).exceeded).toBe(false);
    expect(checkBudgets(results, 10, { maxFail: parseBudget('--max-fail', '10%') }).reason).toBe('failure budget exceeded: 2 failed > --max-fail 10%');
  });
});

describe('shards', () => {
  it('covers every host exactly once over N shards', () => {
    const shards = [1, 2, 3].map((k) => selectShard(hosts, parseShard(`${k}/3`)));
    expect(shards.flat().sort()).toEqual([...hosts].sort());
    expect(shards.map((s) => s.length)).toEqual([4, 3, 3]);
  });

  it('rejects K outside 1..N', () => {
    expect(() => parseShard('4/3')).toThrow('--shard: expected K/N with 1 ≤ K ≤ N, got "4/3"');
    expect(() => parseShard('0/3')).toThrow();
  });
});
