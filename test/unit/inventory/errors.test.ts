// Every inventory problem message, exact text. One snippet per message; `inv.yaml` is the source.
import { problemsOf, useTempHome } from './helpers.js';

useTempHome();

const SETTING_LIST = 'user, port, identityFile, identityPassphraseEnv, passwordEnv, become, becomePasswordEnv, jumpHost, rebootCommand, bootIdCommand';
const SECRET_NAME_MESSAGE =
  'expected the name of an environment variable (like NODESCRUB_SSH_PASSWORD), got a string that is not one (value not shown: it may be a secret)';

describe('document shape', () => {
  test.each([
    ['', 'inv.yaml: expected a mapping with hosts: (and optionally defaults:, groups:), got an empty document'],
    ['- a\n- b', 'inv.yaml: expected a mapping with hosts: (and optionally defaults:, groups:), got a list'],
    ['just text', 'inv.yaml: expected a mapping with hosts: (and optionally defaults:, groups:), got "just text"'],
    ['hosts: []', "inv.yaml: expected at least one host (under hosts: or a group's hosts:), got none"],
    ['hosts:\ngroups:', "inv.yaml: expected at least one host (under hosts: or a group's hosts:), got none"],
    ['groups: { g: { hosts: [] } }', "inv.yaml: expected at least one host (under hosts: or a group's hosts:), got none"],
  ])('%j', (yaml, line) => {
    expect(problemsOf(yaml)).toEqual([line]);
  });

  test('unknown top-level key, with and without a suggestion', () => {
    expect(problemsOf('host: [a]\nhosts: [b]')).toEqual(['inv.yaml: host: unknown key (did you mean "hosts"?)']);
    expect(problemsOf('vars: {}\nhosts: [b]')).toEqual(['inv.yaml: vars: unknown key (expected one of: defaults, groups, hosts)']);
  });
});

describe('settings (defaults, group vars, host entries)', () => {
  test.each([
    ['usr: ops', 'usr: unknown key (did you mean "user"?)'],
    ['Port: 22', 'Port: unknown key (did you mean "port"?)'],
    ['identityfile: k', 'identityfile: unknown key (did you mean "identityFile"?)'],
    ['colour: blue', `colour: unknown key (expected one of: ${SETTING_LIST})`],
    ['name: x', 'name: allowed only on a host entry under hosts:'],
    ['address: 10.0.0.1', 'address: allowed only on a host entry under hosts:'],
    ['hostKeyFingerprint: x', 'hostKeyFingerprint: allowed only on a host entry under hosts:'],
    ['port: abc', 'port: expected an integer 1-65535, got "abc"'],
    ['port: "22"', 'port: expected an integer 1-65535, got "22"'],
    ['port: 0', 'port: expected an integer 1-65535, got 0'],
    ['port: 65536', 'port: expected an integer 1-65535, got 65536'],
    ['port: 22.5', 'port: expected an integer 1-65535, got 22.5'],
    ['user: a b', 'user: expected a user name (letters, digits, ._-), got "a b"'],
    ['user: null', 'user: expected a user name (letters, digits, ._-), got null'],
    ['user: [a]', 'user: expected a user name (letters, digits, ._-), got a list'],
    ['become: "yes"', 'become: expected true or false, got "yes"'],
    ['become: 1', 'become: expected true or false, got 1'],
    ['identityFile: 5', 'identityFile: expected a key file path, got 5'],
    ['identityFile: ""', 'identityFile: expected a key file path, got ""'],
    ['identityFile: ~bob/.ssh/id', 'identityFile: expected a key file path, got "~bob/.ssh/id" (~user is not supported, use ~/ or a full path)'],
    ['passwordEnv: "hunter 2!"', `passwordEnv: ${SECRET_NAME_MESSAGE}`],
    ['identityPassphraseEnv: "1abc"', `identityPassphraseEnv: ${SECRET_NAME_MESSAGE}`],
    [
      'becomePasswordEnv: 123456',
      'becomePasswordEnv: expected the name of an environment variable (like NODESCRUB_SSH_PASSWORD), got a number (value not shown: it may be a secret)',
    ],
    ['jumpHost: ops@@bastion', 'jumpHost: expected [user@]host[:port], got "ops@@bastion" (bad host "@bastion")'],
    ['jumpHost: "a b@bastion"', 'jumpHost: expected [user@]host[:port], got "a b@bastion" (bad user name "a b")'],
    ['jumpHost: bastion:99999', 'jumpHost: expected [user@]host[:port], got "bastion:99999" (bad port "99999", expected 1-65535)'],
    ['jumpHost: "bastion:"', 'jumpHost: expected [user@]host[:port], got "bastion:" (bad port "", expected 1-65535)'],
    ['jumpHost: "[::1"', 'jumpHost: expected [user@]host[:port], got "[::1" ("[" is never closed)'],
    ['jumpHost: 22', 'jumpHost: expected [user@]host[:port], got 22'],
    ['rebootCommand: ""', 'rebootCommand: expected a non-empty command, got ""'],
    ['bootIdCommand: { a: 1 }', 'bootIdCommand: expected a non-empty command, got a mapping'],
  ])('%s', (setting, message) => {
    expect(problemsOf(`defaults: { ${setting} }\nhosts: [a]`)).toEqual([`inv.yaml: defaults.${message}`]);
    expect(problemsOf(`groups:\n  g:\n    vars: { ${setting} }\n    hosts: [a]`)).toEqual([`inv.yaml: groups.g.vars.${message}`]);
    if (!/^(name|address|hostKeyFingerprint|colour):/.test(setting)) {
      expect(problemsOf(`hosts:\n  - { name: a, ${setting} }`)).toEqual([`inv.yaml: hosts[0].${message}`]);
    }
  });

  test('unknown keys on a host entry list the host-only keys too', () => {
    expect(problemsOf('hosts: [{ name: a, colour: blue }]')).toEqual([
      `inv.yaml: hosts[0].colour: unknown key (expected one of: name, address, hostKeyFingerprint, ${SETTING_LIST})`,
    ]);
  });

  test('a section that is not a mapping', () => {
    expect(problemsOf('defaults: 3\nhosts: [a]')).toEqual(['inv.yaml: defaults: expected a mapping of settings, got 3']);
    expect(problemsOf('groups: { g: { vars: [1], hosts: [a] } }')).toEqual([
      'inv.yaml: groups.g.vars: expected a mapping of settings, got a list',
    ]);
  });
});

describe('groups', () => {
  test.each([
    ['groups: [a]\nhosts: [a]', 'groups: expected a mapping of group names, got a list'],
    ['groups: { all: { hosts: [a] } }', 'groups.all: expected a group name, got "all" ("all" is reserved: it selects every host)'],
    ['groups: { "a b": { hosts: [a] } }', 'groups.a b: expected a group name (letters, digits, .-_), got "a b"'],
    ['groups: { g: 3 }\nhosts: [a]', 'groups.g: expected a mapping with vars: and hosts:, got 3'],
    ['groups: { g: { host: [a] } }\nhosts: [a]', 'groups.g.host: unknown key (did you mean "hosts"?)'],
    ['groups: { g: { hosts: a } }\nhosts: [a]', 'groups.g.hosts: expected a list of host names or ranges, got "a"'],
    ['groups: { g: { hosts: ["node[05-01]"] } }', 'groups.g.hosts[0]: expected a host name or range like node[01-20], got "node[05-01]" (range 05-01 goes backwards)'],
    ['groups: { g: { hosts: ["node[a-3]"] } }', 'groups.g.hosts[0]: expected a host name or range like node[01-20], got "node[a-3]" (range a-3 mixes letters and digits)'],
    ['groups: { g: { hosts: ["node[01-"] } }', 'groups.g.hosts[0]: expected a host name or range like node[01-20], got "node[01-" ("[" at position 5 is never closed)'],
    ['groups: { g: { hosts: [5] } }', 'groups.g.hosts[0]: expected a host name, got 5'],
    ['groups: { g: { hosts: ["bad name"] } }', 'groups.g.hosts[0]: expected a host name (letters, digits, .-_), got "bad name"'],
    ['groups: { g: { hosts: ["a b[1-2]"] } }', 'groups.g.hosts[0]: expected host names (letters, digits, .-_), got "a b[1-2]"'],
    ['groups: { g: { hosts: ["n[1-3]", n2] } }', 'groups.g.hosts[1]: duplicate host name "n2" in group g (first listed at groups.g.hosts[0])'],
    ['groups: { worker7: { hosts: [a] } }\nhosts: [worker7]', 'groups.worker7: expected a group name that is not also a host name, got "worker7" (host declared at hosts[0])'],
  ])('%j', (yaml, message) => {
    expect(problemsOf(yaml)).toEqual([`inv.yaml: ${message}`]);
  });

  test('the same name in two groups is membership, not a duplicate', () => {
    expect(problemsOf('groups: { g1: { hosts: [a] }, g2: { hosts: [a] } }')).toEqual([]);
  });
});

describe('hosts', () => {
  test.each([
    ['hosts: a', 'hosts: expected a list of hosts, got "a"'],
    ['hosts: [5]', 'hosts[0]: expected a host name or a mapping with name:, got 5'],
    ['hosts: [[a]]', 'hosts[0]: expected a host name or a mapping with name:, got a list'],
    ['hosts: [{ address: 10.0.0.1 }]', 'hosts[0].name: expected a host name, got nothing'],
    ['hosts: [{ name: "-oProxyCommand=x" }]', 'hosts[0].name: expected a host name (letters, digits, .-_), got "-oProxyCommand=x"'],
    ['hosts: [{ name: a, address: "-oProxyCommand=x" }]', 'hosts[0].address: expected a DNS name or IP address, got "-oProxyCommand=x"'],
    ['hosts: [{ name: a, address: 5 }]', 'hosts[0].address: expected a DNS name or IP address, got 5'],
    ['hosts: [{ name: a, adress: b }]', 'hosts[0].adress: unknown key (did you mean "address"?)'],
    ['hosts: [{ name: "n[1-2]", address: 10.0.0.1 }]', 'hosts[0].name: expected a single host name when address: is set, got "n[1-2]"'],
    [
      'hosts: [{ name: a, hostKeyFingerprint: "MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48" }]',
      'hosts[0].hostKeyFingerprint: expected SHA256:<43 base64 characters> as printed by ssh-keygen -lf, got "MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48"',
    ],
    [
      'hosts: [{ name: a, hostKeyFingerprint: "SHA256:tooShort" }]',
      'hosts[0].hostKeyFingerprint: expected SHA256:<43 base64 characters> as printed by ssh-keygen -lf, got "SHA256:tooShort"',
    ],
    ['hosts: [a, b, a]', 'hosts[2]: duplicate host name "a" (first declared at hosts[0])'],
    ['hosts: ["n[1-3]", { name: n2 }]', 'hosts[1].name: duplicate host name "n2" (first declared at hosts[0])'],
  ])('%j', (yaml, message) => {
    expect(problemsOf(yaml)).toEqual([`inv.yaml: ${message}`]);
  });

  test('IPv4 and IPv6 addresses are accepted', () => {
    expect(problemsOf('hosts: [{ name: a, address: "10.0.0.1" }, { name: b, address: "fe80::1" }]')).toEqual([]);
  });
});
