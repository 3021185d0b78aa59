// Backoff with jitter, retry only what may succeed next time, and the per-connection channel cap.

import { describe, expect, it } from '@jest/globals';
import { HostError } from '../../../src/errors.js';
import { ChannelLimit } from '../../../src/ssh/channel-limit.js';
import { ConnectFailure } from '../../../src/ssh/classify.js';
import { computeBackoffMs, retryConnect } from '../../../src/ssh/connect-retry.js';
import { maskSecrets, secretsOf } from '../../../src/ssh/mask.js';
import { makeHost } from '../../fixtures/ssh/helpers.js';

describe('computeBackoffMs', () => {
  it('doubles up to the ceiling, jittered between half and all of it', () => {
    expect([0, 1, 2, 3, 10].map((a) => computeBackoffMs(a, 500, 4000, () => 0))).toEqual([250, 500, 1000, 2000, 2000]);
    expect([0, 1, 2, 3, 10].map((a) => computeBackoffMs(a, 500, 4000, () => 1))).toEqual([500, 1000, 2000, 4000, 4000]);
  });
});

describe('retryConnect', () => {
  const refused = new ConnectFailure({ kind: 'unreachable', reason: 'connection refused', retryable: true });
  const denied = new ConnectFailure({ kind: 'auth-failed', reason: 'authentication failed', retryable: false });
  const fast = { baseDelayMs: 1, maxDelayMs: 1 };

  it('retries retryable failures until success', async () => {
    let calls = 0;
    const result = await retryConnect(async () => (++calls < 3 ? Promise.reject(refused) : 'up'), { retries: 5, ...fast });
    expect([result, calls]).toEqual(['up', 3]);
  });

  it('gives up after the retries and throws the last failure', async () => {
    let calls = 0;
    await expect(retryConnect(async () => (calls++, Promise.reject(refused)), { retries: 2, ...fast })).rejects.toBe(refused);
    expect(calls).toBe(3);
  });

  it('never retries auth or host-key failures', async () => {
    let calls = 0;
    await expect(retryConnect(async () => (calls++, Promise.reject(denied)), { retries: 5, ...fast })).rejects.toBe(denied);
    expect(calls).toBe(1);
  });

  it('stops waiting at once when aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    const error = await retryConnect(async () => Promise.reject(refused), { retries: 5, baseDelayMs: 10_000, maxDelayMs: 10_000, signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostError);
    expect(error).toMatchObject({ kind: 'aborted' });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('ChannelLimit', () => {
  it('lets max run, queues the rest in order, and drops aborted waiters', async () => {
    const limit = new ChannelLimit(2);
    const a = await limit.acquire();
    const b = await limit.acquire();
    const order: string[] = [];
    const controller = new AbortController();
    const c = limit.acquire().then((release) => (order.push('c'), release));
    const dropped = limit.acquire(controller.signal).then((release) => (order.push(release ? 'd' : 'd-aborted'), release));
    const e = limit.acquire().then((release) => (order.push('e'), release));
    expect([limit.active, limit.queued]).toEqual([2, 3]);
    controller.abort();
    await dropped;
    a!();
    a!(); // twice is harmless
    (await c)!();
    b!();
    (await e)!();
    expect(order).toEqual(['d-aborted', 'c', 'e']);
    expect([limit.active, limit.queued]).toEqual([0, 0]);
  });

  it('validates its size', () => {
    expect(() => new ChannelLimit(0)).toThrow('channel limit must be an integer >= 1, got 0');
  });
});

describe('masking', () => {
  it('replaces every occurrence, longest secret first', () => {
    expect(maskSecrets('pw=hunter2 again hunter2; hunter2-long', ['hunter2', 'hunter2-long', ''])).toBe('pw=**** again ****; ****');
  });

  it('collects the secrets a host uses from the variables it names', () => {
    const host = makeHost({ identityPassphraseEnv: 'KEY_PW', passwordEnv: 'LOGIN_PW', becomePasswordEnv: 'LOGIN_PW' });
    expect(secretsOf(host, { KEY_PW: 'k', LOGIN_PW: 'same', OTHER: 'x' })).toEqual(['k', 'same']);
    expect(secretsOf(makeHost(), { KEY_PW: 'k' })).toEqual([]);
  });
});
