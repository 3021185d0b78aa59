// `group_vars/` and `host_vars/` next to the inventory, read as Ansible's host_group_vars plugin reads
// them: for a group or host NAME, the files NAME, NAME.yml, NAME.yaml, NAME.json, or every such file
// under a directory NAME/ (sorted). Skipping them would connect with the wrong user, key or address.
// A vault-encrypted file is skipped: it holds secrets, which nodescrub takes from environment variables.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { DEFAULT_SCHEMA, Type, YAMLException } from 'js-yaml';
import { expected, isMapping, type Problem } from '../problems.js';
import { readAnsibleVar, VAULTED } from './connection-vars.js';
import type { AnsibleModel, AnsibleVar } from './model.js';
import { loadLocatedYaml } from './yaml-lines.js';

/** Variables by group or host name, each remembering `group_vars/FILE: line N`. */
export interface VarsDirectories {
  groups: Map<string, Map<string, AnsibleVar>>;
  hosts: Map<string, Map<string, AnsibleVar>>;
}

const EXTENSIONS = ['', '.yml', '.yaml', '.json'];
// `!vault` values load as a marker: harmless on an application variable, refused on a connection one.
const SCHEMA = DEFAULT_SCHEMA.extend([new Type('!vault', { kind: 'scalar', construct: () => VAULTED })]);

/** Reads the vars directories in `baseDir` for every group and host of the model (none: empty maps). */
export function readVarsDirectories(baseDir: string, model: AnsibleModel, problems: Problem[]): VarsDirectories {
  return {
    groups: readEach(join(baseDir, 'group_vars'), [...model.groups.keys()], baseDir, problems),
    hosts: readEach(join(baseDir, 'host_vars'), [...model.hosts.keys()], baseDir, problems),
  };
}

function readEach(dir: string, names: string[], baseDir: string, problems: Problem[]): Map<string, Map<string, AnsibleVar>> {
  const result = new Map<string, Map<string, AnsibleVar>>();
  if (!isDirectory(dir)) return result;
  for (const name of names) {
    const vars = new Map<string, AnsibleVar>();
    for (const file of findVarsFiles(dir, name)) readVarsFile(file, relative(baseDir, file), vars, problems);
    if (vars.size > 0) result.set(name, vars);
  }
  return result;
}

function findVarsFiles(dir: string, name: string): string[] {
  const base = join(dir, name);
  if (isDirectory(base)) return listFiles(base);
  return EXTENSIONS.map((extension) => base + extension).filter(isFile);
}

// Every file below `dir`, sorted, hidden ones and unknown extensions left out (as Ansible does).
function listFiles(dir: string): string[] {
  const entries = readdirSync(dir).filter((entry) => !entry.startsWith('.')).sort();
  return entries.flatMap((entry) => {
    const path = join(dir, entry);
    if (isDirectory(path)) return listFiles(path);
    return isFile(path) && EXTENSIONS.includes(extname(entry)) ? [path] : [];
  });
}

function readVarsFile(file: string, shown: string, vars: Map<string, AnsibleVar>, problems: Problem[]): void {
  const text = readFileSync(file, 'utf8');
  if (text.startsWith('$ANSIBLE_VAULT')) return;
  let located;
  try {
    located = loadLocatedYaml(text, file, SCHEMA);
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    const line = error.mark?.line;
    problems.push({ path: line === undefined ? shown : `${shown}: line ${line + 1}`, message: error.reason });
    return;
  }
  const { doc } = located;
  if (doc === null || doc === undefined) return;
  if (!isMapping(doc)) {
    problems.push({ path: shown, message: expected('a mapping of variables', doc) });
    return;
  }
  for (const [key, value] of Object.entries(doc)) {
    const line = located.lineOf(doc, key);
    const at = line === undefined ? `${shown}: ${key}` : `${shown}: line ${line}`;
    const reading = readAnsibleVar(key, value);
    if (reading.kind === 'problem') problems.push({ path: at, message: reading.message });
    vars.set(key, { value, at });
  }
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() === true;
}
