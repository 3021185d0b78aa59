// Every problem an Ansible inventory can have, with its exact message: `FILE: line N: message`.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAnyInventory } from '../../../../src/inventory/detect.js';
import { useTempHome } from '../helpers.js';
import { loadIni, loadYaml, problemsOf, testOptions } from './helpers.js';

const home = useTempHome();
const iniProblems = (text: string, env: NodeJS.ProcessEnv = {}) => problemsOf(() => loadIni(text, home(), env));
const yamlProblems = (text: string) => problemsOf(() => loadYaml(text, home()));
const TEMPLATE_HINT = 'is a Jinja template; nodescrub does not evaluate templates: write the value itself';

describe('INI structure', () => {
  test.each([
    ['[web servers]\na', 'line 1: expected a section header like [group], [group:vars] or [group:children] (no spaces), got "[web servers]"'],
    ['[web =x]\na', 'line 1: expected a section header like [group], [group:vars] or [group:children] (no spaces), got a line with "=" (not shown: it may hold a secret)'],
    ['[web:hostz]\na', 'line 1: section [web:hostz] has an unknown type "hostz" (expected hosts, vars or children)'],
    ['a\n[web:vars]\nx=1', 'line 2: [web:vars] is for a group that is never declared (add a [web] or [web:children] section)'],
    ['a\n[k8s:children]\nweb', 'line 3: [k8s:children] lists "web", a group that is never declared (add a [web] section, even an empty one)'],
    ['a\n[k8s:children]\nweb servers', 'line 3: expected a group name in [k8s:children], got "web servers"'],
    ['a\n[k8s:children]\nx=1', 'line 3: expected a group name in [k8s:children], got a line with "=" (not shown: it may hold a secret)'],
    ['[pw=x]\na', 'line 1: expected a group name (letters, digits, .-_), got a name with "=" (not shown: it may hold a secret)'],
    ['a\n[web]\n[web:vars]\njust words', 'line 4: expected key=value in [web:vars], got a line without a key and "="'],
    ['a\n[web]\n[web:vars]\n=1', 'line 4: expected key=value in [web:vars], got a line without a key and "="'],
    ["a 'open", `line 1: cannot read the host line: the quote ' at column 3 is never closed`],
    ['a b=\\', 'line 1: cannot read the host line: a "\\" at the end of the line escapes nothing'],
    ['ansible_user=ops', 'line 1: expected a host name first, got key=value (variables go after a host name or in a [group:vars] section)'],
    ['a ansible_port=22 secret', 'line 1: expected key=value host variables after the host name, got a word without "=" (word 3)'],
    ['[a]\nb\n[b]\nc', 'line 3: expected a group name that is not also a host name, got "b" (host declared at line 2)'],
    ['[a:children]\nb\n[b:children]\na\n[b]\nc', 'line 4: group a can\'t be a child of b: it would be its own ancestor'],
    ['[a:children]\nall\n[a]\nc', "line 2: group all can't be a child of a: it would be its own ancestor"],
    ['[a]\nb\n[a:vars]\nansible_group_priority=high', 'line 4: ansible_group_priority: expected an integer, got "high"'],
    ['[web.1@x]\na', 'line 1: expected a group name (letters, digits, .-_), got "web.1@x"'],
    ['a@b', 'line 1: expected a host name (letters, digits, .-_), got "a@b" (for an IPv6 address, give the host a name and set ansible_host)'],
    ['# only a comment\n[empty]', 'expected at least one host, got none'],
  ])('%j', (text, problem) => {
    expect(iniProblems(text)).toEqual([`hosts.ini: ${problem}`]);
  });
});

describe('INI host patterns', () => {
  const range = (pattern: string, reason: string) => `line 1: expected a host name or range like node[01:50], got ${JSON.stringify(pattern)} (${reason})`;
  test.each([
    ['node[05:01]', '[05:01] goes backwards'],
    ['node[1]', '[1] is not a range: expected [begin:end] or [begin:end:step]'],
    ['node[1:2:3:4]', '[1:2:3:4] is not a range: expected [begin:end] or [begin:end:step]'],
    ['node[1:]', '[1:] has no end value'],
    ['node[1:5:0]', '[1:5:0] has a bad step "0", expected a whole number >= 1'],
    ['node[01:100]', '[01:100]: begin and end must have the same width when zero-padded'],
    ['node[a:5]', '[a:5] mixes letters and digits'],
    ['node[c:a]', '[c:a] goes backwards'],
    ['node[x1:x5]', '[x1:x5] is not a range of numbers or of single letters'],
    ['node[1:3', '"[" is never closed'],
    ['node]1', '"]" has no matching "["'],
    ['node[1:[2]:3]', '"[" inside another bracket'],
    ['node[0:9999999]', 'expands to more than 100000 names'],
    ['fe80::1', 'more than one ":" outside brackets (an IPv6 address? give the host a name and set ansible_host)'],
    ['node:', 'ends in ":" without a port'],
    ['node:70000', 'bad port "70000", expected 1-65535'],
  ])('%s', (pattern, reason) => {
    expect(iniProblems(pattern)).toEqual([`hosts.ini: ${range(pattern, reason)}`]);
  });
});

describe('connection variables', () => {
  test.each([
    ['ansible_password=hunter2', 'ansible_password: secrets are not read from inventory files (value not shown): put it in an environment variable and name that variable with nodescrub_password_env=VAR (nodescrub\'s passwordEnv)'],
    ['ansible_ssh_pass=hunter2', 'ansible_ssh_pass: secrets are not read from inventory files (value not shown): put it in an environment variable and name that variable with nodescrub_password_env=VAR (nodescrub\'s passwordEnv)'],
    ['ansible_become_password=hunter2', 'ansible_become_password: secrets are not read from inventory files (value not shown): put it in an environment variable and name that variable with nodescrub_become_password_env=VAR (nodescrub\'s becomePasswordEnv)'],
    ['ansible_become_pass=hunter2', 'ansible_become_pass: secrets are not read from inventory files (value not shown): put it in an environment variable and name that variable with nodescrub_become_password_env=VAR (nodescrub\'s becomePasswordEnv)'],
    ['ansible_sudo_pass=hunter2', 'ansible_sudo_pass: secrets are not read from inventory files (value not shown): put it in an environment variable and name that variable with nodescrub_become_password_env=VAR (nodescrub\'s becomePasswordEnv)'],
    ['ansible_connection=local', 'ansible_connection: expected ssh or smart or paramiko or paramiko_ssh, got "local" (nodescrub connects over SSH only)'],
    ['ansible_connection=winrm', 'ansible_connection: expected ssh or smart or paramiko or paramiko_ssh, got "winrm" (nodescrub connects over SSH only)'],
    ['ansible_become_method=su', 'ansible_become_method: expected sudo, got "su" (nodescrub becomes root with sudo only)'],
    ['ansible_become_user=postgres', 'ansible_become_user: expected root, got "postgres" (nodescrub becomes root only)'],
    ['ansible_host="{{ inventory_hostname }}.lan"', `ansible_host: "{{ inventory_hostname }}.lan" ${TEMPLATE_HINT}`],
    ['ansible_user="{{ lookup(\'env\', \'USER\') }}"', `ansible_user: "{{ lookup('env', 'USER') }}" ${TEMPLATE_HINT}`],
    ['ansible_host=-oProxyCommand=x', 'ansible_host: expected a DNS name or IP address, got "-oProxyCommand=x"'],
    ['ansible_port=ssh', 'ansible_port: expected an integer 1-65535, got "ssh"'],
    ['ansible_port=0', 'ansible_port: expected an integer 1-65535, got 0'],
    ['ansible_user="a b"', 'ansible_user: expected a user name (letters, digits, ._-), got "a b"'],
    ['ansible_become=maybe', 'ansible_become: expected a boolean (true/false, yes/no, 1/0), got "maybe"'],
    ['ansible_ssh_private_key_file=~bob/id', 'ansible_ssh_private_key_file: expected a key file path, got "~bob/id" (~user is not supported, use ~/ or a full path)'],
    ['ansible_ssh_common_args="-J a@b,c@d"', 'ansible_ssh_common_args: jump host chain "a@b,c@d" is not supported: nodescrub connects through one jump host'],
    ['ansible_ssh_common_args="-C -J"', 'ansible_ssh_common_args: -J at the end of the ssh arguments has no value'],
    ['ansible_ssh_extra_args="-o"', 'ansible_ssh_extra_args: -o at the end of the ssh arguments has no value'],
    ['ansible_ssh_common_args="-J ops@@bastion"', 'ansible_ssh_common_args: expected [user@]host[:port], got "ops@@bastion" (bad host "@bastion")'],
    [`ansible_ssh_common_args='-o ProxyCommand="nc -X connect %h %p"'`, 'ansible_ssh_common_args: ProxyCommand "nc -X connect %h %p" is not supported: write the jump host as -J user@host:port'],
    [`ansible_ssh_common_args='-o ProxyCommand="ssh -i key -W %h:%p b"'`, 'ansible_ssh_common_args: ProxyCommand "ssh -i key -W %h:%p b" is not supported: write the jump host as -J user@host:port'],
    [`ansible_ssh_common_args='-o ProxyCommand="ssh -W %h:%p b c"'`, 'ansible_ssh_common_args: ProxyCommand "ssh -W %h:%p b c" is not supported: write the jump host as -J user@host:port'],
    [`ansible_ssh_common_args="-o 'ProxyJump"`, `ansible_ssh_common_args: cannot split the ssh arguments: the quote ' at column 4 is never closed`],
    ['nodescrub_become_pasword_env=X', 'nodescrub_become_pasword_env: unknown nodescrub variable (did you mean "nodescrub_become_password_env"?)'],
    ['nodescrub_frobnicate=1', `nodescrub_frobnicate: unknown nodescrub variable (expected one of: nodescrub_password_env, nodescrub_identity_passphrase_env, nodescrub_become_password_env, nodescrub_jump_host, nodescrub_host_key_fingerprint, nodescrub_reboot_command, nodescrub_boot_id_command)`],
    ['nodescrub_password_env=hunter2!', 'nodescrub_password_env: expected the name of an environment variable (like NODESCRUB_SSH_PASSWORD), got a string that is not one (value not shown: it may be a secret)'],
    ['nodescrub_host_key_fingerprint=MD5:aa', 'nodescrub_host_key_fingerprint: expected SHA256:<43 base64 characters> as printed by ssh-keygen -lf, got "MD5:aa"'],
    ['nodescrub_reboot_command=" "', 'nodescrub_reboot_command: expected a non-empty command, got " "'],
  ])('%s', (assignment, problem) => {
    expect(iniProblems(`h ${assignment}`)).toEqual([`hosts.ini: line 1: ${problem}`]);
    expect(iniProblems(`[g]\nh\n[g:vars]\n${assignment}`)).toEqual([`hosts.ini: line 4: ${problem}`]);
  });

  test('a ProxyCommand that does not even split is not supported either', () => {
    expect(iniProblems(`[g]\nh\n[g:vars]\nansible_ssh_common_args=-o ProxyCommand="ssh 'b"`)).toEqual([
      `hosts.ini: line 4: ansible_ssh_common_args: ProxyCommand "ssh 'b" is not supported: write the jump host as -J user@host:port`,
    ]);
  });

  test('a secret is never echoed, wherever it was written', () => {
    const text = '[g]\nh ansible_become_password=hunter2\nansible_password=hunter2\n[g:children]\nx ansible_password=hunter2\n[g:vars]\nansible_ssh_pass = hunter2';
    expect(iniProblems(text).join('\n')).not.toContain('hunter2');
    expect(iniProblems(text)).toHaveLength(4);
  });

  test('empty secret variables are not secrets: nothing to refuse', () => {
    expect(iniProblems("h ansible_become_password=''")).toEqual([]);
  });

  test('environment variables named must be set, key files must be readable (native checks, Ansible lines)', () => {
    const text = '[g]\nh ansible_become=yes\n[g:vars]\nnodescrub_become_password_env=SUDO_PW\nansible_ssh_private_key_file=/nonexistent/id';
    expect(iniProblems(text)).toEqual([
      'hosts.ini: line 4: SUDO_PW is not set',
      'hosts.ini: line 5: expected a readable key file, got "/nonexistent/id" (no such file: /nonexistent/id)',
    ]);
    expect(iniProblems(text, { SUDO_PW: '' })[0]).toBe('hosts.ini: line 4: SUDO_PW is set but empty');
  });

  test('every problem at once, in line order per reader', () => {
    expect(iniProblems('a ansible_port=x\nb ansible_connection=local\n[c:vars]\nk=v')).toEqual([
      'hosts.ini: line 1: ansible_port: expected an integer 1-65535, got "x"',
      'hosts.ini: line 2: ansible_connection: expected ssh or smart or paramiko or paramiko_ssh, got "local" (nodescrub connects over SSH only)',
      'hosts.ini: line 3: [c:vars] is for a group that is never declared (add a [c] or [c:children] section)',
    ]);
  });
});

describe('YAML', () => {
  test.each([
    ['- a\n', 'expected a mapping of groups (all: with hosts:, children:, vars:), got a list'],
    ['', 'expected a mapping of groups (all: with hosts:, children:, vars:), got nothing'],
    ['plugin: amazon.aws.aws_ec2\nregions: [eu-west-1]\n', 'line 1: inventory plugin configuration (plugin: amazon.aws.aws_ec2) is not supported: export the hosts first with ansible-inventory -i SOURCE --list --yaml --export > hosts.yml'],
    ['all:\n  children:\n    web: [a]\n', 'line 3: group web: expected a mapping with hosts:, children: or vars:, got a list'],
    ['all:\n  children:\n    web:\n      host:\n        a:\n', 'line 4: group web: host: unknown key (did you mean "hosts"?)'],
    ['all:\n  hosts: [a, b]\n', 'line 2: group all: hosts: expected a mapping, got a list'],
    ['all:\n  vars: 5\n  hosts: a\n', 'line 2: group all: vars: expected a mapping, got 5'],
    ['all:\n  hosts:\n    a: [x]\n', 'line 3: host a: expected a mapping of host variables, got a list'],
    ['all:\n  hosts:\n    "a[3:1]":\n', 'line 3: expected a host name or range like node[01:50], got "a[3:1]" ([3:1] goes backwards)'],
    ['all:\n  hosts:\n    a:\n      ansible_port: 22\n      ansible_connection: docker\n', 'line 5: ansible_connection: expected ssh or smart or paramiko or paramiko_ssh, got "docker" (nodescrub connects over SSH only)'],
    ['all:\n  vars:\n    ansible_become_password: hunter2\n  hosts: a\n', "line 3: ansible_become_password: secrets are not read from inventory files (value not shown): put it in an environment variable and name that variable with nodescrub_become_password_env=VAR (nodescrub's becomePasswordEnv)"],
    ['all:\n  vars: { ansible_port: "22x" }\n  hosts: a\n', 'line 2: ansible_port: expected an integer 1-65535, got "22x"'],
    ['all:\n  children:\n    a:\n      children:\n        b:\n          children:\n            a:\n          hosts: h\n', "line 7: group a can't be a child of b: it would be its own ancestor"],
    ['all:\n  hosts:\n    a:\n      ansible_become_password: !vault |\n        $ANSIBLE_VAULT;1.1;AES256\n        6638\n', 'line 4: ansible_become_password is vaulted (!vault): nodescrub reads no vault; secrets stay out of the inventory (name an environment variable with nodescrub_*_env instead)'],
    ['all: {\n', 'line 2: unexpected end of the stream within a flow collection'],
    ['all:\n  hosts:\n', 'expected at least one host, got none'],
  ])('%j', (text, problem) => {
    expect(yamlProblems(text)).toEqual([`hosts.yml: ${problem}`]);
  });
});

describe('whole files Ansible could read but nodescrub refuses', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nodescrub-refused-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const refusal = (name: string, text: string, mode = 0o644): string[] => {
    const file = join(dir, name);
    writeFileSync(file, text);
    chmodSync(file, mode);
    return problemsOf(() => loadAnyInventory(file, {}, testOptions(home()))).map((line) => line.slice(file.length + 2));
  };
  const SAVE = 'save its output with ansible-inventory -i FILE --list --yaml --export > hosts.yml';

  test('a dynamic inventory script (#!), whatever its name', () => {
    expect(refusal('ec2.py', '#!/usr/bin/env python3\nprint("{}")\n')).toEqual([
      `line 1: the file starts with "#!": dynamic inventory scripts are not supported (nodescrub never runs code from an inventory): ${SAVE.replace('FILE', join(dir, 'ec2.py'))}`,
    ]);
    expect(refusal('hosts.yaml', '#!/bin/sh\necho\n')).toHaveLength(1);
  });

  test('an executable file without a static inventory extension', () => {
    expect(refusal('inventory', '[web]\na\n', 0o755)).toEqual([
      `the file is executable, so Ansible would run it as a script: dynamic inventory scripts are not supported (nodescrub never runs code from an inventory): ${SAVE.replace('FILE', join(dir, 'inventory'))}; if it is a static inventory, chmod -x it`,
    ]);
    expect(refusal('hosts.ini', '[web]\na\n', 0o755)).toEqual([]); // a static extension wins over a stray x bit
  });

  test('a vault-encrypted file', () => {
    expect(refusal('hosts', '$ANSIBLE_VAULT;1.1;AES256\n3361\n')).toEqual([
      'line 1: the file is encrypted with ansible-vault: nodescrub reads no vault; keep secrets out of the inventory (name environment variables with nodescrub_*_env) and store it decrypted',
    ]);
  });

  test('a !vault value in a YAML file found by detection', () => {
    expect(refusal('hosts.yml', 'all:\n  vars:\n    x: 1\n    ansible_password: !vault |\n      $ANSIBLE_VAULT;1.1\n      33\n')).toEqual([
      'line 4: ansible_password is vaulted (!vault): nodescrub reads no vault; secrets stay out of the inventory (name an environment variable with nodescrub_*_env instead)',
    ]);
  });
});
