// What the CLI gets from a transport for a whole fleet: one connect function for the engine, plus the
// fleet-wide parts (key unlocking before the tree is drawn, secret masking, shared connections).
import type { ConnectFn } from './transport.js';

export interface Connector {
  connect: ConnectFn;
  /** Asks now for whatever a human must type (key passphrases), before any tree is drawn. */
  unlockKeys(signal: AbortSignal): Promise<void>;
  /** Masks every secret any selected host uses. */
  mask: (text: string) => string;
  /** Closes what the fleet shared (jump hosts); each host's own connection is closed by its run. */
  close(): Promise<void>;
}
