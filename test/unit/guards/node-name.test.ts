// Which node to ask about: the kubelet certificate's CN system:node:<name>, else the usual names.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { candidateNodeNames, isNodeName, nodeNameFromCertificate, pemBlock } from '../../../src/guards/node-name.js';
import { makeTestPki, type TestPki } from '../../../scripts/lab.d/fake-apiserver.js';

let dir: string;
let pki: TestPki;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nodescrub-pki-'));
  pki = makeTestPki(dir, { serverIps: ['127.0.0.1'], clientCns: ['system:node:worker-7.example.com', 'system:node', 'kube-admin'] });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('nodeNameFromCertificate', () => {
  it('reads <name> from CN system:node:<name>', () => {
    expect(nodeNameFromCertificate(pki.clients['system:node:worker-7.example.com'].cert)).toBe('worker-7.example.com');
  });
  it("RKE1's shared CN system:node and other CNs give no name", () => {
    expect(nodeNameFromCertificate(pki.clients['system:node'].cert)).toBeUndefined();
    expect(nodeNameFromCertificate(pki.clients['kube-admin'].cert)).toBeUndefined();
  });
  it('finds the certificate in a kubeadm bundle (key first, then cert)', () => {
    const { cert, key } = pki.clients['system:node:worker-7.example.com'];
    expect(nodeNameFromCertificate(`${key}\n${cert}`)).toBe('worker-7.example.com');
    expect(pemBlock(`${cert}${key}`, /PRIVATE KEY$/)).toContain('PRIVATE KEY-----');
  });
  it('garbage is no name, not an exception', () => {
    expect(nodeNameFromCertificate('not a pem')).toBeUndefined();
    expect(nodeNameFromCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).toBeUndefined();
  });
});

describe('candidateNodeNames', () => {
  it('hostname, short hostname, inventory name, a routable address — lower-cased, deduplicated', () => {
    expect(candidateNodeNames({ hostname: 'Worker-7.example.com', inventoryName: 'worker-7', address: '10.0.0.7' })).toEqual(['worker-7.example.com', 'worker-7', '10.0.0.7']);
  });
  it('leaves out loopback addresses and names Kubernetes would not accept', () => {
    expect(candidateNodeNames({ hostname: 'node4', inventoryName: 'rack3/node4', address: '127.0.0.1' })).toEqual(['node4']);
    expect(candidateNodeNames({ inventoryName: 'n_1', address: '::1' })).toEqual([]);
  });
  it('isNodeName is DNS-1123', () => {
    expect(['a', 'a-b.c', '10.0.0.7'].every(isNodeName)).toBe(true);
    expect(['', '-a', 'a..b', 'A', 'a/b', 'x'.repeat(254)].some(isNodeName)).toBe(false);
  });
});
