// Ansible's YAML inventory (`all: {hosts:, children:, vars:}`), walked the way Ansible's `yaml` plugin
// walks it: top-level keys are groups, `children` nest groups, `hosts` map patterns to host vars.
// Problems name the line of the key concerned (the dotted path when no line can be found).
import { expected, isMapping, joinPath, type Problem, unknownKeyMessage } from '../problems.js';
import { readAnsibleVar } from './connection-vars.js';
import { expandAnsibleHostPattern } from './host-pattern.js';
import { addChildGroup, addHostToGroup, createAnsibleModel, ensureGroup, type AnsibleGroup, type AnsibleModel } from './model.js';
import { EXPORT_HINT } from './unsupported.js';
import type { LocatedYaml } from './yaml-lines.js';

const GROUP_KEYS = ['hosts', 'children', 'vars'];

type Locate = (mapping: object, key: string, path: string) => string;

/** The model a YAML inventory describes; problems are pushed, and whatever is usable is kept. */
export function readAnsibleYaml(located: LocatedYaml, problems: Problem[]): AnsibleModel {
  const model = createAnsibleModel();
  const { doc } = located;
  const locate: Locate = (mapping, key, path) => {
    const line = located.lineOf(mapping, key);
    return line === undefined ? path : `line ${line}`;
  };
  if (!isMapping(doc)) {
    problems.push({ path: '', message: expected('a mapping of groups (all: with hosts:, children:, vars:)', doc) });
    return model;
  }
  if (Object.hasOwn(doc, 'plugin')) {
    const message = `inventory plugin configuration (plugin: ${String(doc.plugin)}) is not supported: export the hosts first with ${EXPORT_HINT}`;
    problems.push({ path: locate(doc, 'plugin', 'plugin'), message });
    return model;
  }
  const readGroup = (name: string, body: unknown, container: object, path: string, parent?: AnsibleGroup): void => {
    const at = locate(container, name, path);
    const group = ensureGroup(model, name, at);
    if (parent !== undefined) addChildGroup(parent, name, at);
    if (body === null) return;
    if (!isMapping(body)) {
      problems.push({ path: at, message: `group ${name}: ${expected('a mapping with hosts:, children: or vars:', body)}` });
      return;
    }
    for (const [key, raw] of Object.entries(body)) {
      const keyPath = joinPath(path, key);
      const keyAt = locate(body, key, keyPath);
      if (!GROUP_KEYS.includes(key)) {
        problems.push({ path: keyAt, message: `group ${name}: ${key}: ${unknownKeyMessage(key, GROUP_KEYS)}` });
        continue;
      }
      // Ansible accepts `hosts: web1` for `hosts: {web1: }`.
      const section: unknown = typeof raw === 'string' ? { [raw]: null } : raw;
      if (section === null) continue;
      if (!isMapping(section)) {
        problems.push({ path: keyAt, message: `group ${name}: ${key}: ${expected('a mapping', section)}` });
        continue;
      }
      const entryAt = (entry: string): string => (section === raw ? locate(section, entry, joinPath(keyPath, entry)) : keyAt);
      for (const [entry, value] of Object.entries(section)) {
        if (key === 'vars') readVar(group, entry, value, entryAt(entry), problems);
        else if (key === 'children') readGroup(entry, value, section, joinPath(keyPath, entry), group);
        else readHosts(model, group, entry, value, { at: entryAt(entry), path: joinPath(keyPath, entry), locate }, problems);
      }
    }
  };
  for (const [name, body] of Object.entries(doc)) readGroup(name, body, doc, name);
  return model;
}

function readVar(group: AnsibleGroup, key: string, value: unknown, at: string, problems: Problem[]): void {
  const reading = readAnsibleVar(key, value);
  if (reading.kind === 'problem') problems.push({ path: at, message: reading.message });
  group.vars.set(key, { value, at });
}

// `node[01:03]:2222: {ansible_user: ops}`: a pattern and the host vars every name it expands to gets.
function readHosts(
  model: AnsibleModel,
  group: AnsibleGroup,
  pattern: string,
  vars: unknown,
  where: { at: string; path: string; locate: Locate },
  problems: Problem[],
): void {
  const { at } = where;
  const expansion = expandAnsibleHostPattern(pattern);
  if (!expansion.ok) {
    problems.push({ path: at, message: `expected a host name or range like node[01:50], got ${JSON.stringify(pattern)} (${expansion.error})` });
    return;
  }
  if (vars !== null && !isMapping(vars)) {
    problems.push({ path: at, message: `host ${pattern}: ${expected('a mapping of host variables', vars)}` });
    return;
  }
  const entries: [string, unknown, string][] = expansion.value.port === undefined ? [] : [['ansible_port', expansion.value.port, at]];
  for (const [key, value] of Object.entries(vars ?? {})) {
    const varAt = where.locate(vars ?? {}, key, joinPath(where.path, key));
    const reading = readAnsibleVar(key, value);
    if (reading.kind === 'problem') problems.push({ path: varAt, message: reading.message });
    entries.push([key, value, varAt]);
  }
  for (const name of expansion.value.names) {
    const host = addHostToGroup(model, group, name, at);
    for (const [key, value, varAt] of entries) host.vars.set(key, { value, at: varAt });
  }
}
