import { UsageError } from '../../../src/errors.js';
import { normalizeFleetOptions, parseSeconds } from '../../../src/cli/options.js';
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
    expect(() => parseSeconds('--step-timeout', 'soon')).toThrow('--step-timeout: expected seconds > 0, got "soon"');
  });

  it("takes one answer for containers that are not the cluster's", () => {
    expect(normalizeFleetOptions({})).toMatchObject({ allContainers: false, keepOtherContainers: false });
    expect(normalizeFleetOptions({ allContainers: true })).toMatchObject({ allContainers: true, keepOtherContainers: false });
    expect(() => normalizeFleetOptions({ allContainers: true, keepOtherContainers: true })).toThrow(UsageError);
  });

  it('accepts fractional seconds', () => {
    expect(parseSeconds('--step-timeout', '1.5')).toBe(1500);
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
