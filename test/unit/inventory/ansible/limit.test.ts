// --limit over an Ansible inventory: groups include their children's hosts, and Ansible's
// `a:b` (union), `a:&b` (intersection), `a:!b` (exclusion) work as they do in Ansible.
import { UsageError } from '../../../../src/errors.js';
import { limitHosts } from '../../../../src/cli/select-hosts.js';
import type { Inventory } from '../../../../src/inventory/types.js';
import { useTempHome } from '../helpers.js';
import { loadIni, loadYaml } from './helpers.js';

const home = useTempHome();

const INI = `
bastion
[rack3]
node[01:04]
[gpu]
node[01:04:2]
[rack3:children]
gpu
[etcd]
etcd[a:b]
[k8s:children]
rack3
etcd
`;

const YAML = `
all:
  hosts:
    bastion:
  children:
    k8s:
      children:
        rack3:
          hosts: { "node[01:04]": }
          children:
            gpu:
              hosts: { "node[01:04:2]": }
        etcd:
          hosts: { "etcd[a:b]": }
`;

describe.each([
  ['INI', () => loadIni(INI, home())],
  ['YAML', () => loadYaml(YAML, home())],
])('--limit over an Ansible %s inventory', (_format, load) => {
  let inventory: Inventory;
  beforeAll(() => {
    inventory = load();
  });
  const select = (pattern: string) => limitHosts(inventory, pattern).map((host) => host.name);

  test('a parent group selects its children’s hosts', () => {
    expect(select('k8s')).toEqual(['node01', 'node02', 'node03', 'node04', 'etcda', 'etcdb']);
  });

  test('a:b is the union, in inventory order', () => {
    expect(select('etcd:gpu')).toEqual(['node01', 'node03', 'etcda', 'etcdb']);
    expect(select('bastion:etcda')).toEqual(['bastion', 'etcda']);
  });

  test('a:&b is the intersection', () => {
    expect(select('k8s:&gpu')).toEqual(['node01', 'node03']);
    expect(select('rack3:&node0[2:3]')).toEqual(['node02', 'node03']);
  });

  test('a:!b is the exclusion; !b alone starts from all hosts', () => {
    expect(select('rack3:!gpu')).toEqual(['node02', 'node04']);
    expect(select('k8s:!rack3:!etcdb')).toEqual(['etcda']);
    expect(select('!k8s')).toEqual(['bastion']);
  });

  test('all three at once, in Ansible’s order of evaluation', () => {
    expect(select('etcd:rack3:&k8s:!node04')).toEqual(['node01', 'node02', 'node03', 'etcda', 'etcdb']);
  });

  test('a term matching nothing is a usage error, not a silent no-op', () => {
    expect(() => select('k8s:!gpus')).toThrow(UsageError);
    expect(() => select('k8s:!gpus')).toThrow('--limit: "!gpus" matches no host or group');
  });
});
