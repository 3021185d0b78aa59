// Shared by the Ansible inventory tests: load INI/YAML text (local user `me`, an isolated home) and
// collect the problem lines, each `hosts.ini: line N: message`.
import { InventoryError } from '../../../../src/errors.js';
import { parseAnsibleIni, parseAnsibleYaml } from '../../../../src/inventory/ansible/load.js';
import type { HostSpec, Inventory } from '../../../../src/inventory/types.js';

/** Options every test uses: `me` as the local user, the given home (no default key in it). */
export function testOptions(home: string): { localUser: string; homeDir: string; baseDir: string } {
  return { localUser: 'me', homeDir: home, baseDir: '/nonexistent' };
}

export function loadIni(text: string, home: string, env: NodeJS.ProcessEnv = {}): Inventory {
  return parseAnsibleIni(text, 'hosts.ini', env, testOptions(home));
}

export function loadYaml(text: string, home: string, env: NodeJS.ProcessEnv = {}): Inventory {
  return parseAnsibleYaml(text, 'hosts.yml', env, testOptions(home));
}

/** The problem lines of a load ([] when it loads). */
export function problemsOf(load: () => unknown): string[] {
  try {
    load();
    return [];
  } catch (error) {
    if (error instanceof InventoryError) return error.problems;
    throw error;
  }
}

/** Host name → spec, for pointed assertions. */
export function byName(inventory: Inventory): Record<string, HostSpec> {
  return Object.fromEntries(inventory.hosts.map((host) => [host.name, host]));
}

/** Hosts sorted by name with sorted group lists: the form two equivalent inventories must share. */
export function comparable(inventory: Inventory): HostSpec[] {
  return inventory.hosts
    .map((host) => ({ ...host, groups: [...host.groups].sort() }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Group name → sorted member names. */
export function comparableGroups(inventory: Inventory): Record<string, string[]> {
  return Object.fromEntries(Object.entries(inventory.groups).map(([name, members]) => [name, [...members].sort()]));
}
