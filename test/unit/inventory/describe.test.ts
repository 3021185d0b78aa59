import { describeAuth, describeHosts, hostsToJson } from '../../../src/inventory/describe.js';
import type { HostSpec } from '../../../src/inventory/types.js';
import { loadSnippet, useTempHome, writeHomeKey } from './helpers.js';

const home = useTempHome();
const SECRETS = { NS_PW: 's3cr3t-pw', NS_PASS: 's3cr3t-pass', NS_SUDO: 's3cr3t-sudo' };

function loadFleet(): HostSpec[] {
  writeHomeKey(home(), 'fleet');
  return loadSnippet(
    `
defaults: { identityFile: ~/.ssh/fleet, identityPassphraseEnv: NS_PASS, jumpHost: "ops@bastion:2022" }
groups:
  rack3: { vars: { user: ops, become: true, becomePasswordEnv: NS_SUDO }, hosts: ["node[1-2]"] }
  etcd: { hosts: [node2] }
hosts:
  - { name: pw, address: "fe80::1", port: 2201, identityFile: null, passwordEnv: NS_PW, jumpHost: null,
      hostKeyFingerprint: "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s" }
  - { name: agent, identityFile: null }
`,
    SECRETS,
  ).hosts;
}

describe('describeHosts', () => {
  test('the table: one padded line per host, then a count', () => {
    expect(describeHosts(loadFleet(), { homeDir: home() }).split('\n')).toEqual([
      'NAME   ADDRESS         USER  BECOME          GROUPS      AUTH                                    JUMP              PINNED KEY',
      'node1  node1:22        ops   yes ($NS_SUDO)  rack3       key ~/.ssh/fleet (passphrase $NS_PASS)  ops@bastion:2022  no',
      'node2  node2:22        ops   yes ($NS_SUDO)  rack3,etcd  key ~/.ssh/fleet (passphrase $NS_PASS)  ops@bastion:2022  no',
      'pw     [fe80::1]:2201  root  no              -           password $NS_PW                         -                 yes',
      'agent  agent:22        root  no              -           agent                                   ops@bastion:2022  no',
      '',
      '4 hosts',
    ]);
  });

  test('never prints a secret value, in text or JSON', () => {
    const hosts = loadFleet();
    const outputs = [describeHosts(hosts), JSON.stringify(hostsToJson(hosts))];
    for (const output of outputs) for (const secret of Object.values(SECRETS)) expect(output).not.toContain(secret);
    expect(outputs[0]).toContain('$NS_PW');
  });

  test('an empty selection and a single host', () => {
    expect(describeHosts([])).toBe('no hosts');
    expect(describeHosts(loadFleet().slice(0, 1)).endsWith('\n1 host')).toBe(true);
  });

  test('describeAuth: key, passphrase, password, agent', () => {
    expect(describeAuth({ identityFile: '/h/.ssh/k' }, '/h')).toBe('key ~/.ssh/k');
    expect(describeAuth({ identityFile: '/keys/k', passwordEnv: 'P' }, '/h')).toBe('key /keys/k, password $P');
    expect(describeAuth({}, '/h')).toBe('agent');
  });
});

describe('hostsToJson', () => {
  test('every field present, null when unset', () => {
    const [node1, , pw] = hostsToJson(loadFleet());
    expect(node1).toEqual({
      name: 'node1',
      address: 'node1',
      port: 22,
      user: 'ops',
      become: true,
      becomePasswordEnv: 'NS_SUDO',
      groups: ['rack3'],
      identityFile: `${home()}/.ssh/fleet`,
      identityPassphraseEnv: 'NS_PASS',
      passwordEnv: null,
      jumpHost: { user: 'ops', address: 'bastion', port: 2022 },
      hostKeyFingerprint: null,
      rebootCommand: 'systemctl reboot',
      bootIdCommand: 'cat /proc/sys/kernel/random/boot_id',
    });
    expect(pw).toMatchObject({ identityFile: null, passwordEnv: 'NS_PW', jumpHost: null, hostKeyFingerprint: expect.stringMatching(/^SHA256:/) });
  });
});
