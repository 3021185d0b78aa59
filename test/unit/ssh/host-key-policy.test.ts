// The host-key decision table, rule by rule, without any server.

import { describe, expect, it } from '@jest/globals';
import { decideHostKey, hostKeyAlgorithmsFor, normalizeFingerprint, type HostKeyPolicy } from '../../../src/ssh/host-key-policy.js';
import { fingerprintSha256, parseKnownHosts } from '../../../src/ssh/known-hosts.js';
import { generateKey, publicBlobOf } from '../../fixtures/ssh/test-server.js';

const offered = publicBlobOf(generateKey('ed25519').public);
const other = publicBlobOf(generateKey('ed25519').public);
const ecdsa = publicBlobOf(generateKey('ecdsa').public);
const entries = (lines: string[]) => parseKnownHosts(lines.join('\n')).entries;
const line = (blob: Buffer, type = 'ssh-ed25519') => `h ${type} ${blob.toString('base64')}`;
const ask = (policy: HostKeyPolicy, known: string[], pinned?: string) =>
  decideHostKey({ policy, known: entries(known), offered, hostLabel: 'h', knownHostsFile: 'kh', ...(pinned ? { pinned } : {}) });

describe('decideHostKey', () => {
  const policies: HostKeyPolicy[] = ['strict', 'accept-new', 'off'];

  it.each(policies)('%s: a matching known key is accepted silently', (policy) => {
    expect(ask(policy, [line(other), line(offered)])).toEqual({ accept: true });
  });

  it('strict: an unknown host is rejected with the way out', () => {
    expect(ask('strict', [])).toEqual({
      accept: false,
      reason: `host key for h (ssh-ed25519 ${fingerprintSha256(offered)}) is not in kh; use --host-key-policy accept-new or add it`,
    });
  });

  it('accept-new: an unknown host is accepted and appended', () => {
    expect(ask('accept-new', [])).toEqual({ accept: true, append: true });
  });

  it('off: an unknown host is accepted with a warning, not appended', () => {
    expect(ask('off', [])).toMatchObject({ accept: true, warning: expect.stringContaining('not verified') });
    expect(ask('off', []).append).toBeUndefined();
  });

  it.each(['strict', 'accept-new'] as const)('%s: a mismatch is rejected naming line and fingerprints', (policy) => {
    expect(ask(policy, ['# c', line(other)])).toEqual({
      accept: false,
      reason: `host key mismatch for h: kh line 2 has ${fingerprintSha256(other)}, server offered ${fingerprintSha256(offered)}`,
    });
  });

  it('off: a mismatch is accepted with a warning', () => {
    expect(ask('off', [line(other)])).toEqual({
      accept: true,
      warning: `host key mismatch for h: kh line 1 has ${fingerprintSha256(other)}, server offered ${fingerprintSha256(offered)} (accepted: --host-key-policy off)`,
    });
  });

  it.each(['strict', 'accept-new'] as const)('%s: only a key of another type known counts as a mismatch', (policy) => {
    const decision = ask(policy, [line(ecdsa, 'ecdsa-sha2-nistp256')]);
    expect(decision.accept).toBe(false);
    expect(decision.reason).toContain('has only ecdsa-sha2-nistp256');
  });

  it.each(policies)('%s: a pinned fingerprint wins over known_hosts', (policy) => {
    expect(ask(policy, [line(other)], fingerprintSha256(offered))).toEqual({ accept: true });
    expect(ask(policy, [line(offered)], fingerprintSha256(other))).toMatchObject({ accept: false, reason: expect.stringContaining('inventory pins') });
  });

  it('accepts a pin with base64 padding or without the SHA256: prefix', () => {
    const bare = fingerprintSha256(offered).slice('SHA256:'.length);
    expect(ask('strict', [], `${bare}=`)).toEqual({ accept: true });
    expect(normalizeFingerprint(` sha256:${bare}= `)).toBe(fingerprintSha256(offered));
  });

  it.each(policies)('%s: a @revoked key is always rejected, pinned or not', (policy) => {
    const revoked = `@revoked * ssh-ed25519 ${offered.toString('base64')}`;
    expect(ask(policy, [revoked, line(offered)]).accept).toBe(false);
    expect(ask(policy, [revoked], fingerprintSha256(offered))).toMatchObject({ accept: false, reason: expect.stringContaining('@revoked in kh line 1') });
  });

  it('ignores @cert-authority lines', () => {
    expect(ask('strict', [`@cert-authority * ssh-ed25519 ${other.toString('base64')}`]).reason).toContain('is not in kh');
  });
});

describe('hostKeyAlgorithmsFor', () => {
  it('lists the algorithms for the known key types, rsa as its sha2 variants first', () => {
    const known = entries([line(ecdsa, 'ecdsa-sha2-nistp256'), line(offered), `@revoked * ssh-ed25519 ${other.toString('base64')}`]);
    expect(hostKeyAlgorithmsFor(known)).toEqual(['ecdsa-sha2-nistp256', 'ssh-ed25519']);
    const rsa = publicBlobOf(generateKey('rsa').public);
    expect(hostKeyAlgorithmsFor(entries([line(rsa, 'ssh-rsa')]))).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
  });

  it('keeps the defaults when nothing is known', () => {
    expect(hostKeyAlgorithmsFor([])).toBeUndefined();
  });
});
