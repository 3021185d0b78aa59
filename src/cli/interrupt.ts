// Ctrl-C / SIGTERM: the first stops new hosts and aborts running steps; the second exits at once.
import { setMaxListeners } from 'node:events';

export interface Interrupt {
  signal: AbortSignal;
  dispose(): void;
}

/** Installs the handlers; `onHardExit` is called on the second signal (the CLI exits there). */
export function installInterrupt(onFirst: (name: string) => void, onHardExit: () => void): Interrupt {
  const controller = new AbortController();
  // Every running host and command listens on this one signal: hundreds at -c 200, all expected.
  setMaxListeners(0, controller.signal);
  const handler = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) return onHardExit();
    onFirst(name);
    controller.abort(new Error(`interrupted by ${name}`));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
