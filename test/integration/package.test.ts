// `npm pack` gives an installable package whose `nodescrub` binary works after a global install.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './lab.js';

describe('npm pack', () => {
  it('installs globally and the nodescrub binary runs', () => {
    const out = mkdtempSync(join(tmpdir(), 'nodescrub-pack-'));
    const env = { ...process.env, NODE_OPTIONS: '' };
    const pack = spawnSync('npm', ['pack', '--pack-destination', out], { cwd: REPO_ROOT, encoding: 'utf8', env });
    expect({ status: pack.status, stderr: pack.status === 0 ? '' : pack.stderr }).toEqual({ status: 0, stderr: '' });
    const tarball = readdirSync(out).find((f) => f.endsWith('.tgz'))!;
    const prefix = join(out, 'global');
    const install = spawnSync('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--ignore-scripts', join(out, tarball)], { cwd: out, encoding: 'utf8', env });
    expect({ status: install.status, stderr: install.status === 0 ? '' : install.stderr }).toEqual({ status: 0, stderr: '' });
    const bin = join(prefix, 'bin', 'nodescrub');
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8', env });
    expect(version.stdout.trim()).toBe('0.1.0');
    const hosts = spawnSync(bin, ['hosts', '--hosts', 'ops@node[1-3].example.com:2222'], { encoding: 'utf8', env });
    expect(hosts.status).toBe(0);
    expect(hosts.stdout).toMatch(/node3\.example\.com:2222\s+ops/);
  });
});
