// ~/.ssh/config is read by default, as ssh and Ansible do; `--ssh-config none` turns it off; its
// Include files are followed on disk; what it says that cannot be honoured is warned once.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSshConfigFile, sshConfigPath } from '../../../src/cli/read-ssh-config.js';
import { resolveSshConfig } from '../../../src/inventory/ssh-config/parse.js';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'nodescrub-home-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

test('the default is ~/.ssh/config when it exists; none means none; a given file is used as given', () => {
  expect(sshConfigPath(undefined, home)).toBeUndefined();
  mkdirSync(join(home, '.ssh'));
  writeFileSync(join(home, '.ssh/config'), 'Host *\n  User x\n');
  expect(sshConfigPath(undefined, home)).toBe(join(home, '.ssh/config'));
  expect(sshConfigPath('none', home)).toBeUndefined();
  expect(sshConfigPath('/etc/other', home)).toBe('/etc/other');
});

test('Include: relative to ~/.ssh, ~ expanded, globs in lexical order, missing files skipped', () => {
  mkdirSync(join(home, '.ssh/conf.d'), { recursive: true });
  writeFileSync(join(home, '.ssh/config'), 'Include conf.d/*.conf ~/.ssh/extra missing.conf\nHost *\n  User fallback\n');
  writeFileSync(join(home, '.ssh/conf.d/20-web.conf'), 'Host web*\n  Port 2202\n');
  writeFileSync(join(home, '.ssh/conf.d/10-web.conf'), 'Host web*\n  Port 2201\n  User web\n');
  writeFileSync(join(home, '.ssh/conf.d/notes.txt'), 'Host web*\n  Port 9\n');
  writeFileSync(join(home, '.ssh/extra'), 'Host db1\n  HostName 10.0.0.9\n');
  const config = readSshConfigFile(join(home, '.ssh/config'), home);
  expect(resolveSshConfig(config, 'web1', { home })).toMatchObject({ port: 2201, user: 'web' }); // 10- before 20-
  expect(resolveSshConfig(config, 'db1', { home })).toMatchObject({ hostName: '10.0.0.9', user: 'fallback' });
  expect(config.notes).toEqual([]);
});

test('the CLI warns once per unsupported line, naming the file and line, and still lists the hosts', async () => {
  const { spawnSync } = await import('node:child_process');
  const { resolve } = await import('node:path');
  mkdirSync(join(home, '.ssh'));
  writeFileSync(join(home, '.ssh/config'), 'Host *\n  User ops\nMatch host web*\n  User x\n');
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', resolve('src/cli/main.ts'), 'hosts', '--hosts', 'a,b', ...args], { encoding: 'utf8', env: { ...process.env, HOME: home } });
  const withConfig = run();
  expect(withConfig.status).toBe(0);
  expect(withConfig.stderr.trim().split('\n')).toEqual([`nodescrub: warning: ${join(home, '.ssh/config')}: line 3: Match blocks are not supported; ignored up to the next Host`]);
  expect(withConfig.stdout).toMatch(/^a\s+a:22\s+ops\s/m); // User from ~/.ssh/config
  const without = run('--ssh-config', 'none');
  expect(without.stderr).toBe('');
  expect(without.stdout).toMatch(/^a\s+a:22\s+root\s/m);
}, 60_000);
