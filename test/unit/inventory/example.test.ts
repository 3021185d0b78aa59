// inventory.example.yaml must stay valid: loaded with the env vars it names set and a key at ~/.ssh/id_ed25519.
import { loadInventory } from '../../../src/inventory/load.js';
import { limitHosts } from '../../../src/cli/select-hosts.js';
import { InventoryError } from '../../../src/errors.js';
import { useTempHome, writeHomeKey } from './helpers.js';

const home = useTempHome();
const ENV = { NODESCRUB_KEY_PASSPHRASE: 'x', NODESCRUB_SSH_PASSWORD: 'x', NODESCRUB_BECOME_PASSWORD: 'x' };

test('inventory.example.yaml loads', () => {
  const key = writeHomeKey(home());
  const inventory = loadInventory('inventory.example.yaml', ENV, { homeDir: home(), localUser: 'me' });
  expect(inventory.hosts).toHaveLength(22); // 20 rack3 nodes, worker7, etcd1
  expect(Object.keys(inventory.groups)).toEqual(['rack3', 'etcd']);
  const [worker7] = limitHosts(inventory, 'worker7');
  expect(worker7).toMatchObject({ address: '127.0.0.1', port: 2207, user: 'ops', become: true, groups: ['rack3'], identityFile: key });
  expect(worker7.jumpHost).toBeUndefined();
  expect(limitHosts(inventory, 'etcd1*')[0]).toMatchObject({ user: 'root', become: false, jumpHost: { user: 'ops', address: 'bastion.example.com', port: 22 } });
});

test('without the env vars and key, it says exactly what is missing', () => {
  let problems: string[] = [];
  try {
    loadInventory('inventory.example.yaml', {}, { homeDir: '/nonexistent-home', localUser: 'me' });
  } catch (error) {
    if (error instanceof InventoryError) problems = error.problems;
  }
  expect(problems).toEqual([
    'inventory.example.yaml: defaults.passwordEnv: NODESCRUB_SSH_PASSWORD is not set',
    'inventory.example.yaml: defaults.identityPassphraseEnv: NODESCRUB_KEY_PASSPHRASE is not set',
    'inventory.example.yaml: defaults.becomePasswordEnv: NODESCRUB_BECOME_PASSWORD is not set',
    'inventory.example.yaml: defaults.identityFile: expected a readable key file, got "~/.ssh/id_ed25519" (no such file: /nonexistent-home/.ssh/id_ed25519)',
  ]);
});

test("its own header's check line works as written once the variables are set and the key exists", async () => {
  const { spawnSync } = await import('node:child_process');
  const { resolve } = await import('node:path');
  const header = (await import('node:fs')).readFileSync('inventory.example.yaml', 'utf8').split('\n').slice(0, 6).join('\n');
  expect(header).toContain('Check it with:   nodescrub hosts -i inventory.example.yaml');
  for (const name of Object.keys(ENV)) expect(header).toContain(name); // the line names every variable to set
  writeHomeKey(home());
  const run = spawnSync(process.execPath, ['--import', 'tsx', resolve('src/cli/main.ts'), 'hosts', '-i', 'inventory.example.yaml'], {
    encoding: 'utf8',
    env: { ...process.env, ...ENV, HOME: home() },
  });
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  expect(run.stdout).toContain('worker7');
}, 60_000);
