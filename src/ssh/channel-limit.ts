// A per-connection cap on open channels: sshd refuses sessions past MaxSessions (10 by default).

/** Frees the slot taken by acquire(); calling it twice is harmless. */
export type ReleaseSlot = () => void;

/** FIFO semaphore whose waiters can be cancelled by an AbortSignal (a queued command never runs). */
export class ChannelLimit {
  readonly max: number;
  #active = 0;
  #waiters: Array<() => void> = [];

  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`channel limit must be an integer >= 1, got ${max}`);
    this.max = max;
  }

  /** Channels currently running. */
  get active(): number {
    return this.#active;
  }

  /** Commands waiting for a slot. */
  get queued(): number {
    return this.#waiters.length;
  }

  /** Waits for a free slot; resolves `undefined` if the signal aborts first (nothing to release). */
  async acquire(signal?: AbortSignal): Promise<ReleaseSlot | undefined> {
    if (signal?.aborted) return undefined;
    if (this.#active < this.max) return this.#take();
    return new Promise((resolve) => {
      const wake = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(this.#take());
      };
      const onAbort = (): void => {
        this.#waiters = this.#waiters.filter((w) => w !== wake);
        resolve(undefined);
      };
      this.#waiters.push(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #take(): ReleaseSlot {
    this.#active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active--;
      this.#waiters.shift()?.();
    };
  }
}
