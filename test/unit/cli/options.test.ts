import { UsageError } from '../../../src/errors.js';
import { normalizeFleetOptions } from '../../../src/cli/options.js';
import { describeFatal, exitCodeForResults } from '../../../src/cli/exit-codes.js';
import { InventoryError, RunAbortedError } from '../../../src/errors.js';

describe('fleet options', () => {
  it('applies defaults', () => {
    const options = normalizeFleetOptions({});
    expect(options).toMatchObject({ concurrency: 20, handshakes: 10, connectTimeout: 10_000, stepTimeout: 120_000, hostKeyPolicy: 'strict' });
  });

  it('names the flag and the offending value', () => {
    expect(() => normalizeFleetOptions({ concurrency: '0' })).toThrow(new UsageError('--concurrency: expected a whole number ≥ 1, got "0"'));
    expect(() => normalizeFleetOptions({ hostKeyPolicy: 'yolo' })).toThrow('--host-key-policy: expected one of strict, accept-new, off, got "yolo"');
    expect(() => normalizeFleetOptions({ stepTimeout: 'soon' })).toThrow('--step-timeout: expected seconds > 0 and at most 604800 (7 days), got "soon"');
    expect(() => normalizeFleetOptions({ batch: '0' })).toThrow('--batch: expected N, P% (1-100) or a comma list of them, got "0"');
    expect(() => normalizeFleetOptions({ shard: '4/3' })).toThrow('--shard: expected K/N with 1 ≤ K ≤ N, got "4/3"');
  });

  it("takes one answer for containers that are not the cluster's", () => {
    expect(normalizeFleetOptions({})).toMatchObject({ allContainers: false, keepOtherContainers: false });
    expect(normalizeFleetOptions({ allContainers: true })).toMatchObject({ allContainers: true, keepOtherContainers: false });
    expect(() => normalizeFleetOptions({ allContainers: true, keepOtherContainers: true })).toThrow(UsageError);
  });

  it('hands the engine typed values', () => {
    expect(normalizeFleetOptions({ stepTimeout: '1.5', batch: '1,25%', maxFail: '10%', shard: '2/3' })).toMatchObject({
      stepTimeout: 1500, batches: [{ count: 1 }, { percent: 25 }], maxFail: { percent: 10 }, shard: { index: 2, count: 3 },
    });
  });
});

describe('exit codes', () => {
  const host = (status: 'ok' | 'failed') => ({ name: 'h', address: 'h', status, steps: [], durationMs: 0 });

  it('is 0 only when every host is ok, 2 otherwise, 130 when interrupted', () => {
    expect(exitCodeForResults([host('ok'), host('ok')], false)).toBe(0);
    expect(exitCodeForResults([host('ok'), host('failed')], false)).toBe(2);
    expect(exitCodeForResults([host('ok')], true)).toBe(130);
  });

  it('maps errors to one line and a code, never a stack', () => {
    expect(describeFatal(new InventoryError(['a.yaml: hosts[0]: bad', 'a.yaml: x: bad']))).toEqual({ message: 'a.yaml: hosts[0]: bad\na.yaml: x: bad', code: 1 });
    expect(describeFatal(new RunAbortedError('add --yes'))).toEqual({ message: 'nodescrub: add --yes', code: 3 });
    expect(describeFatal(new TypeError('boom')).message).not.toContain('at ');
  });
});

describe('--limit given empty', () => {
  it('is refused, never "every host" (an unset shell variable in --limit "$RACK")', async () => {
    const { limitHosts } = await import('../../../src/cli/select-hosts.js');
    const options = normalizeFleetOptions({ limit: '' });
    expect(options.limit).toBe('');
    const inventory = { source: 'inv.yaml', hosts: [], groups: {} };
    expect(() => limitHosts(inventory, options.limit)).toThrow('--limit: expected host names, groups or patterns, got ""');
  });
});
