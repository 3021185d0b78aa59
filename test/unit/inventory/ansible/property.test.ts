// Whatever lines an INI file holds, the reader returns an Inventory or throws InventoryError — never
// anything else — and a password written in it never appears in a message.
import fc from 'fast-check';
import { InventoryError } from '../../../../src/errors.js';
import { parseAnsibleIni } from '../../../../src/inventory/ansible/load.js';
import { isHostName } from '../../../../src/inventory/address.js';
import { limitHosts } from '../../../../src/cli/select-hosts.js';
import { useTempHome } from '../helpers.js';
import { testOptions } from './helpers.js';

const home = useTempHome();
const SECRET = 'hunter2';

// Lines biased toward the format's own vocabulary, so both success and every kind of problem show up.
const vocabulary = fc.constantFrom(
  '[web]',
  '[db]',
  '[web:vars]',
  '[web:children]',
  '[all:vars]',
  '[k8s:children]',
  '[db:nope]',
  '[bad name]',
  'db',
  'web',
  'k8s',
  'node[01:03]',
  'node[1:9:4].rack3',
  '[a:c]x',
  'n[3:1]',
  'h:2222',
  'h ansible_host=10.0.0.1 ansible_port=2222',
  'h ansible_user=ops ansible_become=yes',
  `h ansible_become_password=${SECRET}`,
  `ansible_password=${SECRET}`,
  `ansible_ssh_pass = ${SECRET}`,
  "h ansible_ssh_common_args='-J ops@bastion:22'",
  'h ansible_connection=local',
  'ansible_port=2200',
  'ansible_user=ops # comment',
  'ansible_group_priority=5',
  'nodescrub_become_password_env=HOME',
  "h x='unclosed",
  '# comment',
  '; comment',
  '',
);
const token = fc.stringMatching(/^[\w.:=[\]'"#;!&@~ -]{0,12}$/);
const line = fc.oneof({ weight: 5, arbitrary: vocabulary }, { weight: 2, arbitrary: token }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) });
const iniText = fc.array(line, { maxLength: 14 }).map((lines) => lines.join('\n'));

describe('the INI reader, on random lines', () => {
  test('returns a consistent Inventory or throws InventoryError; never echoes a password', () => {
    fc.assert(
      fc.property(iniText, (text) => {
        let inventory;
        try {
          inventory = parseAnsibleIni(text, 'hosts.ini', { HOME: '/home/me' }, testOptions(home()));
        } catch (error) {
          if (!(error instanceof InventoryError)) throw error;
          expect(error.problems.length).toBeGreaterThan(0);
          for (const problem of error.problems) {
            expect(problem.startsWith('hosts.ini: ')).toBe(true);
            expect(problem).not.toContain(SECRET);
          }
          return;
        }
        const names = inventory.hosts.map((host) => host.name);
        expect(new Set(names).size).toBe(names.length);
        for (const host of inventory.hosts) {
          expect(isHostName(host.name)).toBe(true);
          expect(Number.isInteger(host.port)).toBe(true);
          for (const group of host.groups) expect(inventory.groups[group]).toContain(host.name);
        }
        for (const members of Object.values(inventory.groups)) for (const member of members) expect(names).toContain(member);
        expect(limitHosts(inventory, 'all').map((host) => host.name)).toEqual(names);
      }),
      { numRuns: 400 },
    );
  });
});
