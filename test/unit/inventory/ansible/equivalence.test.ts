// The Done criterion of issue 8: an Ansible INI and an Ansible YAML inventory with groups, children,
// ranges and connection vars resolve to the same hosts and settings as the equivalent native inventory.
import { checkAnyInventory, loadAnyInventory } from '../../../../src/inventory/detect.js';
import type { Inventory } from '../../../../src/inventory/types.js';
import { useTempHome, writeHomeKey } from '../helpers.js';
import { byName, comparable, comparableGroups } from './helpers.js';

const home = useTempHome();
const FIXTURES = 'test/fixtures/inventory/ansible';
const env = { NODESCRUB_TEST_BECOME: 'sudo-password' };
let keyFile = '';

beforeAll(() => {
  keyFile = writeHomeKey(home(), 'id_test');
});

function load(name: string): Inventory {
  return loadAnyInventory(`${FIXTURES}/${name}`, env, { homeDir: home(), localUser: 'me' });
}

describe('Ansible inventories resolve like the equivalent native one', () => {
  test.each(['equivalent.ini', 'equivalent.yml'])('%s: same hosts, settings and groups as equivalent.native.yaml', (name) => {
    const ansible = load(name);
    const native = load('equivalent.native.yaml');
    expect(comparable(ansible)).toEqual(comparable(native));
    expect(comparableGroups(ansible)).toEqual(comparableGroups(native));
    expect(ansible.source).toBe(`${FIXTURES}/${name}`);
  });

  test('the formats are told apart by detection', () => {
    const format = (name: string): string => checkAnyInventory(`${FIXTURES}/${name}`, env, { homeDir: home(), localUser: 'me' }).format;
    expect([format('equivalent.ini'), format('equivalent.yml'), format('equivalent.native.yaml')]).toEqual(['ansible-ini', 'ansible-yaml', 'native']);
  });

  // Equal could also mean equally empty: pin the values the fixtures were written to produce.
  test.each(['equivalent.ini', 'equivalent.yml'])('%s: the values behind the equality', (name) => {
    const hosts = byName(load(name));
    const jump = { user: 'jump', address: 'bastion.example.com', port: 2222 };
    expect(Object.keys(hosts)).toHaveLength(9);
    expect(hosts['node01.rack3']).toMatchObject({ port: 2300, user: 'ops', become: true, identityFile: keyFile, jumpHost: jump });
    expect([...hosts['node01.rack3'].groups].sort()).toEqual(['gpu', 'k8s', 'rack3']); // ancestors included
    expect(hosts['node02.rack3']).toMatchObject({ port: 2200, becomePasswordEnv: 'NODESCRUB_TEST_BECOME' });
    expect(hosts.worker7).toMatchObject({ address: '127.0.0.1', port: 2207, hostKeyFingerprint: expect.stringMatching(/^SHA256:/) });
    expect(hosts.etcdb).toMatchObject({ user: 'etcdadmin', port: 22, jumpHost: jump });
    expect(hosts.etcdb.identityFile).toBeUndefined();
    expect(hosts['lone.example.com']).toMatchObject({ user: 'root', become: false, groups: [] });
    expect(hosts['lone.example.com'].jumpHost).toBeUndefined();
  });

  test('host order follows the file: first mention wins', () => {
    expect(load('equivalent.ini').hosts.map((host) => host.name)).toEqual([
      'lone.example.com',
      'node01.rack3',
      'node02.rack3',
      'node03.rack3',
      'node04.rack3',
      'worker7',
      'etcda',
      'etcdb',
      'etcdc',
    ]);
  });
});
