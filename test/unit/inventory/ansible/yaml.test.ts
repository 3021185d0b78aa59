// Ansible YAML inventories: the `all:` tree, top-level groups, shorthands Ansible accepts, typed values.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAnyInventory } from '../../../../src/inventory/detect.js';
import { useTempHome } from '../helpers.js';
import { byName, loadYaml, testOptions } from './helpers.js';

const home = useTempHome();
const yaml = (text: string, env: NodeJS.ProcessEnv = {}) => loadYaml(text, home(), env);

describe('Ansible YAML inventories', () => {
  test('all: hosts, children (nested), vars; hosts directly under all are ungrouped', () => {
    const inventory = yaml(`
all:
  hosts:
    lone:
  children:
    k8s:
      children:
        workers:
          hosts:
            w[1:2]:
        masters:
          hosts:
            m1:
      hosts:
        extra:
`);
    expect(inventory.hosts.map((host) => [host.name, host.groups])).toEqual([
      ['lone', []],
      ['w1', ['k8s', 'workers']],
      ['w2', ['k8s', 'workers']],
      ['m1', ['k8s', 'masters']],
      ['extra', ['k8s']],
    ]);
    expect(inventory.groups).toEqual({ k8s: ['w1', 'w2', 'm1', 'extra'], workers: ['w1', 'w2'], masters: ['m1'] });
  });

  test('top-level groups without all:, a group under two parents, a host in two groups', () => {
    const inventory = yaml(`
web:
  hosts: { web1: , both: }
db:
  hosts: { db1: , both: }
prod:
  children: { web: , db: }
`);
    expect(byName(inventory).both.groups).toEqual(['web', 'db', 'prod']);
    expect(inventory.groups.prod).toEqual(['web1', 'both', 'db1']);
  });

  test('Ansible shorthands: hosts: NAME and children: NAME; null sections; host:port keys', () => {
    const inventory = yaml(`
all:
  vars:
  children:
    web:
      hosts: web1:2222
    prod:
      children: web
`);
    expect(byName(inventory).web1).toMatchObject({ port: 2222, groups: ['web', 'prod'] });
  });

  test('precedence all < parent < child < host, with typed YAML values (a quoted port is accepted)', () => {
    const hosts = byName(
      yaml(`
all:
  vars: { ansible_port: 1000, ansible_user: allusr, ansible_become: "yes" }
  children:
    parent:
      vars: { ansible_port: 2000, ansible_user: parentusr }
      children:
        child:
          vars: { ansible_port: "3000" }
          hosts:
            h1:
            h2: { ansible_port: 4000, ansible_host: 10.0.0.2 }
`),
    );
    expect(hosts.h1).toMatchObject({ port: 3000, user: 'parentusr', become: true, address: 'h1' });
    expect(hosts.h2).toMatchObject({ port: 4000, address: '10.0.0.2' });
  });

  test('a .json file in the same layout is read as Ansible YAML (as Ansible does)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nodescrub-ansible-'));
    try {
      const file = join(dir, 'hosts.json');
      writeFileSync(file, JSON.stringify({ all: { children: { web: { hosts: { web1: { ansible_port: 2201 } } } } } }));
      expect(byName(loadAnyInventory(file, {}, testOptions(home()))).web1).toMatchObject({ port: 2201, groups: ['web'] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
