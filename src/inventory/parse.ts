// Step 1 of 3 (parse → normalize → rules): the YAML document's shape, field by field, into typed entries.
import { isHostName } from './address.js';
import { readHostEntry, readHostNames, type HostEntry } from './parse-host.js';
import { expected, isMapping, joinPath, type Problem, unknownKeyMessage } from './problems.js';
import { readSettingsMapping, type SettingsLayer } from './settings.js';

/** One group: its vars and the names its `hosts:` list expands to, each with where it was written. */
export interface GroupEntry {
  name: string;
  path: string;
  layer: SettingsLayer;
  members: { name: string; path: string }[];
}

/** The document once every field has the right type; cross-entry questions are left to rules. */
export interface ParsedInventory {
  defaults: SettingsLayer;
  groups: GroupEntry[];
  hosts: HostEntry[];
  /** Which of `groups`/`hosts` came first in the file: host order follows the file. */
  sectionOrder: ('groups' | 'hosts')[];
  /** Host items (or malformed host sections) written, so an inventory of only typos isn't also called "empty". */
  declaredItems: number;
}

const TOP_KEYS = ['defaults', 'groups', 'hosts'];
const GROUP_KEYS = ['vars', 'hosts'];
const SHAPE = 'a mapping with hosts: (and optionally defaults:, groups:)';

/** Reads the whole document; every problem found is pushed, and whatever is usable is returned. */
export function parseInventoryShape(doc: unknown, problems: Problem[]): ParsedInventory {
  const parsed: ParsedInventory = { defaults: emptyLayer(), groups: [], hosts: [], sectionOrder: [], declaredItems: 0 };
  if (!isMapping(doc)) {
    const got = doc === undefined || doc === null ? 'an empty document' : undefined;
    problems.push({ path: '', message: got === undefined ? expected(SHAPE, doc) : `expected ${SHAPE}, got ${got}` });
    return parsed;
  }
  for (const [key, value] of Object.entries(doc)) {
    if (key === 'defaults') parsed.defaults = readSettingsSection(value, 'defaults', problems);
    else if (key === 'groups') readGroups(value, parsed, problems);
    else if (key === 'hosts') readHostList(value, parsed, problems);
    else problems.push({ path: key, message: unknownKeyMessage(key, TOP_KEYS) });
  }
  return parsed;
}

function emptyLayer(): SettingsLayer {
  return { values: {}, paths: {} };
}

// `defaults:` or `vars:`; an empty section (YAML null) is fine.
function readSettingsSection(value: unknown, path: string, problems: Problem[]): SettingsLayer {
  if (value === null) return emptyLayer();
  if (isMapping(value)) return readSettingsMapping(value, path, problems);
  problems.push({ path, message: expected('a mapping of settings', value) });
  return emptyLayer();
}

function readGroups(value: unknown, parsed: ParsedInventory, problems: Problem[]): void {
  parsed.sectionOrder.push('groups');
  if (value === null) return;
  if (!isMapping(value)) {
    problems.push({ path: 'groups', message: expected('a mapping of group names', value) });
    parsed.declaredItems += 1;
    return;
  }
  for (const [name, body] of Object.entries(value)) {
    const path = joinPath('groups', name);
    if (name === 'all') problems.push({ path, message: expected('a group name', name, '"all" is reserved: it selects every host') });
    else if (!isHostName(name)) problems.push({ path, message: expected('a group name (letters, digits, .-_)', name) });
    const group: GroupEntry = { name, path, layer: emptyLayer(), members: [] };
    if (body !== null && !isMapping(body)) {
      problems.push({ path, message: expected('a mapping with vars: and hosts:', body) });
      parsed.declaredItems += 1;
    }
    for (const [key, item] of isMapping(body) ? Object.entries(body) : []) {
      if (key === 'vars') group.layer = readSettingsSection(item, joinPath(path, 'vars'), problems);
      else if (key === 'hosts') group.members = readGroupMembers(item, joinPath(path, 'hosts'), parsed, problems);
      else problems.push({ path: joinPath(path, key), message: unknownKeyMessage(key, GROUP_KEYS) });
    }
    parsed.groups.push(group);
  }
}

function readGroupMembers(value: unknown, path: string, parsed: ParsedInventory, problems: Problem[]): GroupEntry['members'] {
  if (value === null) return [];
  if (!Array.isArray(value)) {
    problems.push({ path, message: expected('a list of host names or ranges', value) });
    parsed.declaredItems += 1;
    return [];
  }
  parsed.declaredItems += value.length;
  return value.flatMap((item: unknown, index) => {
    const itemPath = joinPath(path, index);
    return readHostNames(item, itemPath, problems).map((name) => ({ name, path: itemPath }));
  });
}

function readHostList(value: unknown, parsed: ParsedInventory, problems: Problem[]): void {
  parsed.sectionOrder.push('hosts');
  if (value === null) return;
  if (!Array.isArray(value)) {
    problems.push({ path: 'hosts', message: expected('a list of hosts', value) });
    parsed.declaredItems += 1;
    return;
  }
  parsed.declaredItems += value.length;
  value.forEach((item: unknown, index) => {
    const entry = readHostEntry(item, joinPath('hosts', index), problems);
    if (entry !== undefined) parsed.hosts.push(entry);
  });
}
