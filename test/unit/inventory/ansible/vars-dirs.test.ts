// group_vars/ and host_vars/ next to an Ansible inventory: read like Ansible's host_group_vars plugin,
// with its precedence (the inventory file's group vars < group_vars/ < the file's host vars < host_vars/).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseAnsibleIni } from '../../../../src/inventory/ansible/load.js';
import { loadAnyInventory } from '../../../../src/inventory/detect.js';
import { useTempHome } from '../helpers.js';
import { byName, problemsOf, testOptions } from './helpers.js';

const home = useTempHome();
let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nodescrub-vars-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return join(dir, 'hosts.ini');
}

const INVENTORY = '[web]\nweb1\nweb2 ansible_port=2202\n[web:vars]\nansible_user=fromfile\n[all:vars]\nansible_port=1000\n';

describe('group_vars/ and host_vars/', () => {
  test('files, directories of files, extensions; Ansible’s precedence between them and the inventory', () => {
    const file = write({
      'hosts.ini': INVENTORY,
      'group_vars/all.yml': 'ansible_user: fromgroupvarsall\n', // group_vars/all beats the file's [web:vars]
      'group_vars/web/01-connection.yml': 'ansible_become: true\ndb_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  3361\n',
      'group_vars/web/vault.yml': '$ANSIBLE_VAULT;1.1;AES256\n33613863\n', // encrypted: skipped
      'group_vars/web/.notes.yml': 'ansible_connection: local\n', // hidden: skipped
      'group_vars/web/README.md': 'ansible_connection: local\n', // other extension: skipped
      'host_vars/web1.yaml': 'ansible_host: 10.0.0.1\n',
      'host_vars/web2': 'ansible_port: 2222\n', // beats the inline ansible_port=2202
      'host_vars/other.yml': 'ansible_connection: local\n', // not a host of this inventory
    });
    const hosts = byName(loadAnyInventory(file, {}, testOptions(home())));
    expect(hosts.web1).toMatchObject({ address: '10.0.0.1', user: 'fromgroupvarsall', become: true, port: 1000 });
    expect(hosts.web2).toMatchObject({ address: 'web2', user: 'fromgroupvarsall', become: true, port: 2222 });
  });

  test('group_vars/GROUP beats group_vars/all and the inventory file’s own group vars', () => {
    const file = write({ 'hosts.ini': INVENTORY, 'group_vars/all.json': '{"ansible_user": "a"}', 'group_vars/web.yml': 'ansible_user: w\n' });
    expect(byName(loadAnyInventory(file, {}, testOptions(home()))).web1.user).toBe('w');
  });

  test('problems name the vars file and its line', () => {
    const file = write({
      'hosts.ini': INVENTORY,
      'group_vars/web.yml': '# connection\nansible_connection: local\nansible_user: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n',
      'group_vars/all.yml': '- not a mapping\n',
      'host_vars/web1.yml': 'ansible_port: [\n',
      'host_vars/web2.yml': '',
    });
    expect(problemsOf(() => loadAnyInventory(file, {}, testOptions(home())))).toEqual([
      `${file}: group_vars/all.yml: expected a mapping of variables, got a list`,
      `${file}: group_vars/web.yml: line 2: ansible_connection: expected ssh or smart or paramiko or paramiko_ssh, got "local" (nodescrub connects over SSH only)`,
      `${file}: group_vars/web.yml: line 3: ansible_user: is vaulted (!vault): nodescrub reads no vault; write the value itself`,
      `${file}: host_vars/web1.yml: line 2: unexpected end of the stream within a flow collection`,
    ]);
  });

  test('text parsed without a file reads no vars directory', () => {
    write({ 'group_vars/all.yml': 'ansible_user: ignored\n' });
    expect(parseAnsibleIni('h', 'hosts.ini', {}, testOptions(home())).hosts[0].user).toBe('me');
    expect(parseAnsibleIni('h', 'hosts.ini', {}, { ...testOptions(home()), varsDir: dir }).hosts[0].user).toBe('ignored');
  });
});
