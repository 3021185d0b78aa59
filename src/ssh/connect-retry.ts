// Retries for connection-level failures only, spaced by exponential backoff with jitter.

import { HostError } from '../errors.js';
import { ConnectFailure } from './classify.js';

export interface RetrySettings {
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  signal?: AbortSignal;
  /** Injected in tests for deterministic jitter. */
  random?: () => number;
}

/**
 * Delay before retry `attempt` (0-based): half of min(max, base·2^attempt) plus a random half, so
 * many hosts failing together (a rebooting rack) do not all come back at the same instant.
 */
export function computeBackoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * Runs `attempt` until it succeeds, throws something not retryable (auth, host key...), or the
 * retries are used up; an abort stops waiting at once with an `aborted` HostError.
 */
export async function retryConnect<T>(attempt: (index: number) => Promise<T>, settings: RetrySettings): Promise<T> {
  for (let index = 0; ; index++) {
    throwIfAborted(settings.signal);
    try {
      return await attempt(index);
    } catch (error) {
      const retryable = error instanceof ConnectFailure && error.retryable;
      if (!retryable || index >= settings.retries || settings.signal?.aborted) throw error;
    }
    await sleep(computeBackoffMs(index, settings.baseDelayMs, settings.maxDelayMs, settings.random), settings.signal);
  }
}

/** Throws the `aborted` HostError when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, doing = 'connecting'): void {
  if (signal?.aborted) throw new HostError('aborted', `aborted while ${doing}`);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new HostError('aborted', 'aborted while waiting to retry the connection'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
