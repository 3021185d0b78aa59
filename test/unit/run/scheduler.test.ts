import { HostError } from '../../../src/errors.js';
import type { HostSpec } from '../../../src/inventory/types.js';
import type { RunEvent } from '../../../src/run/events.js';
import { runFleet } from '../../../src/run/scheduler.js';

// Hosts whose connection is refused: the scheduler's decisions (batches, budgets, pauses, Ctrl-C)
// are exercised without any transport.
const host = (name: string): HostSpec => ({
  name,
  address: name,
  port: 22,
  user: 'root',
  become: false,
  rebootCommand: 'true',
  bootIdCommand: 'true',
  groups: [],
});
const hosts = ['a', 'b', 'c', 'd'].map(host);

function options(over: Partial<Parameters<typeof runFleet>[1]> = {}) {
  const events: RunEvent[] = [];
  const connected: string[] = [];
  const base: Parameters<typeof runFleet>[1] = {
    mode: 'run',
    steps: [],
    recipe: { removeImages: false, force: false },
    connect: async (h) => {
      connected.push(h.name);
      throw new HostError('unreachable', `connection refused (${h.name})`);
    },
    concurrency: 2,
    stepTimeoutMs: 1000,
    signal: new AbortController().signal,
    emit: (e) => events.push(e),
    ...over,
  };
  return { base, events, connected };
}

describe('scheduler', () => {
  it('stops starting batches once the unreachable budget is exceeded; the rest are skipped', async () => {
    const { base, connected } = options({ batches: [{ count: 1 }], maxUnreachable: { count: 1 } });
    const outcome = await runFleet(hosts, base);
    expect(connected).toEqual(['a', 'b']);
    expect(outcome.results.map((r) => r.status)).toEqual(['unreachable', 'unreachable', 'skipped', 'skipped']);
    expect(outcome.stopped).toBe('unreachable budget exceeded: 2 unreachable > --max-unreachable 1');
    expect(outcome.results[2].reason).toBe('not started: unreachable budget exceeded: 2 unreachable > --max-unreachable 1');
  });

  it('pauses between batches and asks after a failed batch (--pause-on-fail)', async () => {
    const questions: string[] = [];
    const { base, connected } = options({
      batches: [{ count: 2 }],
      pauseMs: 150,
      confirmContinue: async (q) => (questions.push(q), false),
    });
    const started = Date.now();
    const outcome = await runFleet(hosts, base);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(connected).toEqual(['a', 'b']);
    expect(questions).toEqual(['2 host(s) of this batch did not end ok. Continue with the next batch?']);
    expect(outcome.stopped).toBe('stopped by the operator after a failed batch');
  });

  it('waits the pause between batches when the batch was fine to continue', async () => {
    const { base } = options({ batches: [{ count: 2 }], pauseMs: 300, confirmContinue: async () => true });
    const started = Date.now();
    await runFleet(hosts, base);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('reports hosts not started after an abort as skipped, never throws', async () => {
    const controller = new AbortController();
    controller.abort();
    const { base, connected } = options({ signal: controller.signal });
    const outcome = await runFleet(hosts, base);
    expect(connected).toEqual([]);
    expect(outcome.interrupted).toBe(true);
    expect(outcome.results.every((r) => r.status === 'skipped')).toBe(true);
  });
});
