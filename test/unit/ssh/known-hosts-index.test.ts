// known_hosts index and per-version cache: the same answers as a scan, one parse per file version.

import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from '@jest/globals';
import {
  appendKnownHost,
  hashKnownHostName,
  indexKnownHosts,
  loadKnownHostsIndex,
  lookupHostKeys,
  parseKnownHosts,
} from '../../../src/ssh/known-hosts.js';
import { generateKey, publicBlobOf } from '../../fixtures/ssh/test-server.js';
import { makeTempDir } from '../../fixtures/ssh/helpers.js';

const ed = publicBlobOf(generateKey('ed25519').public);
const b64 = ed.toString('base64');
const dir = makeTempDir();
afterAll(() => dir.remove());

describe('indexKnownHosts', () => {
  const text = [
    `node1.example,10.0.0.1 ssh-ed25519 ${b64}`,
    `[10.0.0.2]:2222 ssh-ed25519 ${b64}`,
    `@revoked * ssh-ed25519 ${b64}`,
    `*.rack3.example,!bad.rack3.example ssh-ed25519 ${b64}`,
    `NODE1.EXAMPLE ssh-ed25519 ${b64}`,
    `${hashKnownHostName('[127.0.0.1]:2203')} ssh-ed25519 ${b64}`,
    `node?? ssh-ed25519 ${b64}`,
    `a,,node12,node12 ssh-ed25519 ${b64}`,
    `weird!name ssh-ed25519 ${b64}`,
  ].join('\n');
  const parsed = parseKnownHosts(text);
  const index = indexKnownHosts(parsed);
  const probes: Array<[string, number]> = [
    ['node1.example', 22], ['Node1.Example', 22], ['10.0.0.1', 22], ['10.0.0.2', 2222], ['10.0.0.2', 22],
    ['n01.rack3.example', 22], ['bad.rack3.example', 22], ['127.0.0.1', 2203], ['127.0.0.1', 22],
    ['node12', 22], ['node123', 22], ['a', 22], ['weird!name', 22], ['nowhere', 22],
  ];

  it.each(probes)('answers %s:%d exactly like a scan, in file order', (host, port) => {
    expect(index.lookup(host, port).map((e) => e.line)).toEqual(lookupHostKeys(parsed.entries, host, port).map((e) => e.line));
  });

  it('keeps the parse notes and entries', () => {
    expect(index.entries).toBe(parsed.entries);
    expect(index.notes).toBe(parsed.notes);
  });
});

describe('loadKnownHostsIndex', () => {
  it('parses a file once per version and sees a line appended later', async () => {
    const file = dir.file('kh', `10.0.0.1 ssh-ed25519 ${b64}\n`);
    const [first, again] = await Promise.all([loadKnownHostsIndex(file), loadKnownHostsIndex(file)]);
    expect(again).toBe(first);
    expect(await loadKnownHostsIndex(file)).toBe(first);
    expect(first.lookup('10.0.0.9', 22)).toHaveLength(0);
    await appendKnownHost(file, '10.0.0.9', 22, ed);
    const after = await loadKnownHostsIndex(file);
    expect(after).not.toBe(first);
    expect(after.lookup('10.0.0.9', 22)).toHaveLength(1);
  });

  it('re-reads a file rewritten in place with another size', async () => {
    const file = dir.file('kh2', `10.0.0.1 ssh-ed25519 ${b64}\n`);
    expect((await loadKnownHostsIndex(file)).lookup('10.0.0.1', 22)).toHaveLength(1);
    writeFileSync(file, `10.0.0.22 ssh-ed25519 ${b64}\n`);
    const index = await loadKnownHostsIndex(file);
    expect(index.lookup('10.0.0.1', 22)).toHaveLength(0);
    expect(index.lookup('10.0.0.22', 22)).toHaveLength(1);
  });

  it('treats a missing file as empty', async () => {
    expect((await loadKnownHostsIndex(`${dir.path}/none`)).entries).toEqual([]);
  });
});
