// `-i FILE` picks its reader from the extension and the content (src/inventory/detect.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkAnyInventory, isAnsibleYamlShape, loadAnyInventory } from '../../../../src/inventory/detect.js';
import { useTempHome } from '../helpers.js';
import { problemsOf, testOptions } from './helpers.js';

const home = useTempHome();
let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nodescrub-detect-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function formatOf(name: string, text: string): string {
  return checkAnyInventory(write(name, text), {}, testOptions(home())).format;
}

describe('loadAnyInventory: which reader', () => {
  test.each([
    ['hosts.ini', '[web]\nweb1\n', 'ansible-ini'],
    ['HOSTS.INI', 'web1\n', 'ansible-ini'],
    ['hosts', '[web]\nweb1\n[web:vars]\nansible_user=ops\n', 'ansible-ini'],
    ['hosts', 'web1\nweb2 ansible_port=2222\n', 'ansible-ini'],
    ['hosts', 'web1 motd="a: b: c" x=1\n', 'ansible-ini'],
    ['production', 'all:\n  hosts:\n    web1:\n', 'ansible-yaml'],
    ['inventory', 'hosts:\n  - web1\n', 'native'],
    ['hosts.yaml', 'all:\n  hosts: { web1: }\n', 'ansible-yaml'],
    ['hosts.yml', 'web:\n  hosts:\n    web1:\ndb:\n  children:\n    web:\n', 'ansible-yaml'],
    ['hosts.json', '{"all": {"hosts": {"web1": null}}}', 'ansible-yaml'],
    ['aws_ec2.yml', 'plugin: amazon.aws.aws_ec2\n', 'ansible-yaml'],
    ['inventory.yaml', 'defaults: { user: ops }\nhosts: [web1]\n', 'native'],
    ['inventory.yaml', 'groups:\n  web: { hosts: [web1] }\n', 'native'],
    ['inventory.yaml', 'hosts: [web1]\nweb:\n  hosts:\n    x:\n', 'native'],
  ])('%s %j → %s', (name, text, format) => {
    expect(formatOf(name, text)).toBe(format);
  });

  test('a YAML syntax error in a .yaml file is worded like any native inventory problem', () => {
    const file = write('broken.yaml', 'hosts: [a\n');
    expect(problemsOf(() => loadAnyInventory(file, {}, testOptions(home())))).toEqual([`${file}: line 2: unexpected end of the stream within a flow collection`]);
  });

  test('an unreadable file', () => {
    const file = join(dir, 'missing.ini');
    expect(problemsOf(() => loadAnyInventory(file, {}, testOptions(home())))).toEqual([`${file}: cannot read the inventory (no such file: ${file})`]);
  });

  test('native problems keep their dotted paths; Ansible ones name lines', () => {
    expect(problemsOf(() => loadAnyInventory(write('n.yaml', 'hosts:\n  - { name: a, port: "22" }\n'), {}, testOptions(home())))).toEqual([
      `${join(dir, 'n.yaml')}: hosts[0].port: expected an integer 1-65535, got "22"`,
    ]);
    expect(problemsOf(() => loadAnyInventory(write('a.ini', 'a ansible_port=x\n'), {}, testOptions(home())))).toEqual([
      `${join(dir, 'a.ini')}: line 1: ansible_port: expected an integer 1-65535, got "x"`,
    ]);
  });

  test('problems come back as data from checkAnyInventory, with whatever could be read', () => {
    const checked = checkAnyInventory(write('partial.ini', 'good\nbad ansible_connection=local\n'), {}, testOptions(home()));
    expect(checked.problems).toHaveLength(1);
    expect(checked.inventory.hosts.map((host) => host.name)).toEqual(['good', 'bad']);
  });
});

describe('isAnsibleYamlShape', () => {
  test.each([
    [{ all: null }, true],
    [{ plugin: 'constructed' }, true],
    [{ web: { hosts: { a: null } } }, true],
    [{ web: { children: { db: null } }, db: null }, true],
    [{ web: { vars: { x: 1 } } }, false], // vars only: nothing says these are groups of hosts
    [{ hosts: ['a'] }, false],
    [{ hosts: ['a'], all: null }, false],
    [{ defaults: { user: 'x' }, hosts: ['a'] }, false],
    [{ web: { hosts: { a: null }, port: 22 } }, false],
    [{}, false],
    [['all'], false],
    [null, false],
  ])('%j → %s', (doc, expected) => {
    expect(isAnsibleYamlShape(doc)).toBe(expected);
  });
});
