// From an Ansible model to nodescrub's Inventory: group ancestry (a host is in every ancestor of its
// groups), Ansible's variable precedence (all < parent < child < host; siblings by priority, then
// name; group_vars/ and host_vars/ files above the file's own), then the native normalizer and
// environment checks, so both formats end in the same HostSpecs.
// One difference by design: with no ansible_user, the user is the local one, as with Ansible.
import { resolveHosts, type NormalizeContext } from '../normalize.js';
import type { GroupEntry, ParsedInventory } from '../parse.js';
import type { HostEntry } from '../parse-host.js';
import { expected, type Problem } from '../problems.js';
import { checkHostEnvironment } from '../rules.js';
import type { Inventory } from '../types.js';
import { buildHostFields } from './connection-vars.js';
import { checkNames } from './names.js';
import { IMPLICIT_GROUPS, type AnsibleGroup, type AnsibleHost, type AnsibleModel, type AnsibleVar } from './model.js';
import type { VarsDirectories } from './vars-dirs.js';

/** The inventory a model describes; problems are pushed, and the inventory is complete only without any. */
export function resolveAnsibleModel(
  model: AnsibleModel,
  dirs: VarsDirectories,
  env: NodeJS.ProcessEnv,
  context: NormalizeContext & { source: string },
  problems: Problem[],
): Inventory {
  checkNames(model, problems);
  const groupsOf = placeHosts(model, problems);
  const hosts = [...model.hosts.values()].map((host) => {
    const names = ['all', ...(groupsOf.get(host.name)?.byPrecedence ?? [])];
    // Ansible's order: the file's group vars, then group_vars/ (all first each time), then host vars.
    const layers = [...names.map((name) => model.groups.get(name)?.vars), ...names.map((name) => dirs.groups.get(name)), host.vars, dirs.hosts.get(host.name)];
    return toHostEntry(host, layers);
  });
  const groups: GroupEntry[] = [...model.groups.values()]
    .filter((group) => !IMPLICIT_GROUPS.includes(group.name))
    .map((group) => ({ name: group.name, path: group.at, layer: { values: {}, paths: {} }, members: [] }));
  const entries = new Map(groups.map((group) => [group.name, group]));
  for (const host of model.hosts.values()) {
    for (const name of groupsOf.get(host.name)?.inOrder ?? []) entries.get(name)?.members.push({ name: host.name, path: host.at });
  }
  if (model.hosts.size === 0 && problems.length === 0) problems.push({ path: '', message: 'expected at least one host, got none' });
  // Without ansible_user, Ansible (that is, ssh) logs in as the local user, not as root.
  const defaults = { values: { user: context.localUser }, paths: {} };
  const parsed: ParsedInventory = { defaults, groups, hosts, sectionOrder: ['hosts'], declaredItems: hosts.length };
  const resolved = resolveHosts(parsed, context);
  checkHostEnvironment(resolved.hosts, env, problems);
  return { source: context.source, hosts: resolved.hosts.map((host) => host.spec), groups: resolved.groups };
}

// Host → its groups with their ancestors: in file order (for membership) and in precedence order.
function placeHosts(model: AnsibleModel, problems: Problem[]): Map<string, { inOrder: string[]; byPrecedence: string[] }> {
  const parents = collectParents(model, problems);
  const ancestry = new Map<string, Set<string>>();
  const ancestorsOf = (name: string): Set<string> => {
    let known = ancestry.get(name);
    if (known === undefined) {
      known = new Set();
      ancestry.set(name, known);
      for (const parent of parents.get(name) ?? []) for (const ancestor of [parent, ...ancestorsOf(parent)]) known.add(ancestor);
    }
    return known;
  };
  const depths = new Map<string, number>();
  const depthOf = (name: string): number => {
    const known = depths.get(name) ?? (name === 'all' ? 0 : 1 + Math.max(0, ...[...(parents.get(name) ?? [])].map(depthOf)));
    depths.set(name, known);
    return known;
  };
  const sortKeys = new Map([...model.groups.values()].map((group) => [group.name, [depthOf(group.name), readPriority(group, problems), group.name] as const]));
  const direct = new Map<string, AnsibleGroup[]>();
  for (const group of model.groups.values()) for (const name of group.hosts) direct.set(name, [...(direct.get(name) ?? []), group]);
  const placed = new Map<string, { inOrder: string[]; byPrecedence: string[] }>();
  for (const host of model.hosts.values()) {
    const inOrder = groupsOfHost(model, direct.get(host.name) ?? [], ancestorsOf).map((group) => group.name);
    placed.set(host.name, { inOrder, byPrecedence: [...inOrder].sort((a, b) => compareKeys(sortKeys.get(a), sortKeys.get(b))) });
  }
  return placed;
}

// child → parents; a child that would make a group its own ancestor is reported and dropped.
function collectParents(model: AnsibleModel, problems: Problem[]): Map<string, Set<string>> {
  const parents = new Map<string, Set<string>>();
  const reaches = (from: string, target: string, seen = new Set<string>()): boolean =>
    from === target || (!seen.has(from) && (seen.add(from), [...(parents.get(from) ?? [])].some((up) => reaches(up, target, seen))));
  for (const group of model.groups.values()) {
    for (const child of group.children) {
      if (!model.groups.has(child.name)) continue;
      if (child.name === 'all' || reaches(group.name, child.name)) {
        problems.push({ path: child.at, message: `group ${child.name} can't be a child of ${group.name}: it would be its own ancestor` });
        continue;
      }
      parents.set(child.name, (parents.get(child.name) ?? new Set()).add(group.name));
    }
  }
  return parents;
}

// Direct groups plus their ancestors, without `all`; `ungrouped` only when there is nothing else (as Ansible).
function groupsOfHost(model: AnsibleModel, direct: AnsibleGroup[], ancestorsOf: (name: string) => Set<string>): AnsibleGroup[] {
  const names = new Set<string>();
  for (const group of direct) {
    names.add(group.name);
    for (const ancestor of ancestorsOf(group.name)) names.add(ancestor);
  }
  names.delete('all');
  if (names.size > 1) names.delete('ungrouped');
  if (names.size === 0) names.add('ungrouped');
  return [...model.groups.values()].filter((group) => names.has(group.name));
}

function toHostEntry(host: AnsibleHost, layers: (ReadonlyMap<string, AnsibleVar> | undefined)[]): HostEntry {
  const merged = new Map<string, AnsibleVar>();
  for (const layer of layers) for (const [key, variable] of layer ?? []) merged.set(key, variable);
  const { address, hostKeyFingerprint, layer } = buildHostFields(merged);
  return { path: host.at, namePath: host.at, names: [host.name], address, hostKeyFingerprint, layer };
}

// `ansible_group_priority` orders groups of the same depth (higher wins, i.e. is applied later).
function readPriority(group: AnsibleGroup, problems: Problem[]): number {
  const variable = group.vars.get('ansible_group_priority');
  if (variable === undefined) return 1;
  const value = typeof variable.value === 'string' && /^-?\d+$/.test(variable.value) ? Number(variable.value) : variable.value;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  problems.push({ path: variable.at, message: `ansible_group_priority: ${expected('an integer', variable.value)}` });
  return 1;
}

type SortKey = readonly [depth: number, priority: number, name: string];

function compareKeys(a: SortKey = [0, 1, ''], b: SortKey = [0, 1, '']): number {
  return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
}
