// Whatever a YAML document holds, validation either returns an Inventory or throws InventoryError.
import fc from 'fast-check';
import { InventoryError, UsageError } from '../../../src/errors.js';
import { parseInventoryDocument } from '../../../src/inventory/load.js';
import { SETTING_KEYS } from '../../../src/inventory/settings.js';
import { limitHosts } from '../../../src/cli/select-hosts.js';
import { describeHosts, hostsToJson } from '../../../src/inventory/describe.js';

const KEYS = ['defaults', 'groups', 'hosts', 'vars', 'name', 'address', 'hostKeyFingerprint', '__proto__', 'toString', ...SETTING_KEYS];
const NAMES = ['a', 'b', 'node[1-3]', 'node[3-1]', 'n[01-', 'all', 'x y', '-o', 'SHA256:abc', 'ops@bastion:22', '~/.ssh/id', 'HOME'];

// YAML-ish values: scalars (biased toward the inventory's own vocabulary), lists and mappings.
const yamlish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<unknown>(null, true, false, 0, 22, 65536, -1, 1.5, ''),
    fc.constantFrom(...NAMES),
    fc.string(),
    fc.integer(),
    fc.date({ noInvalidDate: true }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string()), tie('value'), { maxKeys: 5 }),
  ),
})).value;

// Mostly-valid documents, so the success path (normalize, describe, select) is exercised too.
const setting = fc.record(
  {
    user: fc.constantFrom<unknown>('root', 'ops', 'ops', 'a b'),
    port: fc.constantFrom<unknown>(22, 2222, '22'),
    become: fc.constantFrom<unknown>(true, false),
    jumpHost: fc.constantFrom<unknown>(null, 'bastion', 'ops@b:2', 'x@@y'),
    identityFile: fc.constantFrom<unknown>(null, null, null, '~/.ssh/none'),
    passwordEnv: fc.constantFrom<unknown>('HOME', 'HOME', 'UNSET_VAR'),
  },
  { requiredKeys: [] },
);
const hostName = fc.constantFrom('a', 'b', 'node[1-3]', 'n[01-02]', 'web');
const validish = fc.record(
  {
    defaults: setting,
    groups: fc.dictionary(fc.constantFrom('g', 'h'), fc.record({ vars: setting, hosts: fc.array(hostName, { maxLength: 3 }) }, { requiredKeys: [] }), { maxKeys: 2 }),
    hosts: fc
      .uniqueArray(hostName, { maxLength: 4 })
      .chain((names) => fc.tuple(...names.map((name) => fc.oneof(fc.constant(name), fc.record({ name: fc.constant(name), port: fc.constantFrom(22, 2222) }))))),
  },
  { requiredKeys: [] },
);

const documents = fc.oneof(
  yamlish,
  { arbitrary: validish, weight: 3 },
  fc.record(
    { defaults: yamlish, groups: fc.dictionary(fc.constantFrom('g', 'h', 'all', 'a', '__proto__', 'constructor'), yamlish, { maxKeys: 3 }), hosts: fc.array(yamlish, { maxLength: 5 }) },
    { requiredKeys: [] },
  ),
);

test('parseInventoryDocument throws nothing but InventoryError, and what it returns is usable', () => {
  let loaded = 0;
  fc.assert(
    fc.property(documents, (doc) => {
      try {
        const inventory = parseInventoryDocument(doc, 'prop.yaml', { HOME: '/x' }, { baseDir: '/nonexistent', localUser: 'me', homeDir: '/nonexistent' });
        expect(inventory.hosts.length).toBeGreaterThan(0);
        expect(new Set(inventory.hosts.map((host) => host.name)).size).toBe(inventory.hosts.length);
        expect(limitHosts(inventory)).toHaveLength(inventory.hosts.length);
        describeHosts(inventory.hosts);
        hostsToJson(inventory.hosts);
        loaded++;
      } catch (error) {
        if (!(error instanceof InventoryError)) throw error;
        expect(error.problems.length).toBeGreaterThan(0);
        for (const line of error.problems) expect(line.startsWith('prop.yaml: ')).toBe(true);
      }
    }),
    { numRuns: 2000 },
  );
  expect(loaded).toBeGreaterThan(100); // the generator must reach the success path, not only errors
});

test('selectHosts throws nothing but UsageError, and returns a subset in inventory order', () => {
  const inventory = parseInventoryDocument(
    { groups: { rack: { hosts: ['node[01-04]'] }, empty: null }, hosts: ['node01', 'web-a', 'web-b'] },
    'prop.yaml',
    {},
    { homeDir: '/nonexistent', localUser: 'me' },
  );
  const order = inventory.hosts.map((host) => host.name);
  const term = fc.oneof(fc.constantFrom('all', '*', 'rack', 'empty', 'node0?', 'node[02-03]', 'node[3-1]', 'web-*', 'nope', '[', ''), fc.string());
  const pattern = fc.array(fc.tuple(fc.constantFrom('', '!', '&'), term, fc.constantFrom(',', ':')), { maxLength: 4 }).map((parts) =>
    parts.map(([operator, text, separator]) => `${operator}${text}${separator}`).join(''),
  );
  fc.assert(
    fc.property(pattern, (text) => {
      try {
        const names = limitHosts(inventory, text).map((host) => host.name);
        expect(names.length).toBeGreaterThan(0);
        expect(names).toEqual(order.filter((name) => names.includes(name)));
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        expect(error.message.startsWith('--limit: ')).toBe(true);
      }
    }),
    { numRuns: 1000 },
  );
});
