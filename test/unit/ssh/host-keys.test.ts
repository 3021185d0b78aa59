// Host-key policies end to end: a real handshake, our verifier, and the known_hosts file on disk.

import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HostError } from '../../../src/errors.js';
import { connectHost, type ConnectOptions } from '../../../src/ssh/connect.js';
import { fingerprintSha256 } from '../../../src/ssh/known-hosts.js';
import { generateKey, publicBlobOf, startTestServer, type TestServer } from '../../fixtures/ssh/test-server.js';
import { knownHostsLine, makeHost, makeTempDir, type TempDir } from '../../fixtures/ssh/helpers.js';

const userKey = generateKey();
const edHostKey = generateKey('ed25519');
const rsaHostKey = generateKey('rsa');
let server: TestServer;
let dir: TempDir;
let counter = 0;

beforeAll(async () => {
  server = await startTestServer({ users: { ops: { keys: [userKey.public] } }, hostKeys: [edHostKey.private, rsaHostKey.private] });
  dir = makeTempDir();
  dir.file('id', userKey.private);
});

afterAll(async () => {
  await server?.close();
  dir?.remove();
});

function options(knownHosts: string | undefined, extra: Partial<ConnectOptions> = {}): ConnectOptions {
  const name = `known_hosts_${++counter}`;
  const knownHostsFile = knownHosts === undefined ? `${dir.path}/absent/${name}` : dir.file(name, knownHosts);
  return { hostKeyPolicy: 'strict', knownHostsFile, env: {}, connectRetries: 0, ...extra };
}

const host = () => makeHost({ port: server.port, identityFile: `${dir.path}/id` });
const edBlob = publicBlobOf(edHostKey.public);
const rsaBlob = publicBlobOf(rsaHostKey.public);
const otherBlob = publicBlobOf(generateKey().public);

async function connectOrError(opts: ConnectOptions, spec = host()): Promise<HostError | undefined> {
  try {
    const transport = await connectHost(spec, opts);
    await transport.close();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(HostError);
    return error as HostError;
  }
}

describe('strict', () => {
  it('accepts a key listed in known_hosts', async () => {
    expect(await connectOrError(options(`${knownHostsLine('127.0.0.1', server.port, edBlob)}\n`))).toBeUndefined();
  });

  it('rejects an unknown host with the way out in the reason', async () => {
    const error = await connectOrError(options('# empty\n'));
    expect(error?.kind).toBe('host-key-rejected');
    expect(error?.message).toMatch(/^host key for \[127\.0\.0\.1\]:\d+ \(ssh-ed25519 SHA256:\S+\) is not in .*; use --host-key-policy accept-new or add it$/);
  });

  it('rejects a mismatching key naming the line and both fingerprints', async () => {
    const opts = options(`# a comment\n\n${knownHostsLine('127.0.0.1', server.port, otherBlob)}\n`);
    const error = await connectOrError(opts);
    expect(error?.kind).toBe('host-key-rejected');
    expect(error?.message).toBe(
      `host key mismatch for [127.0.0.1]:${server.port}: ${opts.knownHostsFile} line 3 has ${fingerprintSha256(otherBlob)}, server offered ${fingerprintSha256(edBlob)}`,
    );
  });

  it('accepts a hashed |1|salt|hash entry made like OpenSSH (HMAC-SHA1 of [host]:port)', async () => {
    const salt = randomBytes(20);
    const hash = createHmac('sha1', salt).update(`[127.0.0.1]:${server.port}`).digest('base64');
    const line = `|1|${salt.toString('base64')}|${hash} ssh-ed25519 ${edBlob.toString('base64')}`;
    expect(await connectOrError(options(`${line}\n`))).toBeUndefined();
  });

  it('offers only the key types known for the host, so the server presents the known one', async () => {
    // The server has ed25519 and rsa; ssh2 would prefer ed25519, but known_hosts lists only rsa.
    expect(await connectOrError(options(`${knownHostsLine('127.0.0.1', server.port, rsaBlob)}\n`))).toBeUndefined();
  });

  it('rejects a key marked @revoked even if also listed', async () => {
    const line = knownHostsLine('127.0.0.1', server.port, edBlob);
    const error = await connectOrError(options(`@revoked * ssh-ed25519 ${edBlob.toString('base64')}\n${line}\n`));
    expect(error?.kind).toBe('host-key-rejected');
    expect(error?.message).toContain('is marked @revoked');
  });
});

describe('accept-new', () => {
  it('accepts an unknown host and appends it, creating the file 0600 in a 0700 directory', async () => {
    const opts = options(undefined, { hostKeyPolicy: 'accept-new' });
    expect(await connectOrError(opts)).toBeUndefined();
    expect(readFileSync(opts.knownHostsFile, 'utf8')).toBe(`${knownHostsLine('127.0.0.1', server.port, edBlob)}\n`);
    expect(statSync(opts.knownHostsFile).mode & 0o777).toBe(0o600);
    expect(statSync(`${dir.path}/absent`).mode & 0o777).toBe(0o700);
    // Second contact: now known, strict is enough.
    expect(await connectOrError({ ...opts, hostKeyPolicy: 'strict' })).toBeUndefined();
  });

  it('keeps existing content when appending', async () => {
    const opts = options('other.example ssh-ed25519 ' + otherBlob.toString('base64'), { hostKeyPolicy: 'accept-new' });
    expect(await connectOrError(opts)).toBeUndefined();
    const lines = readFileSync(opts.knownHostsFile, 'utf8').split('\n');
    expect(lines[0]).toBe(`other.example ssh-ed25519 ${otherBlob.toString('base64')}`);
    expect(lines[1]).toBe(knownHostsLine('127.0.0.1', server.port, edBlob));
  });

  it('still rejects a mismatch and does not touch the file', async () => {
    const content = `${knownHostsLine('127.0.0.1', server.port, otherBlob)}\n`;
    const opts = options(content, { hostKeyPolicy: 'accept-new' });
    const error = await connectOrError(opts);
    expect(error?.kind).toBe('host-key-rejected');
    expect(error?.message).toContain('host key mismatch');
    expect(readFileSync(opts.knownHostsFile, 'utf8')).toBe(content);
  });
});

describe('off', () => {
  it('accepts a mismatch with a warning every time', async () => {
    const warnings: string[] = [];
    const opts = options(`${knownHostsLine('127.0.0.1', server.port, otherBlob)}\n`, { hostKeyPolicy: 'off', onWarning: (m) => warnings.push(m) });
    expect(await connectOrError(opts)).toBeUndefined();
    expect(await connectOrError(opts)).toBeUndefined();
    expect(warnings.filter((w) => w.includes('host key mismatch') && w.includes('--host-key-policy off'))).toHaveLength(2);
  });

  it('accepts an unknown host with a warning and records nothing', async () => {
    const warnings: string[] = [];
    const opts = options('', { hostKeyPolicy: 'off', onWarning: (m) => warnings.push(m) });
    expect(await connectOrError(opts)).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('not verified')]);
    expect(readFileSync(opts.knownHostsFile, 'utf8')).toBe('');
  });
});

describe('pinned fingerprint', () => {
  it('accepts the pinned key even with an empty known_hosts under strict', async () => {
    const spec = { ...host(), hostKeyFingerprint: fingerprintSha256(edBlob) };
    expect(await connectOrError(options(''), spec)).toBeUndefined();
  });

  it('rejects any other key, even under off', async () => {
    const spec = { ...host(), hostKeyFingerprint: fingerprintSha256(otherBlob) };
    const error = await connectOrError(options('', { hostKeyPolicy: 'off' }), spec);
    expect(error?.kind).toBe('host-key-rejected');
    expect(error?.message).toBe(
      `host key mismatch for [127.0.0.1]:${server.port}: inventory pins ${fingerprintSha256(otherBlob)}, server offered ${fingerprintSha256(edBlob)}`,
    );
  });
});
