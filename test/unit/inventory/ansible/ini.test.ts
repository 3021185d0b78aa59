// Ansible INI inventories: sections, inline vars and their Python-literal types, ranges, precedence,
// and the connection variables, each checked on a small snippet.
import { resolve } from 'node:path';
import { parseAnsibleIni } from '../../../../src/inventory/ansible/load.js';
import { useTempHome } from '../helpers.js';
import { byName, loadIni } from './helpers.js';

const home = useTempHome();
const ini = (text: string, env: NodeJS.ProcessEnv = {}) => loadIni(text, home(), env);
const names = (text: string) => ini(text).hosts.map((host) => host.name);

describe('structure', () => {
  test('hosts before any section are ungrouped; [g] lists hosts; comments with # and ;', () => {
    const inventory = ini('# fleet\nlone\n; rack 3\n[rack3]\nnode1  # first\nnode2\n\n[etcd]\netcd1\nnode1\n');
    expect(inventory.hosts.map((host) => [host.name, host.groups])).toEqual([
      ['lone', []],
      ['node1', ['rack3', 'etcd']],
      ['node2', ['rack3']],
      ['etcd1', ['etcd']],
    ]);
    expect(inventory.groups).toEqual({ rack3: ['node1', 'node2'], etcd: ['node1', 'etcd1'] }); // members in host order
  });

  test('[g:children] nests groups (declared before or after); a host is in every ancestor', () => {
    const inventory = ini('[k8s:children]\nworkers\n[workers:children]\ngpu\n[workers]\nw1\n[gpu]\ng1\n');
    expect(byName(inventory).g1.groups).toEqual(['k8s', 'workers', 'gpu']);
    expect(inventory.groups).toEqual({ k8s: ['w1', 'g1'], workers: ['w1', 'g1'], gpu: ['g1'] });
  });

  test('an empty [g] declares a group with no hosts; [all] and [ungrouped] are the implicit groups', () => {
    const inventory = ini('[spare]\n[all]\na\n[ungrouped]\nb\n');
    expect(inventory.groups).toEqual({ spare: [] });
    expect(inventory.hosts.map((host) => host.groups)).toEqual([[], []]);
  });

  test('CRLF line endings and blank lines with spaces', () => {
    expect(names('[web]\r\nweb1\r\n   \r\nweb2\r\n')).toEqual(['web1', 'web2']);
  });
});

describe('host patterns', () => {
  test('numeric ranges keep zero padding; letters; stride; several brackets; empty start means 0', () => {
    expect(names('node[01:03].rack3')).toEqual(['node01.rack3', 'node02.rack3', 'node03.rack3']);
    expect(names('[a:c]-db')).toEqual(['a-db', 'b-db', 'c-db']);
    expect(names('db[1:10:3]')).toEqual(['db1', 'db4', 'db7', 'db10']);
    expect(names('r[1:2]n[a:b]')).toEqual(['r1na', 'r1nb', 'r2na', 'r2nb']);
    expect(names('n[:2]')).toEqual(['n0', 'n1', 'n2']);
    expect(names('n[y:B]')).toEqual(['ny', 'nz', 'nA', 'nB']); // Ansible's alphabet: a-z, then A-Z
    expect(names('n[a:e:2]')).toEqual(['na', 'nc', 'ne']);
  });

  test('host:port sets ansible_port; an explicit ansible_port on the line wins', () => {
    const hosts = byName(ini('web1:2222\nnode[1:2]:2200\nweb2:2222 ansible_port=2223\n'));
    expect([hosts.web1.port, hosts.node1.port, hosts.node2.port, hosts.web2.port]).toEqual([2222, 2200, 2200, 2223]);
  });
});

describe('values (Ansible reads them with Python literal rules)', () => {
  test('ints, quoted strings, booleans in any Ansible spelling; spaces around = in [g:vars]', () => {
    const hosts = byName(
      ini(
        "a ansible_port=2222 ansible_become=True\nb ansible_port='2223' ansible_become=yes\nc ansible_become=1\n" +
          'd ansible_become=false ansible_user="ops"\n[g]\ne\n[g:vars]\nansible_port = 2224   # a Python comment after a literal\nansible_become = on\n',
      ),
    );
    expect(Object.values(hosts).map((host) => [host.port, host.become])).toEqual([
      [2222, true],
      [2223, true],
      [22, true],
      [22, false],
      [2224, true],
    ]);
    expect(hosts.d.user).toBe('ops');
  });

  test('quotes let a value hold spaces; other variables are ignored (they belong to playbooks)', () => {
    const hosts = byName(ini(`web1 http_port=8080 motd="hello world" ansible_ssh_common_args="-o ProxyJump='ops@bastion:2222'"`));
    expect(hosts.web1.jumpHost).toEqual({ user: 'ops', address: 'bastion', port: 2222 });
  });
});

describe('precedence: all < parent < child < host', () => {
  const layered = `
[all:vars]
ansible_port=1000
ansible_user=allusr
[parent:children]
child
[parent:vars]
ansible_port=2000
ansible_user=parentusr
[child]
h1
h2 ansible_port=4000
[child:vars]
ansible_port=3000
`;

  test('deeper groups win over their ancestors, host vars over every group', () => {
    const hosts = byName(ini(layered));
    expect([hosts.h1.port, hosts.h1.user, hosts.h2.port]).toEqual([3000, 'parentusr', 4000]);
  });

  test('groups of the same depth apply by name (later wins), ansible_group_priority first', () => {
    expect(byName(ini('[b]\nh\n[b:vars]\nansible_port=2\n[a]\nh\n[a:vars]\nansible_port=1\n')).h.port).toBe(2);
    const prioritized = '[b]\nh\n[b:vars]\nansible_port=2\n[a]\nh\n[a:vars]\nansible_port=1\nansible_group_priority=10\n';
    expect(byName(ini(prioritized)).h.port).toBe(1);
  });

  test('a host listed twice keeps both lines’ vars, the later line winning', () => {
    const hosts = byName(ini('h ansible_port=1 ansible_user=first\n[g]\nh ansible_port=2\n'));
    expect([hosts.h.port, hosts.h.user, hosts.h.groups]).toEqual([2, 'first', ['g']]);
  });
});

describe('connection variables', () => {
  test('without ansible_user the local user logs in, as with Ansible (not root)', () => {
    expect(byName(ini('h')).h).toMatchObject({ user: 'me', port: 22, become: false, address: 'h' });
  });

  test('legacy ansible_ssh_* names work; the current names win over them', () => {
    const hosts = byName(ini('a ansible_ssh_host=10.0.0.1 ansible_ssh_port=2222 ansible_ssh_user=old\nb ansible_ssh_user=old ansible_user=new\n'));
    expect(hosts.a).toMatchObject({ address: '10.0.0.1', port: 2222, user: 'old' });
    expect(hosts.b.user).toBe('new');
  });

  test('key files: ~ is the home directory, relative paths start in the working directory (as with ssh -i)', () => {
    const key = 'test/fixtures/inventory/keys/id_test';
    const inventory = parseAnsibleIni(`h ansible_ssh_private_key_file=${key}`, 'hosts.ini', {}, { localUser: 'me', homeDir: home() });
    expect(inventory.hosts[0].identityFile).toBe(resolve(key));
    expect(ini('h ansible_private_key_file=None').hosts[0].identityFile).toBeUndefined();
  });

  test('jump hosts from -J, -o ProxyJump (either spelling) and ssh -W ProxyCommand; none switches one off', () => {
    const hosts = byName(
      ini(
        [
          "a ansible_ssh_common_args='-J ops@bastion:2222'",
          "b ansible_ssh_common_args='-oProxyJump=bastion'",
          "c ansible_ssh_extra_args='-C -o \"ProxyJump ops@bastion\"'",
          `d ansible_ssh_common_args='-o ProxyCommand="ssh -W %h:%p -q -p 2200 ops@bastion"'`,
          `e ansible_ssh_common_args='-o ProxyCommand="ssh -l ops -W [%h]:%p bastion"'`,
          "f ansible_ssh_common_args='-o StrictHostKeyChecking=no'",
          '[g]\nhg',
          '[g:vars]',
          "ansible_ssh_common_args='-J ops@bastion'",
          '[off]\nhg',
          '[off:vars]',
          "ansible_ssh_common_args='-o ProxyJump=none'",
        ].join('\n'),
      ),
    );
    expect(hosts.a.jumpHost).toEqual({ user: 'ops', address: 'bastion', port: 2222 });
    expect(hosts.b.jumpHost).toEqual({ user: 'me', address: 'bastion', port: 22 });
    expect(hosts.c.jumpHost).toEqual({ user: 'ops', address: 'bastion', port: 22 });
    expect(hosts.d.jumpHost).toEqual({ user: 'ops', address: 'bastion', port: 2200 });
    expect(hosts.e.jumpHost).toEqual({ user: 'ops', address: 'bastion', port: 22 });
    expect(hosts.f.jumpHost).toBeUndefined();
    expect(hosts.hg.jumpHost).toBeUndefined(); // [off] sorts after [g]: its ProxyJump=none wins
  });

  test('ssh uses the first jump host on its command line: ssh_args, then common args, then extra args', () => {
    const text = "h ansible_ssh_extra_args='-J extra' ansible_ssh_common_args='-J common'\ni ansible_ssh_extra_args='-J extra' ansible_ssh_args='-J args'";
    const hosts = byName(ini(text));
    expect([hosts.h.jumpHost?.address, hosts.i.jumpHost?.address]).toEqual(['common', 'args']);
  });

  test('ansible_connection ssh, become with sudo to root: accepted as what nodescrub does anyway', () => {
    const text = 'h ansible_connection=ssh ansible_become=true ansible_become_method=sudo ansible_become_user=root ansible_python_interpreter=/usr/bin/python3';
    expect(byName(ini(text)).h.become).toBe(true);
  });

  test('nodescrub_* variables carry what Ansible has no variable for (secrets by env var name)', () => {
    const env = { SSH_PW: 'x', KEY_PW: 'y', SUDO_PW: 'z' };
    const text =
      '[g]\nh\n[g:vars]\nansible_become=yes\nansible_ssh_private_key_file=test/fixtures/inventory/keys/id_test\n' +
      'nodescrub_password_env=SSH_PW\nnodescrub_identity_passphrase_env=KEY_PW\nnodescrub_become_password_env=SUDO_PW\n' +
      'nodescrub_jump_host=ops@bastion:2200\nnodescrub_reboot_command=shutdown -r now\nnodescrub_boot_id_command=cat /boot-id\n';
    const host = parseAnsibleIni(text, 'hosts.ini', env, { localUser: 'me', homeDir: home() }).hosts[0];
    expect(host).toMatchObject({
      passwordEnv: 'SSH_PW',
      identityPassphraseEnv: 'KEY_PW',
      becomePasswordEnv: 'SUDO_PW',
      jumpHost: { user: 'ops', address: 'bastion', port: 2200 },
      rebootCommand: 'shutdown -r now',
      bootIdCommand: 'cat /boot-id',
    });
  });
});
