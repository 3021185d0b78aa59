// known_hosts parsing, matching (plain, [host]:port, lists, negation, hashed) and atomic appends.

import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, symlinkSync } from 'node:fs';
import { afterAll, describe, expect, it } from '@jest/globals';
import {
  appendKnownHost,
  fingerprintSha256,
  formatKnownHostName,
  hashKnownHostName,
  keyTypeOf,
  lookupHostKeys,
  parseKnownHosts,
  readKnownHosts,
} from '../../../src/ssh/known-hosts.js';
import { generateKey, publicBlobOf } from '../../fixtures/ssh/test-server.js';
import { makeTempDir } from '../../fixtures/ssh/helpers.js';

const ed = publicBlobOf(generateKey('ed25519').public);
const ed2 = publicBlobOf(generateKey('ed25519').public);
const ecdsa = publicBlobOf(generateKey('ecdsa').public);
const b64 = (blob: Buffer) => blob.toString('base64');
const dir = makeTempDir();
afterAll(() => dir.remove());

describe('parseKnownHosts', () => {
  const text = [
    '# comment line',
    '',
    `node1.example,10.0.0.1 ssh-ed25519 ${b64(ed)} root@node1`,
    `[10.0.0.2]:2222 ecdsa-sha2-nistp256 ${b64(ecdsa)}`,
    `@revoked * ssh-ed25519 ${b64(ed2)}`,
    `@cert-authority *.example ssh-ed25519 ${b64(ed2)}`,
    `@weird host ssh-ed25519 ${b64(ed2)}`,
    'broken-line-without-key',
    `mismatch ssh-rsa ${b64(ed)}`,
    `  node1.example   ecdsa-sha2-nistp256   ${b64(ecdsa)}  `,
  ].join('\n');
  const parsed = parseKnownHosts(text);

  it('keeps key lines with their line numbers, markers and decoded blobs', () => {
    expect(parsed.entries.map((e) => [e.line, e.hosts, e.keyType, e.marker])).toEqual([
      [3, 'node1.example,10.0.0.1', 'ssh-ed25519', undefined],
      [4, '[10.0.0.2]:2222', 'ecdsa-sha2-nistp256', undefined],
      [5, '*', 'ssh-ed25519', 'revoked'],
      [6, '*.example', 'ssh-ed25519', 'cert-authority'],
      [10, 'node1.example', 'ecdsa-sha2-nistp256', undefined],
    ]);
    expect(parsed.entries[0].key.equals(ed)).toBe(true);
  });

  it('notes what it skipped or ignored instead of failing', () => {
    expect(parsed.notes).toEqual([
      'line 6: @cert-authority ignored (host certificates are not supported)',
      'line 7: unknown marker @weird, skipped',
      'line 8: expected "hosts keytype key", skipped',
      'line 9: key does not decode to a ssh-rsa key, skipped',
    ]);
  });

  it('finds every entry for a host (markers included), and nothing for a host on another port', () => {
    expect(lookupHostKeys(parsed.entries, 'node1.example', 22).map((e) => e.line)).toEqual([3, 5, 6, 10]);
    expect(lookupHostKeys(parsed.entries, 'NODE1.example', 22).map((e) => e.line)).toEqual([3, 5, 6, 10]);
    expect(lookupHostKeys(parsed.entries, '10.0.0.2', 2222).map((e) => e.line)).toEqual([4, 5]);
    expect(lookupHostKeys(parsed.entries, '10.0.0.2', 22).map((e) => e.line)).toEqual([5]);
    expect(lookupHostKeys(parsed.entries, 'node1.example', 2222).map((e) => e.line)).toEqual([5]);
  });

  it('honours wildcards and negations in host lists', () => {
    const { entries } = parseKnownHosts(`*.rack3.example,!bad.rack3.example ssh-ed25519 ${b64(ed)}\nnode?? ssh-ed25519 ${b64(ed)}`);
    expect(lookupHostKeys(entries, 'n01.rack3.example', 22)).toHaveLength(1);
    expect(lookupHostKeys(entries, 'bad.rack3.example', 22)).toHaveLength(0);
    expect(lookupHostKeys(entries, 'node12', 22)).toHaveLength(1);
    expect(lookupHostKeys(entries, 'node123', 22)).toHaveLength(0);
  });

  it('matches hashed names built like OpenSSH, and only for the right host and port', () => {
    const { entries } = parseKnownHosts(`${hashKnownHostName('[127.0.0.1]:2203')} ssh-ed25519 ${b64(ed)}`);
    expect(lookupHostKeys(entries, '127.0.0.1', 2203)).toHaveLength(1);
    expect(lookupHostKeys(entries, '127.0.0.1', 22)).toHaveLength(0);
  });

  it('reads a missing file as empty', async () => {
    expect(await readKnownHosts(`${dir.path}/nope`)).toEqual({ entries: [], notes: [] });
  });
});

describe('names and fingerprints', () => {
  it('formats host names like OpenSSH', () => {
    expect(formatKnownHostName('h', 22)).toBe('h');
    expect(formatKnownHostName('127.0.0.1', 2203)).toBe('[127.0.0.1]:2203');
  });

  it('reads the key type from the blob', () => {
    expect(keyTypeOf(ed)).toBe('ssh-ed25519');
    expect(keyTypeOf(Buffer.from('xx'))).toBe('');
  });

  it('prints the same SHA256 fingerprint as ssh-keygen -l', () => {
    const pub = dir.file('k.pub', `ssh-ed25519 ${b64(ed)} test\n`);
    const expected = execFileSync('ssh-keygen', ['-lf', pub], { encoding: 'utf8' }).split(' ')[1];
    expect(fingerprintSha256(ed)).toBe(expected);
    expect(fingerprintSha256(ed)).not.toMatch(/=$/);
  });
});

describe('appendKnownHost', () => {
  it('creates the directory 0700 and the file 0600', async () => {
    const file = `${dir.path}/new/.ssh/known_hosts`;
    await appendKnownHost(file, '127.0.0.1', 2203, ed);
    expect(readFileSync(file, 'utf8')).toBe(`[127.0.0.1]:2203 ssh-ed25519 ${b64(ed)}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(`${dir.path}/new/.ssh`).mode & 0o777).toBe(0o700);
  });

  it('keeps existing content (adding a missing final newline) and the file mode', async () => {
    const file = dir.file('kh_existing', '# mine\nold ssh-ed25519 AAAA', 0o644);
    await appendKnownHost(file, 'node1', 22, ed);
    expect(readFileSync(file, 'utf8')).toBe(`# mine\nold ssh-ed25519 AAAA\nnode1 ssh-ed25519 ${b64(ed)}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o644);
  });

  it('loses no line when many hosts are appended at once', async () => {
    const file = `${dir.path}/kh_concurrent`;
    await Promise.all(Array.from({ length: 20 }, (_, i) => appendKnownHost(file, `node${i}`, 22, ed)));
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(20);
    expect(new Set(lines.map((l) => l.split(' ')[0]))).toEqual(new Set(Array.from({ length: 20 }, (_, i) => `node${i}`)));
  });

  it('writes through a symlinked known_hosts instead of replacing the link', async () => {
    const real = dir.file('kh_real', '');
    const link = `${dir.path}/kh_link`;
    symlinkSync(real, link);
    await appendKnownHost(link, 'node1', 22, ed);
    expect(readFileSync(real, 'utf8')).toBe(`node1 ssh-ed25519 ${b64(ed)}\n`);
  });

  it('writes hashed entries that ssh-keygen -F finds', async () => {
    const file = `${dir.path}/kh_hashed`;
    await appendKnownHost(file, '127.0.0.1', 2203, ed, { hash: true });
    expect(readFileSync(file, 'utf8')).toMatch(/^\|1\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+ ssh-ed25519 /);
    const found = execFileSync('ssh-keygen', ['-F', '[127.0.0.1]:2203', '-f', file], { encoding: 'utf8' });
    expect(found).toContain(b64(ed));
  });
});
