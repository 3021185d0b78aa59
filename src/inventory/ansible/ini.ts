// Ansible's INI inventory, read the way Ansible's `ini` plugin reads it: lines before any section are
// ungrouped hosts; `[g]` lists hosts (with inline `key=value` vars), `[g:vars]` one `key=value` per
// line, `[g:children]` group names. Every problem is collected, each as `line N`.
import type { Problem } from '../problems.js';
import { readAnsibleVar } from './connection-vars.js';
import { expandAnsibleHostPattern } from './host-pattern.js';
import { parseIniValue, splitShellWords } from './ini-values.js';
import { addChildGroup, addHostToGroup, createAnsibleModel, ensureGroup, IMPLICIT_GROUPS, type AnsibleGroup, type AnsibleModel } from './model.js';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;

type State = 'hosts' | 'vars' | 'children' | 'skip';

/** The model an INI inventory describes; problems are pushed, and whatever is usable is kept. */
export function readAnsibleIni(text: string, problems: Problem[]): AnsibleModel {
  const model = createAnsibleModel();
  const declared = new Set(IMPLICIT_GROUPS);
  const varsSections = new Map<string, string>();
  const childReferences = new Map<string, { parent: string; at: string }>();
  let group = ensureGroup(model, 'ungrouped', 'line 1');
  let state: State = 'hosts';
  text.split(/\r?\n/).forEach((raw, index) => {
    const at = `line ${index + 1}`;
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const section = SECTION.exec(line);
    if (section !== null) {
      const [, name, kind = 'hosts'] = section;
      state = kind === 'hosts' || kind === 'vars' || kind === 'children' ? kind : 'skip';
      if (state === 'skip') problems.push({ path: at, message: `section [${name}:${kind}] has an unknown type "${kind}" (expected hosts, vars or children)` });
      group = ensureGroup(model, name, at);
      if (state === 'vars' && !declared.has(name) && !varsSections.has(name)) varsSections.set(name, at);
      if (state === 'hosts' || state === 'children') declared.add(name);
      return;
    }
    // As in Ansible, `[a:c]-db` is a host range, not a broken header: only `[…]` lines are headers.
    if (line.startsWith('[') && line.replace(/\s+[#;].*$/, '').endsWith(']')) {
      problems.push({ path: at, message: `expected a section header like [group], [group:vars] or [group:children] (no spaces), got ${showLine(line)}` });
      state = 'skip';
    } else if (state === 'hosts') readHostLine(model, group, line, at, problems);
    else if (state === 'vars') readVarLine(group, line, at, problems);
    else if (state === 'children') readChildLine(group, line, at, problems, childReferences);
  });
  for (const [name, at] of varsSections) {
    if (!declared.has(name)) problems.push({ path: at, message: `[${name}:vars] is for a group that is never declared (add a [${name}] or [${name}:children] section)` });
  }
  for (const [name, { parent, at }] of childReferences) {
    if (!declared.has(name)) problems.push({ path: at, message: `[${parent}:children] lists "${name}", a group that is never declared (add a [${name}] section, even an empty one)` });
  }
  return model;
}

// `node[01:03]:2222 ansible_user=ops become=true`: a host pattern, then key=value host variables.
function readHostLine(model: AnsibleModel, group: AnsibleGroup, line: string, at: string, problems: Problem[]): void {
  const words = splitShellWords(line, { comments: true });
  if (typeof words === 'string') {
    problems.push({ path: at, message: `cannot read the host line: ${words}` });
    return;
  }
  if (words.length === 0) return;
  const [pattern, ...assignments] = words;
  if (pattern.includes('=')) {
    problems.push({ path: at, message: 'expected a host name first, got key=value (variables go after a host name or in a [group:vars] section)' });
    return;
  }
  const expansion = expandAnsibleHostPattern(pattern);
  if (!expansion.ok) {
    problems.push({ path: at, message: `expected a host name or range like node[01:50], got ${JSON.stringify(pattern)} (${expansion.error})` });
    return;
  }
  const vars: [string, unknown][] = expansion.value.port === undefined ? [] : [['ansible_port', expansion.value.port]];
  for (const [index, word] of assignments.entries()) {
    const equals = word.indexOf('=');
    // The word itself is not shown: a stray word on a host line may be a password.
    if (equals < 1) {
      problems.push({ path: at, message: `expected key=value host variables after the host name, got a word without "=" (word ${index + 2})` });
      return;
    }
    vars.push([word.slice(0, equals), parseIniValue(word.slice(equals + 1))]);
  }
  for (const [key, value] of vars) checkVar(key, value, at, problems);
  for (const name of expansion.value.names) {
    const host = addHostToGroup(model, group, name, at);
    for (const [key, value] of vars) host.vars.set(key, { value, at });
  }
}

function readVarLine(group: AnsibleGroup, line: string, at: string, problems: Problem[]): void {
  const equals = line.indexOf('=');
  const key = line.slice(0, equals).trim();
  if (equals === -1 || key === '') {
    problems.push({ path: at, message: `expected key=value in [${group.name}:vars], got a line without a key and "="` });
    return;
  }
  const value = parseIniValue(line.slice(equals + 1).trim());
  checkVar(key, value, at, problems);
  group.vars.set(key, { value, at });
}

function readChildLine(
  group: AnsibleGroup,
  line: string,
  at: string,
  problems: Problem[],
  references: Map<string, { parent: string; at: string }>,
): void {
  const match = GROUP_NAME.exec(line);
  if (match === null || match[1].includes('=')) {
    problems.push({ path: at, message: `expected a group name in [${group.name}:children], got ${showLine(line)}` });
    return;
  }
  const child = match[1];
  if (!references.has(child)) references.set(child, { parent: group.name, at });
  addChildGroup(group, child, at);
}

// A line with `=` may hold a password in the wrong place: it is described, not echoed.
function showLine(line: string): string {
  return line.includes('=') ? 'a line with "=" (not shown: it may hold a secret)' : JSON.stringify(line);
}

function checkVar(key: string, value: unknown, at: string, problems: Problem[]): void {
  const reading = readAnsibleVar(key, value);
  if (reading.kind === 'problem') problems.push({ path: at, message: reading.message });
}
