// One bounded exchange over streams we open ourselves: it ends at its answer, at the deadline or at
// the abort, whichever comes first, and what it opened is closed in every case (a stream opened
// after the deadline included). Shared by the API requests made through an SSH connection.

export interface Bounds {
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Runs `exchange(isOver)` bounded by `bounds`; `failure` makes the rejection for a timeout or an
 * abort; `cleanup` always runs after. `isOver()` lets an exchange that opens a stream after the race
 * was lost close it at once (nobody else would).
 */
export async function withinBounds<T>(
  exchange: (isOver: () => boolean) => Promise<T>,
  bounds: Bounds,
  failure: (code: 'ETIMEDOUT' | 'ABORTED') => Error,
  cleanup: () => void,
): Promise<T> {
  let over = false;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(failure('ETIMEDOUT')), bounds.timeoutMs);
    onAbort = () => reject(failure('ABORTED'));
    if (bounds.signal?.aborted) onAbort();
    else bounds.signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([exchange(() => over), deadline]);
  } finally {
    over = true;
    clearTimeout(timer);
    if (onAbort) bounds.signal?.removeEventListener('abort', onAbort);
    cleanup();
  }
}
