// What an Ansible inventory says, whichever format it was written in: groups, children, hosts and
// raw variables, each remembering where it was written (`line 12`) so every message can point there.

/** A variable as written (INI: after Python-literal parsing; YAML: as loaded) and its location. */
export interface AnsibleVar {
  value: unknown;
  at: string;
}

/** One group: its own variables, its direct children and the hosts listed directly in it. */
export interface AnsibleGroup {
  name: string;
  at: string;
  vars: Map<string, AnsibleVar>;
  children: { name: string; at: string }[];
  hosts: Set<string>;
}

/** One host: where it was first mentioned and its host variables (later mentions override). */
export interface AnsibleHost {
  name: string;
  at: string;
  vars: Map<string, AnsibleVar>;
}

/** The whole file; Maps keep first-mention order and keep names like `__proto__` plain data. */
export interface AnsibleModel {
  groups: Map<string, AnsibleGroup>;
  hosts: Map<string, AnsibleHost>;
}

/** Ansible's two implicit groups: every host is in `all`; hosts in no other group are `ungrouped`. */
export const IMPLICIT_GROUPS: readonly string[] = ['all', 'ungrouped'];

/** An empty inventory holding only the implicit groups, as Ansible starts one. */
export function createAnsibleModel(): AnsibleModel {
  const model: AnsibleModel = { groups: new Map(), hosts: new Map() };
  for (const name of IMPLICIT_GROUPS) ensureGroup(model, name, 'line 1');
  return model;
}

/** The group called `name`, declared now if this is its first mention. */
export function ensureGroup(model: AnsibleModel, name: string, at: string): AnsibleGroup {
  let group = model.groups.get(name);
  if (group === undefined) {
    group = { name, at, vars: new Map(), children: [], hosts: new Set() };
    model.groups.set(name, group);
  }
  return group;
}

/** Lists a host in a group (declaring the host on first mention); listing twice is harmless, as in Ansible. */
export function addHostToGroup(model: AnsibleModel, group: AnsibleGroup, name: string, at: string): AnsibleHost {
  let host = model.hosts.get(name);
  if (host === undefined) {
    host = { name, at, vars: new Map() };
    model.hosts.set(name, host);
  }
  group.hosts.add(name);
  return host;
}

/** Records `parent` → `child` once; cycles are found later, when ancestry is resolved. */
export function addChildGroup(parent: AnsibleGroup, child: string, at: string): void {
  if (!parent.children.some((entry) => entry.name === child)) parent.children.push({ name: child, at });
}
