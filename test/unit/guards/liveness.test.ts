// The live-node decision table: only Ready with a recent heartbeat refuses; --force turns that into a note.
import { describe, expect, it } from '@jest/globals';
import { decideLiveness, formatAge, readinessOf, type DecisionContext, type Observation } from '../../../src/guards/liveness.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const ctx: DecisionContext = { server: 'https://127.0.0.1:6443', via: 'from node4 with /etc/kubernetes/kubelet.conf', maxHeartbeatAgeMs: 300_000, force: false, now: NOW };
const iso = (secondsAgo: number) => new Date(NOW - secondsAgo * 1000).toISOString().replace(/\.000Z$/, 'Z');
const node = (status: string, heartbeatAgo: number, extra: Record<string, unknown> = {}) => ({
  metadata: { name: 'node4' },
  status: { conditions: [{ type: 'DiskPressure', status: 'False', lastHeartbeatTime: iso(1) }, { type: 'Ready', status, lastHeartbeatTime: iso(heartbeatAgo), lastTransitionTime: '2025-06-01T10:00:00Z', ...extra }] },
});
const seen = (n: unknown, more: Partial<Extract<Observation, { kind: 'node' }>> = {}): Observation => ({ kind: 'node', name: 'node4', node: n, ...more });

describe('decideLiveness', () => {
  it('refuses a Ready node with a recent heartbeat, naming server, node, age and how it was asked', () => {
    expect(decideLiveness(seen(node('True', 12)), ctx)).toEqual({
      refusal:
        'live node: the API server at https://127.0.0.1:6443 reports node "node4" Ready (last heartbeat 12s ago, asked from node4 with /etc/kubernetes/kubelet.conf) — refusing; use --force to clean it anyway',
    });
  });

  it('with --force the same evidence becomes a note', () => {
    const decision = decideLiveness(seen(node('True', 12)), { ...ctx, force: true });
    expect(decision.refusal).toBeUndefined();
    expect(decision.note).toMatch(/^live node: .* reports node "node4" Ready \(last heartbeat 12s ago, .*\) — cleaning it anyway \(--force\)$/);
  });

  it('a stale heartbeat lets the host through, saying how stale', () => {
    expect(decideLiveness(seen(node('True', 1800)), ctx)).toEqual({
      note: 'live node: the API server at https://127.0.0.1:6443 reports node "node4" Ready but its last heartbeat was 30m ago (older than --live-heartbeat 300s) (asked from node4 with /etc/kubernetes/kubelet.conf): proceeding',
    });
  });

  it('a fresh Lease counts as a heartbeat (the condition is rewritten only every 5 min)', () => {
    const decision = decideLiveness(seen(node('True', 290 + 60), { leaseRenewTime: new Date(NOW - 4000).toISOString() }), ctx);
    expect(decision.refusal).toContain('last heartbeat 4s ago');
  });

  it('measures the age on the server clock when the answer carries a Date header', () => {
    // Local clock 10 min ahead of the cluster: the node is still live by the server's clock.
    const decision = decideLiveness(seen(node('True', 5), { serverDate: NOW }), { ...ctx, now: NOW + 600_000 });
    expect(decision.refusal).toContain('last heartbeat 5s ago');
  });

  it('a heartbeat in the future (clock skew) counts as now', () => {
    expect(decideLiveness(seen(node('True', -30)), ctx).refusal).toContain('last heartbeat 0s ago');
  });

  it('NotReady and Unknown proceed with the transition time and reason', () => {
    expect(decideLiveness(seen(node('False', 5, { reason: 'KubeletNotReady' })), ctx).note).toBe(
      'live node: the API server at https://127.0.0.1:6443 reports node "node4" NotReady since 2025-06-01T10:00:00Z (KubeletNotReady) (asked from node4 with /etc/kubernetes/kubelet.conf): proceeding',
    );
    expect(decideLiveness(seen(node('Unknown', 5, { reason: 'NodeStatusUnknown' })), ctx).note).toContain('Ready=Unknown since 2025-06-01T10:00:00Z (NodeStatusUnknown)');
  });

  it('a node without a Ready condition or heartbeat time proceeds', () => {
    expect(decideLiveness(seen({ status: {} }), ctx).note).toContain('without a Ready condition');
    expect(decideLiveness(seen({ status: { conditions: [{ type: 'Ready', status: 'True' }] } }), ctx).note).toContain('Ready but with no heartbeat time');
  });

  it('404 for every name tried: the API server does not know the node', () => {
    expect(decideLiveness({ kind: 'not-found', names: ['node4'] }, ctx).note).toBe(
      'live node: the API server at https://127.0.0.1:6443 does not know node "node4" (asked from node4 with /etc/kubernetes/kubelet.conf): proceeding',
    );
    expect(decideLiveness({ kind: 'not-found', names: ['node4.example.com', 'node4', '10.0.0.4'] }, ctx).note).toContain(
      'does not know node "node4.example.com" (nor "node4", "10.0.0.4")',
    );
  });

  it('401/403 say the credentials were refused; other statuses are quoted', () => {
    expect(decideLiveness({ kind: 'http-status', name: 'node4', status: 401, message: 'Unauthorized' }, ctx).note).toContain('refused the credentials (401: Unauthorized)');
    expect(decideLiveness({ kind: 'http-status', name: 'node4', status: 403 }, ctx).note).toContain('refused the credentials (403)');
    expect(decideLiveness({ kind: 'http-status', name: '*', status: 403, message: 'cannot list' }, ctx).note).toContain('refused to list the nodes (403: cannot list)');
    expect(decideLiveness({ kind: 'http-status', name: '*', status: 500 }, ctx).note).toContain('answered 500 for the node list');
    expect(decideLiveness({ kind: 'http-status', name: 'node4', status: 503, message: 'etcd down' }, ctx).note).toContain('answered 503 for node "node4": etcd down');
  });

  it('unreachable proceeds with the error code', () => {
    expect(decideLiveness({ kind: 'unreachable', code: 'ECONNREFUSED', message: '' }, ctx).note).toBe(
      'live node: the API server at https://127.0.0.1:6443 is not reachable (ECONNREFUSED) (asked from node4 with /etc/kubernetes/kubelet.conf): proceeding',
    );
    expect(decideLiveness({ kind: 'unreachable', code: 'ETIMEDOUT', message: 'no answer within 5s' }, { ...ctx, force: true }).note).toContain('(ETIMEDOUT: no answer within 5s)');
  });

  it('never refuses anything but Ready+recent, whatever --force says', () => {
    const observations: Observation[] = [
      seen(node('False', 1)),
      seen(node('True', 301)),
      { kind: 'not-found', names: ['x'] },
      { kind: 'http-status', name: 'x', status: 500 },
      { kind: 'unreachable', code: 'EHOSTUNREACH', message: '' },
    ];
    for (const o of observations) expect(decideLiveness(o, ctx).refusal).toBeUndefined();
  });
});

describe('readinessOf', () => {
  it('takes the freshest of condition heartbeat and lease renewTime', () => {
    expect(readinessOf(node('True', 100), new Date(NOW - 3000).toISOString())).toMatchObject({ status: 'True', heartbeat: NOW - 3000 });
    expect(readinessOf(node('True', 100), 'not a time')).toMatchObject({ heartbeat: NOW - 100_000 });
  });
  it('treats an unexpected status word as Unknown', () => {
    expect(readinessOf(node('Maybe', 1)).status).toBe('Unknown');
    expect(readinessOf(undefined).status).toBe('absent');
  });
});

describe('formatAge', () => {
  it('is coarse', () => {
    expect([0, 12_000, 119_000, 300_000, 7_199_000, 7_200_000, 200_000_000].map(formatAge)).toEqual(['0s', '12s', '119s', '5m', '120m', '2h', '2d']);
  });
});
