// Markers in remote output carry a fresh random nonce, so a hostile name printed by a probe cannot forge them.
import { randomBytes } from 'node:crypto';

/** 16 hex chars, fresh per remote exec. */
export function makeNonce(): string {
  return randomBytes(8).toString('hex');
}
