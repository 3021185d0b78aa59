// Turns whatever ssh2 or the socket threw into one of the per-host statuses, with a one-line reason.

import { HostError, type HostFailureKind } from '../errors.js';

/** How far a connection got: decides what "timed out" means. */
export type ConnectPhase = 'connect' | 'handshake' | 'authentication' | 'session';

export interface FailureContext {
  /** `user@address:port`, named in auth messages. */
  target: string;
  /** `address:port`, named in socket messages. */
  endpoint: string;
  phase: ConnectPhase;
  timeoutMs?: number;
  keepalive?: { intervalMs: number; countMax: number };
  /** Auth methods actually attempted, in order. */
  triedAuth?: readonly string[];
  /** Why some credential was skipped (unreadable key, missing passphrase...). */
  authNotes?: readonly string[];
  /** Our own host-key verdict when we refused the key. */
  hostKeyRejection?: string;
  /** Host-key algorithms we restricted the offer to (from known_hosts). */
  hostKeyAlgorithms?: readonly string[];
  /** Prefix for failures reaching the host through a bastion: `via ops@bastion:22`. */
  via?: string;
}

/** Flat classification: the status, the reason, and whether a new connection attempt may help. */
export interface ClassifiedFailure {
  kind: HostFailureKind;
  reason: string;
  retryable: boolean;
}

interface SshLikeError {
  message: string;
  level?: string;
  code?: string | number;
  reason?: string | number;
}

const SOCKET_REASONS: Record<string, { text: string; retryable: boolean }> = {
  ECONNREFUSED: { text: 'connection refused', retryable: true },
  ECONNRESET: { text: 'connection reset', retryable: true },
  ETIMEDOUT: { text: 'TCP connect timed out', retryable: true },
  EPIPE: { text: 'connection closed', retryable: true },
  EHOSTUNREACH: { text: 'no route to host', retryable: true },
  ENETUNREACH: { text: 'network unreachable', retryable: true },
  EHOSTDOWN: { text: 'host is down', retryable: true },
  EAI_AGAIN: { text: 'temporary DNS failure resolving', retryable: true },
  ENOTFOUND: { text: 'cannot resolve host name', retryable: false },
};

/** Classifies an ssh2/socket error by its `level` and `code` (messages only as a last resort). */
export function classifySshError(error: unknown, context: FailureContext): ClassifiedFailure {
  const err = toSshLikeError(error);
  const via = context.via ? `${context.via}: ` : '';
  const unreachable = (reason: string, retryable: boolean): ClassifiedFailure => ({ kind: 'unreachable', reason: via + reason, retryable });
  if (context.hostKeyRejection !== undefined) {
    return { kind: 'host-key-rejected', reason: context.hostKeyRejection, retryable: false };
  }
  const socket = typeof err.code === 'string' ? SOCKET_REASONS[err.code] : undefined;
  if (socket !== undefined) return unreachable(`${socket.text} (${context.endpoint})`, socket.retryable);
  if (err.level === 'client-authentication' || /authentication methods failed/i.test(err.message)) {
    return { kind: 'auth-failed', reason: describeAuthFailure(context), retryable: false };
  }
  if (err.level === 'client-timeout') {
    if (/keepalive/i.test(err.message) && context.keepalive) {
      const { countMax, intervalMs } = context.keepalive;
      return unreachable(`connection lost: no reply to ${countMax} keepalives sent every ${seconds(intervalMs)}`, false);
    }
    const after = context.timeoutMs === undefined ? '' : ` after ${seconds(context.timeoutMs)}`;
    return unreachable(`timed out${after} during ${context.phase === 'connect' ? 'TCP connect' : context.phase} (${context.endpoint})`, true);
  }
  if (err.level === 'handshake' && /no matching host key format/i.test(err.message) && context.hostKeyAlgorithms) {
    const known = context.hostKeyAlgorithms.join(', ');
    return { kind: 'host-key-rejected', reason: `server offers none of the host key types known for it (${known})`, retryable: false };
  }
  if (err.level === 'handshake') return unreachable(`SSH handshake failed: ${err.message.replace(/^Handshake failed: /, '')}`, false);
  if (/Connection lost before handshake/i.test(err.message)) {
    return unreachable(`connection closed by ${context.endpoint} before the SSH handshake`, true);
  }
  if (/too many authentication failures/i.test(err.message)) {
    return { kind: 'auth-failed', reason: describeAuthFailure(context), retryable: false };
  }
  if (/Channel open failure/i.test(err.message)) {
    // forwardOut through a bastion: reason 2 is "connect failed" (refused, unreachable behind it).
    const detail = err.message.replace(/^\(SSH\) Channel open failure: /, '');
    return unreachable(`bastion could not open a connection to ${context.endpoint}: ${detail}`, err.reason === 2);
  }
  return unreachable(`${err.message.split('\n')[0]} (${context.endpoint})`, false);
}

/** A HostError from a connection attempt that also says whether trying again may help. */
export class ConnectFailure extends HostError {
  readonly retryable: boolean;
  constructor(failure: ClassifiedFailure, options?: { cause?: unknown }) {
    super(failure.kind, failure.reason, options);
    this.retryable = failure.retryable;
  }
}

/** The classification as the HostError the runner reports, keeping the original as `cause`. */
export function toHostError(failure: ClassifiedFailure, cause?: unknown): ConnectFailure {
  return new ConnectFailure(failure, cause === undefined ? undefined : { cause });
}

/** `authentication failed for ops@h:22 (tried: publickey, password); key … is encrypted …` */
export function describeAuthFailure(context: Pick<FailureContext, 'target' | 'triedAuth' | 'authNotes'>): string {
  const tried = context.triedAuth && context.triedAuth.length > 0 ? context.triedAuth.join(', ') : 'none';
  const notes = context.authNotes && context.authNotes.length > 0 ? `; ${context.authNotes.join('; ')}` : '';
  return `authentication failed for ${context.target} (tried: ${tried})${notes}`;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}

// Duck-typed, not `instanceof Error`: socket errors can come from another realm (jest's vm).
function toSshLikeError(error: unknown): SshLikeError {
  if (typeof error === 'object' && error !== null && typeof (error as SshLikeError).message === 'string') return error as SshLikeError;
  return { message: String(error) };
}
