// `-i FILE` accepts nodescrub's own YAML and Ansible's INI and YAML inventories: this picks the reader.
//   .ini                                  → Ansible INI
//   YAML with `all:`, `plugin:` or only group-shaped top-level mappings (hosts/children/vars)
//   and no nodescrub `hosts:` list       → Ansible YAML
//   other YAML mappings                   → native
//   no extension (or another one) and not a YAML mapping → Ansible INI
// Ansible inventories also get the group_vars/ and host_vars/ next to them.
// Before any of that, a script (`#!`, executable bit) or a vault-encrypted file is refused.
import { readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { YAMLException } from 'js-yaml';
import { InventoryError } from '../errors.js';
import { checkAnsibleIni, checkAnsibleYaml, type AnsibleCheck } from './ansible/load.js';
import { describeVaultTag, findUnsupportedFile } from './ansible/unsupported.js';
import { loadLocatedYaml, type LocatedYaml } from './ansible/yaml-lines.js';
import { explainUnreadableFile } from './key-file.js';
import { checkInventoryDocument, loadInventory, type ParseInventoryOptions } from './load.js';
import { formatProblems, isMapping } from './problems.js';
import type { Inventory } from './types.js';

/** Which reader a file needs. */
export type InventoryFormat = 'native' | 'ansible-ini' | 'ansible-yaml';

const YAML_EXTENSIONS = ['.yaml', '.yml', '.json'];
const GROUP_KEYS = ['hosts', 'children', 'vars'];

/** The inventory, its format and every problem as `FILE: where: message` lines (empty: complete). */
export interface InventoryCheck {
  format: InventoryFormat;
  inventory: Inventory;
  problems: string[];
}

/**
 * Loads an inventory in any supported format; throws InventoryError listing every problem
 * (`FILE: path: message` for native YAML, `FILE: line N: message` for Ansible inventories).
 */
export function loadAnyInventory(file: string, env: NodeJS.ProcessEnv = process.env, options: ParseInventoryOptions = {}): Inventory {
  const { inventory, problems } = checkAnyInventory(file, env, options);
  if (problems.length > 0) throw new InventoryError(problems);
  return inventory;
}

/** Like loadAnyInventory, but problems in the content come back as data (completion lists what it can). */
export function checkAnyInventory(file: string, env: NodeJS.ProcessEnv = process.env, options: ParseInventoryOptions = {}): InventoryCheck {
  const unreadable = explainUnreadableFile(resolve(file));
  if (unreadable !== undefined) throw new InventoryError([`${file}: cannot read the inventory (${unreadable})`]);
  const text = readFileSync(file, 'utf8');
  const refused = findUnsupportedFile(file, text);
  if (refused !== undefined) throw new InventoryError(formatProblems(file, [refused]));
  const extension = extname(file).toLowerCase();
  const ansibleOptions = { varsDir: dirname(resolve(file)), ...options };
  const asIni = (): InventoryCheck => withFormat('ansible-ini', file, checkAnsibleIni(text, file, env, ansibleOptions));
  if (extension === '.ini') return asIni();
  let located: LocatedYaml;
  try {
    located = loadLocatedYaml(text, file);
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    if (error.reason.includes('!vault')) throw new InventoryError(formatProblems(file, [describeVaultTag(text)]));
    if (!YAML_EXTENSIONS.includes(extension)) return asIni();
    return { format: 'native', inventory: loadInventory(file, env, options), problems: [] }; // throws the YAML error, worded natively
  }
  if (isAnsibleYamlShape(located.doc)) return withFormat('ansible-yaml', file, checkAnsibleYaml(located, file, env, ansibleOptions));
  if (!YAML_EXTENSIONS.includes(extension) && !isMapping(located.doc)) return asIni();
  const checked = checkInventoryDocument(located.doc, file, env, options);
  return { format: 'native', inventory: checked.inventory, problems: formatProblems(file, checked.problems) };
}

/** True for YAML laid out as Ansible's: `all:`/`plugin:` at the top, or groups with hosts/children/vars. */
export function isAnsibleYamlShape(doc: unknown): boolean {
  if (!isMapping(doc)) return false;
  if (Array.isArray(doc.hosts)) return false;
  if (Object.hasOwn(doc, 'all') || Object.hasOwn(doc, 'plugin')) return true;
  const bodies = Object.values(doc);
  const groupShaped = (body: unknown): boolean => body === null || (isMapping(body) && Object.keys(body).every((key) => GROUP_KEYS.includes(key)));
  const declaresHosts = (body: unknown): boolean => isMapping(body) && (Object.hasOwn(body, 'hosts') || Object.hasOwn(body, 'children'));
  return bodies.length > 0 && bodies.every(groupShaped) && bodies.some(declaresHosts);
}

function withFormat(format: InventoryFormat, file: string, checked: AnsibleCheck): InventoryCheck {
  return { format, inventory: checked.inventory, problems: formatProblems(file, checked.problems) };
}
