// Kubeconfig -> ApiTarget: file references vs inline data, relative paths, contexts, and every problem as data.
import { describe, expect, it } from '@jest/globals';
import { parseKubeconfig, referencedPaths } from '../../../src/guards/kubeconfig.js';
import { kubeletKubeconfig } from '../../fixtures/guards/host.js';

const files: Record<string, string> = {
  '/etc/kubernetes/ssl/kube-ca.pem': 'CA-PEM',
  '/etc/kubernetes/ssl/kube-node.pem': 'CERT-PEM',
  '/etc/kubernetes/ssl/kube-node-key.pem': 'KEY-PEM',
  '/var/lib/rancher/rke2/agent/server-ca.crt': 'RKE2-CA',
  '/var/lib/rancher/rke2/agent/client-kubelet.crt': 'RKE2-CERT',
  '/var/lib/rancher/rke2/agent/client-kubelet.key': 'RKE2-KEY',
  '/srv/token': 'tok-123\n',
};
const read = (path: string) => files[path];
const b64 = (s: string) => Buffer.from(s).toString('base64');

// RKE1's kubecfg-kube-node.yaml (the one text fixture of it, shared with the guard tests).
const RKE1 = kubeletKubeconfig({ server: 'https://127.0.0.1:6443', ca: '/etc/kubernetes/ssl/kube-ca.pem', cert: '/etc/kubernetes/ssl/kube-node.pem', key: '/etc/kubernetes/ssl/kube-node-key.pem' });

describe('parseKubeconfig', () => {
  it('RKE1: files named by absolute path', () => {
    expect(parseKubeconfig(RKE1, '/etc/kubernetes/ssl/kubecfg-kube-node.yaml', read)).toEqual({
      ok: true,
      value: {
        server: 'https://127.0.0.1:6443', host: '127.0.0.1', port: 6443, serverName: '127.0.0.1', ca: 'CA-PEM', cert: 'CERT-PEM', key: 'KEY-PEM', insecureSkipTlsVerify: false,
        origins: { ca: '/etc/kubernetes/ssl/kube-ca.pem', cert: '/etc/kubernetes/ssl/kube-node.pem', key: '/etc/kubernetes/ssl/kube-node-key.pem' },
      },
    });
  });

  it('kubeadm: inline *-data (base64), default port 443, DNS server name', () => {
    const text = `apiVersion: v1
clusters:
- cluster: {certificate-authority-data: ${b64('INLINE-CA')}, server: 'https://api.example.com'}
  name: kubernetes
contexts:
- context: {cluster: kubernetes, user: system:node:n1}
  name: system:node:n1@kubernetes
current-context: system:node:n1@kubernetes
users:
- name: system:node:n1
  user: {client-certificate-data: ${b64('INLINE-CERT')}, client-key-data: ${b64('INLINE-KEY')}}
`;
    const parsed = parseKubeconfig(text, '/etc/kubernetes/kubelet.conf', () => undefined);
    expect(parsed).toMatchObject({ ok: true, value: { server: 'https://api.example.com:443', host: 'api.example.com', port: 443, serverName: 'api.example.com', ca: 'INLINE-CA', cert: 'INLINE-CERT', key: 'INLINE-KEY' } });
  });

  it('RKE2: relative paths resolve against the kubeconfig directory', () => {
    const text = `clusters:
- cluster: {certificate-authority: server-ca.crt, server: "https://127.0.0.1:6443"}
  name: local
contexts:
- context: {cluster: local, user: kubelet}
  name: local
current-context: local
users:
- name: kubelet
  user: {client-certificate: ./client-kubelet.crt, client-key: ../agent/client-kubelet.key}
`;
    const path = '/var/lib/rancher/rke2/agent/kubelet.kubeconfig';
    expect(parseKubeconfig(text, path, read)).toMatchObject({ ok: true, value: { ca: 'RKE2-CA', cert: 'RKE2-CERT', key: 'RKE2-KEY' } });
    expect(referencedPaths(path, text).sort()).toEqual([
      '/var/lib/rancher/rke2/agent/client-kubelet.crt',
      '/var/lib/rancher/rke2/agent/client-kubelet.key',
      '/var/lib/rancher/rke2/agent/server-ca.crt',
    ]);
  });

  it('token, tokenFile, tls-server-name, insecure-skip-tls-verify, IPv6 server', () => {
    const text = (user: string) => `clusters:
- cluster: {server: "https://[fd00::1]:6443", tls-server-name: kubernetes, insecure-skip-tls-verify: true}
  name: c
users:
- name: u
  user: ${user}
`;
    expect(parseKubeconfig(text('{token: abc}'), '/k', read)).toMatchObject({
      ok: true,
      value: { server: 'https://[fd00::1]:6443', host: 'fd00::1', port: 6443, serverName: 'kubernetes', token: 'abc', insecureSkipTlsVerify: true },
    });
    expect(parseKubeconfig(text('{tokenFile: /srv/token}'), '/k', read)).toMatchObject({ ok: true, value: { token: 'tok-123' } });
  });

  it('an exec plugin is named as unsupported (asked without credentials)', () => {
    const text = `clusters: [{name: c, cluster: {server: "https://k:6443"}}]
users: [{name: u, user: {exec: {command: aws, args: [eks, get-token]}}}]
`;
    expect(parseKubeconfig(text, '/k', read)).toMatchObject({ ok: true, value: { unsupportedAuth: 'an exec credential plugin' } });
  });

  it.each([
    ['bad YAML', 'clusters: [\n  - {', /^not valid YAML \(/],
    ['a scalar', 'just text', /^not a kubeconfig/],
    ['the lab seed (no clusters)', 'apiVersion: v1\nkind: Config\ncurrent-context: local\n', /^current-context "local" is not among its contexts$/],
    ['no clusters at all', 'apiVersion: v1\nkind: Config\n', /^names no API server/],
    ['no server', 'clusters: [{name: c, cluster: {}}]\n', /^names no API server \(cluster.server\)$/],
    ['http server', 'clusters: [{name: c, cluster: {server: "http://k:8080"}}]\n', /is not https$/],
    ['not a URL', 'clusters: [{name: c, cluster: {server: "::::"}}]\n', /is not a URL$/],
    ['context names a missing cluster', 'clusters: [{name: c, cluster: {server: "https://k"}}]\ncontexts: [{name: x, context: {cluster: other}}]\ncurrent-context: x\n', /^no cluster "other"$/],
    ['several contexts, none current', 'contexts: [{name: a, context: {}}, {name: b, context: {}}]\n', /several contexts/],
    ['an unreadable referenced file', RKE1.replace('kube-node-key.pem', 'missing.pem'), /^client-key \/etc\/kubernetes\/ssl\/missing.pem could not be read$/],
  ])('%s is a problem, not an exception', (_name, text, problem) => {
    const parsed = parseKubeconfig(text, '/etc/kubernetes/ssl/kubecfg-kube-node.yaml', read);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(problem);
  });

  it('referencedPaths of bad YAML is empty', () => {
    expect(referencedPaths('/k', '{{{')).toEqual([]);
  });
});
