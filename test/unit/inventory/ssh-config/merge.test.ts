// --ssh-config is merged while the inventory is normalised: it fills only what nobody wrote, and a
// value written explicitly wins even when it equals the built-in default (port 22, user root).
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inventoryFromHostList } from '../../../../src/inventory/adhoc.js';
import { parseAnsibleIni } from '../../../../src/inventory/ansible/load.js';
import { parseInventoryDocument } from '../../../../src/inventory/load.js';
import { parseSshConfig } from '../../../../src/inventory/ssh-config/parse.js';

const CONFIG = ['Host web*', '  HostName 10.0.0.5', '  User ops', '  Port 2222', '  IdentityFile ~/.ssh/web_ed25519', '  ProxyJump jump@bastion:2200', 'Host *', '  User fallback'].join('\n');
const sshConfig = { file: 'cfg', config: parseSshConfig(CONFIG) };
const options = { baseDir: '/inv', homeDir: '/home/me', localUser: 'me', sshConfig };

const hostOf = (doc: unknown) => parseInventoryDocument(doc, 'inv.yaml', {}, options).hosts[0];

describe('--ssh-config merged in inventory normalisation', () => {
  it('fills what nobody wrote: address, user, port, key (instead of the default key) and jump host', () => {
    expect(hostOf({ hosts: ['web1'] })).toMatchObject({
      address: '10.0.0.5', user: 'ops', port: 2222, identityFile: '/home/me/.ssh/web_ed25519', jumpHost: { user: 'jump', address: 'bastion', port: 2200 },
    });
  });

  it('keeps port 22 and user root when the inventory writes them (they are not "unset")', () => {
    expect(hostOf({ hosts: [{ name: 'web1', port: 22, user: 'root' }] })).toMatchObject({ port: 22, user: 'root', address: '10.0.0.5' });
    expect(hostOf({ defaults: { port: 22, user: 'root' }, hosts: ['web1'] })).toMatchObject({ port: 22, user: 'root' });
    expect(hostOf({ groups: { web: { vars: { port: 22, user: 'root' }, hosts: ['web1'] } } })).toMatchObject({ port: 22, user: 'root' });
  });

  it('never overrides other written values either', () => {
    const key = join(mkdtempSync(join(tmpdir(), 'nodescrub-key-')), 'id');
    writeFileSync(key, 'not really a key', { mode: 0o600 });
    const host = hostOf({ hosts: [{ name: 'web1', address: '192.0.2.1', user: 'admin', port: 2201, identityFile: key, jumpHost: 'ops@b2' }] });
    expect(host).toMatchObject({ address: '192.0.2.1', user: 'admin', port: 2201, identityFile: key, jumpHost: { user: 'ops', address: 'b2', port: 22 } });
  });

  it('applies to ad-hoc --hosts items (user@host:port written there wins) and to Ansible inventories', () => {
    const adhoc = inventoryFromHostList('web1,root@web2:22', {}, {}, options).hosts;
    expect(adhoc[0]).toMatchObject({ user: 'ops', port: 2222 });
    expect(adhoc[1]).toMatchObject({ user: 'root', port: 22, address: '10.0.0.5' });
    const ansible = parseAnsibleIni('[web]\nweb1 ansible_port=22\nweb2\n', 'hosts.ini', {}, options).hosts;
    expect(ansible[0]).toMatchObject({ port: 22, user: 'ops' });
    expect(ansible[1]).toMatchObject({ port: 2222, user: 'ops' });
  });

  it('refuses a multi-hop ProxyJump with the config file and host named', () => {
    const multi = { file: 'cfg', config: parseSshConfig('Host web1\n  ProxyJump a,b\n') };
    expect(() => parseInventoryDocument({ hosts: ['web1'] }, 'inv.yaml', {}, { ...options, sshConfig: multi })).toThrow(/^cfg: host web1: ProxyJump "a,b" is not supported/);
  });
});

describe('nodescrub hosts --ssh-config (the CLI)', () => {
  it('shows the explicit port 22 / user root kept and the unwritten ones filled', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nodescrub-sshcfg-'));
    writeFileSync(join(dir, 'config'), CONFIG);
    writeFileSync(join(dir, 'inv.yaml'), 'hosts:\n  - name: web1\n    port: 22\n    user: root\n  - name: web2\n');
    const run = spawnSync(process.execPath, ['--import', 'tsx', resolve('src/cli/main.ts'), 'hosts', '-i', join(dir, 'inv.yaml'), '--ssh-config', join(dir, 'config'), '--json'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const hosts = JSON.parse(run.stdout) as { name: string; port: number; user: string; address: string }[];
    expect(hosts.map(({ name, address, port, user }) => ({ name, address, port, user }))).toEqual([
      { name: 'web1', address: '10.0.0.5', port: 22, user: 'root' },
      { name: 'web2', address: '10.0.0.5', port: 2222, user: 'ops' },
    ]);
  });
});
