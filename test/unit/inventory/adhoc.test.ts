import { InventoryError } from '../../../src/errors.js';
import { inventoryFromHostList, type HostListDefaults } from '../../../src/inventory/adhoc.js';
import { useTempHome } from './helpers.js';

const home = useTempHome();

function fromList(list: string, defaults: HostListDefaults = {}, env: NodeJS.ProcessEnv = {}) {
  return inventoryFromHostList(list, defaults, env, { homeDir: home(), localUser: 'me' });
}

function problems(list: string, defaults: HostListDefaults = {}, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    fromList(list, defaults, env);
  } catch (error) {
    if (error instanceof InventoryError) return error.problems;
    throw error;
  }
  throw new Error(`no error for ${list}`);
}

describe('inventoryFromHostList', () => {
  test('names, user@, :port, ranges; source <--hosts>, no groups', () => {
    const inventory = fromList('a, b ,ops@c:2222,node[1,3]:2200');
    expect(inventory.source).toBe('<--hosts>');
    expect(inventory.groups).toEqual({});
    expect(inventory.hosts.map(({ name, address, user, port }) => ({ name, address, user, port }))).toEqual([
      { name: 'a', address: 'a', user: 'root', port: 22 },
      { name: 'b', address: 'b', user: 'root', port: 22 },
      { name: 'c', address: 'c', user: 'ops', port: 2222 },
      { name: 'node1', address: 'node1', user: 'root', port: 2200 },
      { name: 'node3', address: 'node3', user: 'root', port: 2200 },
    ]);
    expect(fromList('10.0.0.5:2201').hosts[0]).toMatchObject({ name: '10.0.0.5', address: '10.0.0.5', port: 2201 });
  });

  test('defaults apply, and an item beats them', () => {
    const inventory = fromList('a,root@b:23', { user: 'ops', port: 2222, become: true, jumpHost: 'bastion:2022' });
    expect(inventory.hosts[0]).toMatchObject({ user: 'ops', port: 2222, become: true, jumpHost: { user: 'me', address: 'bastion', port: 2022 } });
    expect(inventory.hosts[1]).toMatchObject({ user: 'root', port: 23, become: true });
  });

  test.each([
    ['a,user@', '<--hosts>: item 2: expected [user@]host[:port], got "user@" (no host)'],
    ['a b', '<--hosts>: item 1: expected a host name (letters, digits, .-_), got "a b"'],
    ['x y@c', '<--hosts>: item 1: expected [user@]host[:port], got "x y@c" (bad user name "x y")'],
    ['c:99999', '<--hosts>: item 1: expected [user@]host[:port], got "c:99999" (bad port "99999", expected 1-65535)'],
    ['c:ssh', '<--hosts>: item 1: expected [user@]host[:port], got "c:ssh" (bad port "ssh", expected 1-65535)'],
    ['node[3-1]', '<--hosts>: item 1: expected a host name or range like node[01-20], got "node[3-1]" (range 3-1 goes backwards)'],
    ['a,b,a', '<--hosts>: item 3: duplicate host name "a" (first declared at item 1)'],
    ['', '<--hosts>: expected a comma-separated list of hosts, got ""'],
    [' , ', '<--hosts>: expected a comma-separated list of hosts, got " , "'],
  ])('%j', (list, line) => {
    expect(problems(list)).toEqual([line]);
  });

  test('several bad items at once, numbered as written', () => {
    expect(problems('ok,user@,b:0,fine,a b')).toEqual([
      '<--hosts>: item 2: expected [user@]host[:port], got "user@" (no host)',
      '<--hosts>: item 3: expected [user@]host[:port], got "b:0" (bad port "0", expected 1-65535)',
      '<--hosts>: item 5: expected a host name (letters, digits, .-_), got "a b"',
    ]);
  });

  test('env vars named by defaults are checked, never printed', () => {
    expect(problems('a', { become: true, becomePasswordEnv: 'NS_SUDO' })).toEqual(['<--hosts>: defaults.becomePasswordEnv: NS_SUDO is not set']);
    expect(fromList('a', { become: true, becomePasswordEnv: 'NS_SUDO' }, { NS_SUDO: 's3cr3t' }).hosts[0].becomePasswordEnv).toBe('NS_SUDO');
  });
});
