// Ctrl-C / SIGTERM: the first stops new hosts and aborts running steps; the second exits at once.
import { setMaxListeners } from 'node:events';

export interface Interrupt {
  signal: AbortSignal;
  dispose(): void;
}

// The installed handler, for interruptFromTerminal.
let installed: ((name: NodeJS.Signals) => void) | undefined;

/**
 * Ctrl-C typed while a prompt holds the terminal in raw mode arrives as a byte, not as SIGINT: this
 * does what SIGINT would have done (the same handler, synchronously, so the run's signal is aborted
 * when it returns).
 */
export function interruptFromTerminal(): void {
  if (installed) installed('SIGINT');
  else process.kill(process.pid, 'SIGINT');
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
  installed = handler;
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      if (installed === handler) installed = undefined;
    },
  };
}
