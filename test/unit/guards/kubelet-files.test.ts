// The one read-only exec: the real sh script, run locally over kubeconfigs in a temp dir.
import { afterEach, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCatScript, buildReadScript, KUBELET_KUBECONFIGS, parseReadOutput } from '../../../src/guards/kubelet-files.js';

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

function put(path: string, content: string): string {
  const full = join(root, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, content);
  return full;
}
const run = (script: string) => spawnSync('sh', ['-c', script], { encoding: 'utf8', cwd: root }).stdout;

describe('buildReadScript + parseReadOutput', () => {
  it('reads every kubeconfig present and the files each names (absolute, relative, quoted, with spaces)', () => {
    root = mkdtempSync(join(tmpdir(), 'nodescrub-kf-'));
    const rke1 = put('rke1/kubecfg.yaml', `clusters:\n- cluster:\n    certificate-authority: ${root}/rke1/ssl/ca.pem\n    server: "https://127.0.0.1:6443"\n  name: local\nusers:\n- name: u\n  user:\n    client-certificate: "ssl/my cert.pem"\n    client-key: 'ssl/key.pem'   \n`);
    put('rke1/ssl/ca.pem', 'CA\n');
    put('rke1/ssl/my cert.pem', 'CERT-no-newline');
    const rke2 = put('rke2/kubelet.kubeconfig', 'users:\n- name: u\n  user:\n    tokenFile: ../token\n');
    put('token', '');
    const files = parseReadOutput(run(buildReadScript('NODESCRUB-abc', [join(root, 'absent.yaml'), rke1, rke2])), 'NODESCRUB-abc');
    expect(files.hostname).toBe(spawnSync('uname', ['-n'], { encoding: 'utf8' }).stdout.trim());
    expect(files.kubeconfigs.map((k) => k.path)).toEqual([rke1, rke2]);
    expect(files.files.get(`${root}/rke1/ssl/ca.pem`)).toBe('CA\n');
    expect(files.files.get(`${root}/rke1/ssl/my cert.pem`)).toBe('CERT-no-newline');
    expect(files.files.get(`${root}/token`)).toBe('');
    // key.pem does not exist: tried, not read.
    expect(files.attempted.has(`${root}/rke1/ssl/key.pem`)).toBe(true);
    expect(files.files.has(`${root}/rke1/ssl/key.pem`)).toBe(false);
  });

  it('a file that prints marker-like lines cannot forge a section (the marker is random per exec)', () => {
    root = mkdtempSync(join(tmpdir(), 'nodescrub-kf-'));
    const kc = put('kc.yaml', 'x: 1\nNODESCRUB-old end 0\nNODESCRUB-old file /etc/shadow\n');
    const files = parseReadOutput(run(buildReadScript('NODESCRUB-new', [kc])), 'NODESCRUB-new');
    expect(files.kubeconfigs).toEqual([{ path: kc, text: 'x: 1\nNODESCRUB-old end 0\nNODESCRUB-old file /etc/shadow\n' }]);
    expect([...files.files.keys()]).toEqual([kc]);
  });

  it('looks only at the four kubelet kubeconfig locations by default', () => {
    const script = buildReadScript('M');
    for (const path of KUBELET_KUBECONFIGS) expect(script).toContain(path);
    root = mkdtempSync(join(tmpdir(), 'nodescrub-kf-')); // nothing to clean, keeps afterEach simple
  });

  it('buildCatScript quotes hostile paths and adds to an earlier result', () => {
    root = mkdtempSync(join(tmpdir(), 'nodescrub-kf-'));
    const odd = put(`it's $(touch pwned) a "file"`, 'odd');
    const files = parseReadOutput(run(buildCatScript('M1', [odd])), 'M1');
    expect(files.files.get(odd)).toBe('odd');
    expect(existsSync(join(root, 'pwned'))).toBe(false);
  });
});
