import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InventoryError } from '../../../src/errors.js';
import { loadInventory } from '../../../src/inventory/load.js';
import { DEFAULT_BOOT_ID_COMMAND, DEFAULT_REBOOT_COMMAND } from '../../../src/inventory/types.js';
import { loadSnippet, problemsOf, useTempHome, writeHomeKey } from './helpers.js';

const home = useTempHome();
const FIXTURES = 'test/fixtures/inventory';

function loadProblems(file: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    loadInventory(file, env, { homeDir: home() });
    return [];
  } catch (error) {
    if (error instanceof InventoryError) return error.problems;
    throw error;
  }
}

describe('loadInventory', () => {
  test('the valid fixture: order, membership, precedence, relative key path', () => {
    const inventory = loadInventory(`${FIXTURES}/valid.yaml`, {}, { homeDir: home() });
    expect(inventory.source).toBe(`${FIXTURES}/valid.yaml`);
    // File order: groups come first in this file, then hosts not yet mentioned.
    expect(inventory.hosts.map((host) => host.name)).toEqual(['node01.rack3', 'node02.rack3', 'node03.rack3', 'worker7', 'etcd1', 'direct']);
    expect(inventory.groups).toEqual({ rack3: ['node01.rack3', 'node02.rack3', 'node03.rack3', 'worker7'], late: ['node02.rack3'] });
    const byName = Object.fromEntries(inventory.hosts.map((host) => [host.name, host]));
    const key = resolve(FIXTURES, 'keys/id_test');
    expect(byName['node01.rack3']).toEqual({
      name: 'node01.rack3',
      address: 'node01.rack3',
      port: 2200,
      user: 'ops',
      identityFile: key,
      become: true,
      jumpHost: { user: expect.any(String), address: 'bastion.example.com', port: 22 },
      rebootCommand: DEFAULT_REBOOT_COMMAND,
      bootIdCommand: DEFAULT_BOOT_ID_COMMAND,
      groups: ['rack3'],
    });
    expect(byName['node02.rack3'].port).toBe(2300); // later group wins
    expect(byName['node02.rack3'].groups).toEqual(['rack3', 'late']);
    expect(byName.worker7).toMatchObject({ address: '127.0.0.1', port: 2207, user: 'ops', become: true, groups: ['rack3'] });
    expect(byName.worker7.jumpHost).toBeUndefined(); // null on the host switches off the default
    expect(byName.worker7.hostKeyFingerprint).toBe('SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s');
    expect(byName.etcd1).toMatchObject({ user: 'root', port: 22, become: false, groups: [], identityFile: key });
    expect(byName.direct.identityFile).toBeUndefined(); // identityFile: null = no key file
    expect(Object.keys(byName.direct)).not.toContain('identityFile');
  });

  test('every problem at once, in document order, then cross-entry ones', () => {
    const file = `${FIXTURES}/broken.yaml`;
    expect(loadProblems(file)).toEqual([
      `${file}: defaults.usr: unknown key (did you mean "user"?)`,
      `${file}: defaults.port: expected an integer 1-65535, got "22"`,
      `${file}: groups.rack3.vars.become: expected true or false, got "yes"`,
      `${file}: groups.rack3.hosts[0]: expected a host name or range like node[01-20], got "node[05-01]" (range 05-01 goes backwards)`,
      `${file}: hosts[1].port: expected an integer 1-65535, got 70000`,
      `${file}: hosts[2].name: expected a host name, got nothing`,
      `${file}: hosts[1].name: duplicate host name "etcd1" (first declared at hosts[0])`,
    ]);
  });

  test('the error message is the problem lines, without a stack-trace-worthy prefix', () => {
    expect(() => loadInventory(`${FIXTURES}/broken.yaml`, {})).toThrow(InventoryError);
    try {
      loadInventory(`${FIXTURES}/broken.yaml`, {});
    } catch (error) {
      expect((error as InventoryError).message).toBe((error as InventoryError).problems.join('\n'));
    }
  });

  test('YAML syntax errors: one line with the line number', () => {
    expect(loadProblems(`${FIXTURES}/syntax-error.yaml`)).toEqual([`${FIXTURES}/syntax-error.yaml: line 4: bad indentation of a mapping entry`]);
    const dir = home();
    writeFileSync(join(dir, 'dup.yaml'), 'hosts: [a]\nhosts: [b]\n');
    expect(loadProblems(join(dir, 'dup.yaml'))).toEqual([`${join(dir, 'dup.yaml')}: line 2: duplicated mapping key`]);
    writeFileSync(join(dir, 'multi.yaml'), '---\nhosts: [a]\n---\nhosts: [b]\n');
    expect(loadProblems(join(dir, 'multi.yaml'))).toEqual([`${join(dir, 'multi.yaml')}: expected a single document in the stream, but found more`]);
  });

  test('a missing or unreadable inventory file', () => {
    expect(loadProblems('no/such/inventory.yaml')).toEqual([
      `no/such/inventory.yaml: cannot read the inventory (no such file: ${resolve('no/such/inventory.yaml')})`,
    ]);
    expect(loadProblems(FIXTURES)).toEqual([`${FIXTURES}: cannot read the inventory (not a regular file: ${resolve(FIXTURES)})`]);
  });
});

describe('precedence: defaults < groups (file order, later wins) < host', () => {
  test('each level overrides the one before, per key', () => {
    const inventory = loadSnippet(`
defaults: { user: d, port: 1001, become: false, rebootCommand: reboot-d }
groups:
  first: { vars: { user: g1, port: 1002, bootIdCommand: boot-g1 }, hosts: [a, b] }
  second: { vars: { port: 1003 }, hosts: [b] }
hosts:
  - { name: b, user: h }
  - a
`);
    const [a, b] = inventory.hosts;
    expect(a).toMatchObject({ name: 'a', user: 'g1', port: 1002, rebootCommand: 'reboot-d', bootIdCommand: 'boot-g1', groups: ['first'] });
    expect(b).toMatchObject({ name: 'b', user: 'h', port: 1003, rebootCommand: 'reboot-d', groups: ['first', 'second'] });
  });

  test('group order is file order, not the order a host lists them', () => {
    const inventory = loadSnippet(`
hosts: [x]
groups:
  later: { vars: { port: 2 }, hosts: [x] }
  earlier: { vars: { port: 1 }, hosts: [x] }
`);
    expect(inventory.hosts[0]).toMatchObject({ port: 1, groups: ['later', 'earlier'] });
  });

  test('built-in defaults and address = name', () => {
    const [host] = loadSnippet('hosts: [plain]').hosts;
    expect(host).toEqual({
      name: 'plain',
      address: 'plain',
      port: 22,
      user: 'root',
      become: false,
      rebootCommand: DEFAULT_REBOOT_COMMAND,
      bootIdCommand: DEFAULT_BOOT_ID_COMMAND,
      groups: [],
    });
  });

  test('jump host: user defaults to the local user, port to 22; IPv6 in brackets', () => {
    expect(loadSnippet('defaults: { jumpHost: bastion }\nhosts: [a]').hosts[0].jumpHost).toEqual({ user: 'me', address: 'bastion', port: 22 });
    expect(loadSnippet('defaults: { jumpHost: "ops@[fe80::1]:2222" }\nhosts: [a]').hosts[0].jumpHost).toEqual({
      user: 'ops',
      address: 'fe80::1',
      port: 2222,
    });
  });
});

describe('environment variables named by *Env settings', () => {
  const NAMES = 'passwordEnv: NS_PW, identityPassphraseEnv: NS_PASS, becomePasswordEnv: NS_SUDO, identityFile: /etc/hostname';

  test('missing ones are reported where they were written, by name', () => {
    expect(problemsOf(`defaults: { ${NAMES}, become: true }\nhosts: [a, b]`)).toEqual([
      'inv.yaml: defaults.passwordEnv: NS_PW is not set',
      'inv.yaml: defaults.identityPassphraseEnv: NS_PASS is not set',
      'inv.yaml: defaults.becomePasswordEnv: NS_SUDO is not set',
    ]);
    expect(problemsOf('groups: { g: { vars: { become: true, becomePasswordEnv: NODESCRUB_BECOME_PASSWORD }, hosts: [a] } }')).toEqual([
      'inv.yaml: groups.g.vars.becomePasswordEnv: NODESCRUB_BECOME_PASSWORD is not set',
    ]);
  });

  test('set but empty is a problem; the value is never printed', () => {
    const lines = problemsOf(`defaults: { ${NAMES}, become: true }\nhosts: [a]`, { NS_PW: '', NS_PASS: 's3cr3t', NS_SUDO: 's3cr3t' });
    expect(lines).toEqual(['inv.yaml: defaults.passwordEnv: NS_PW is set but empty']);
    expect(lines.join('\n')).not.toContain('s3cr3t');
  });

  test('only variables a host will use are required', () => {
    // become is false: no sudo password needed; no key file: no passphrase needed.
    expect(problemsOf('defaults: { becomePasswordEnv: NS_SUDO, identityPassphraseEnv: NS_PASS, identityFile: null }\nhosts: [a]')).toEqual([]);
  });

  test('all set: loads, and the spec carries names only', () => {
    const env = { NS_PW: 's3cr3t-pw', NS_PASS: 's3cr3t-pass', NS_SUDO: 's3cr3t-sudo' };
    const inventory = loadSnippet(`defaults: { ${NAMES}, become: true }\nhosts: [a]`, env);
    expect(inventory.hosts[0]).toMatchObject({ passwordEnv: 'NS_PW', identityPassphraseEnv: 'NS_PASS', becomePasswordEnv: 'NS_SUDO' });
    expect(JSON.stringify(inventory)).not.toContain('s3cr3t');
  });
});

describe('identity files', () => {
  test('unset and no default key: no key, not an error', () => {
    expect(loadSnippet('hosts: [a]').hosts[0].identityFile).toBeUndefined();
  });

  test('unset with a default key present: that key', () => {
    const key = writeHomeKey(home(), 'id_rsa');
    try {
      expect(loadSnippet('hosts: [a]').hosts[0].identityFile).toBe(key);
      expect(loadSnippet('defaults: { identityFile: null }\nhosts: [a]').hosts[0].identityFile).toBeUndefined();
      const ed25519 = writeHomeKey(home(), 'id_ed25519'); // preferred over id_rsa, as OpenSSH does
      expect(loadSnippet('hosts: [a]').hosts[0].identityFile).toBe(ed25519);
      rmSync(ed25519);
    } finally {
      rmSync(key); // later tests expect no default key
    }
  });

  test('explicit and missing: reported with ~ as written and the resolved path', () => {
    expect(problemsOf('defaults: { identityFile: ~/.ssh/missing }\nhosts: [a, b]')).toEqual([
      `inv.yaml: defaults.identityFile: expected a readable key file, got "~/.ssh/missing" (no such file: ${home()}/.ssh/missing)`,
    ]);
    expect(problemsOf('hosts: [{ name: a, identityFile: keys/k }]', {}, '/base')).toEqual([
      'inv.yaml: hosts[0].identityFile: expected a readable key file, got "keys/k" (no such file: /base/keys/k)',
    ]);
  });

  test('a directory is not a key file', () => {
    mkdirSync(join(home(), 'dir'));
    expect(problemsOf(`hosts: [{ name: a, identityFile: ${join(home(), 'dir')} }]`)).toEqual([
      `inv.yaml: hosts[0].identityFile: expected a readable key file, got "${join(home(), 'dir')}" (not a regular file: ${join(home(), 'dir')})`,
    ]);
  });

  const asRoot = process.getuid?.() === 0;
  (asRoot ? test.skip : test)('an unreadable file (skipped as root: root reads everything)', () => {
    const key = join(home(), 'locked');
    writeFileSync(key, 'k');
    chmodSync(key, 0o000);
    expect(problemsOf(`hosts: [{ name: a, identityFile: ${key} }]`)).toEqual([
      `inv.yaml: hosts[0].identityFile: expected a readable key file, got "${key}" (permission denied: ${key})`,
    ]);
  });

  test('relative paths resolve against the inventory file, ~ against HOME', () => {
    writeHomeKey(home(), 'custom');
    expect(loadSnippet('hosts: [{ name: a, identityFile: ~/.ssh/custom }]').hosts[0].identityFile).toBe(join(home(), '.ssh/custom'));
    expect(loadSnippet('hosts: [{ name: a, identityFile: ../.ssh/custom }]', {}, join(home(), 'x')).hosts[0].identityFile).toBe(
      join(home(), '.ssh/custom'),
    );
  });
});

describe('names that are also Object.prototype keys', () => {
  test('groups and hosts called constructor / toString / __proto__ are plain data', () => {
    const inventory = loadSnippet('groups: { constructor: { hosts: [toString] } }\nhosts: [valueOf]');
    expect(inventory.groups.constructor).toEqual(['toString']);
    expect(inventory.hosts.map((host) => host.name)).toEqual(['toString', 'valueOf']);
    expect(problemsOf('groups: { __proto__: { hosts: [a] } }')).toEqual([
      'inv.yaml: groups.__proto__: expected a group name (letters, digits, .-_), got "__proto__"',
    ]);
  });
});
