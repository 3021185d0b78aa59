// Error classification: ssh2 levels and socket codes → per-host status and one-line reason.

import { describe, expect, it } from '@jest/globals';
import { classifySshError, describeAuthFailure, type FailureContext } from '../../../src/ssh/classify.js';

const context: FailureContext = { target: 'ops@10.0.0.7:22', endpoint: '10.0.0.7:22', phase: 'handshake', timeoutMs: 10_000 };
const sshError = (message: string, fields: Record<string, unknown> = {}) => Object.assign(new Error(message), fields);

describe('classifySshError', () => {
  it.each([
    ['ECONNREFUSED', 'connection refused (10.0.0.7:22)', true],
    ['ECONNRESET', 'connection reset (10.0.0.7:22)', true],
    ['EHOSTUNREACH', 'no route to host (10.0.0.7:22)', true],
    ['ETIMEDOUT', 'TCP connect timed out (10.0.0.7:22)', true],
    ['ENOTFOUND', 'cannot resolve host name (10.0.0.7:22)', false],
  ])('socket %s → unreachable', (code, reason, retryable) => {
    expect(classifySshError(sshError(`connect ${code}`, { code, level: 'client-socket' }), context)).toEqual({ kind: 'unreachable', reason, retryable });
  });

  it('readyTimeout → unreachable, naming the phase it got stuck in', () => {
    const timeout = sshError('Timed out while waiting for handshake', { level: 'client-timeout' });
    expect(classifySshError(timeout, context)).toEqual({ kind: 'unreachable', reason: 'timed out after 10s during handshake (10.0.0.7:22)', retryable: true });
    expect(classifySshError(timeout, { ...context, phase: 'connect' }).reason).toBe('timed out after 10s during TCP connect (10.0.0.7:22)');
    expect(classifySshError(timeout, { ...context, phase: 'authentication' }).reason).toBe('timed out after 10s during authentication (10.0.0.7:22)');
  });

  it('keepalive timeout → connection lost, not retried', () => {
    const error = sshError('Keepalive timeout', { level: 'client-timeout' });
    expect(classifySshError(error, { ...context, keepalive: { intervalMs: 15_000, countMax: 3 } })).toEqual({
      kind: 'unreachable',
      reason: 'connection lost: no reply to 3 keepalives sent every 15s',
      retryable: false,
    });
  });

  it('client-authentication → auth-failed with what was tried and why keys were skipped', () => {
    const error = sshError('All configured authentication methods failed', { level: 'client-authentication' });
    const failure = classifySshError(error, { ...context, triedAuth: ['agent', 'password'], authNotes: ['identity file /k is not readable (EACCES)'] });
    expect(failure).toEqual({
      kind: 'auth-failed',
      reason: 'authentication failed for ops@10.0.0.7:22 (tried: agent, password); identity file /k is not readable (EACCES)',
      retryable: false,
    });
  });

  it('our host-key verdict wins over the generic handshake error', () => {
    const error = sshError('Host denied (verification failed)', { level: 'handshake' });
    expect(classifySshError(error, { ...context, hostKeyRejection: 'host key mismatch for h: …' })).toEqual({
      kind: 'host-key-rejected',
      reason: 'host key mismatch for h: …',
      retryable: false,
    });
  });

  it('no common host key type while restricted to known_hosts types → host-key-rejected', () => {
    const error = sshError('Handshake failed: no matching host key format', { level: 'handshake' });
    expect(classifySshError(error, { ...context, hostKeyAlgorithms: ['ssh-ed25519'] })).toMatchObject({
      kind: 'host-key-rejected',
      reason: 'server offers none of the host key types known for it (ssh-ed25519)',
    });
    expect(classifySshError(error, context)).toMatchObject({ kind: 'unreachable', reason: 'SSH handshake failed: no matching host key format' });
  });

  it('a server closing before the SSH banner is retryable (sshd MaxStartups)', () => {
    const error = sshError('Connection lost before handshake', { level: 'protocol' });
    expect(classifySshError(error, context)).toEqual({ kind: 'unreachable', reason: 'connection closed by 10.0.0.7:22 before the SSH handshake', retryable: true });
  });

  it('prefixes failures through a bastion', () => {
    const error = sshError('(SSH) Channel open failure: Connection refused', { reason: 2 });
    expect(classifySshError(error, { ...context, via: 'via jump ops@b:22' })).toEqual({
      kind: 'unreachable',
      reason: 'via jump ops@b:22: bastion could not open a connection to 10.0.0.7:22: Connection refused',
      retryable: true,
    });
  });

  it('keeps an unknown error to its first line', () => {
    expect(classifySshError('weird\nsecond line', context)).toEqual({ kind: 'unreachable', reason: 'weird (10.0.0.7:22)', retryable: false });
  });
});

describe('describeAuthFailure', () => {
  it('says none when nothing was tried', () => {
    expect(describeAuthFailure({ target: 'ops@h:22' })).toBe('authentication failed for ops@h:22 (tried: none)');
  });
});
