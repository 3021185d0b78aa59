// Reading an Ansible inventory: text → model (INI or YAML reader) → Inventory, with problems as data
// so a caller can choose between throwing (commands) and using what is there (shell completion).
import { homedir } from 'node:os';
import { YAMLException } from 'js-yaml';
import { InventoryError } from '../../errors.js';
import type { ParseInventoryOptions } from '../load.js';
import { localUserName, type NormalizeContext } from '../normalize.js';
import { formatProblems, type Problem } from '../problems.js';
import type { Inventory } from '../types.js';
import { readAnsibleIni } from './ini.js';
import type { AnsibleModel } from './model.js';
import { resolveAnsibleModel } from './resolve.js';
import { describeVaultTag } from './unsupported.js';
import { readVarsDirectories } from './vars-dirs.js';
import { readAnsibleYaml } from './yaml.js';
import { loadLocatedYaml, type LocatedYaml } from './yaml-lines.js';

/** The native options, plus where group_vars/ and host_vars/ are looked for (unset: not read). */
export interface AnsibleOptions extends ParseInventoryOptions {
  varsDir?: string;
}

/** An inventory and everything wrong with it; complete only when problems is empty. */
export interface AnsibleCheck {
  inventory: Inventory;
  problems: Problem[];
}

/** Parses INI text into an Inventory, or throws InventoryError with every `SOURCE: line N: message`. */
export function parseAnsibleIni(text: string, source: string, env: NodeJS.ProcessEnv = process.env, options: AnsibleOptions = {}): Inventory {
  return orThrow(checkAnsibleIni(text, source, env, options), source);
}

/** Parses YAML text in Ansible's layout into an Inventory, or throws InventoryError. */
export function parseAnsibleYaml(text: string, source: string, env: NodeJS.ProcessEnv = process.env, options: AnsibleOptions = {}): Inventory {
  return orThrow(checkAnsibleYamlText(text, source, env, options), source);
}

function orThrow({ inventory, problems }: AnsibleCheck, source: string): Inventory {
  if (problems.length > 0) throw new InventoryError(formatProblems(source, problems));
  return inventory;
}

/** Checks INI text (Ansible's `hosts.ini`, or a file without extension in that form). */
export function checkAnsibleIni(text: string, source: string, env: NodeJS.ProcessEnv, options: AnsibleOptions = {}): AnsibleCheck {
  const problems: Problem[] = [];
  return finish(readAnsibleIni(text, problems), source, env, options, problems);
}

/** Checks YAML text in Ansible's inventory layout; a `!vault` value is one problem naming its line. */
export function checkAnsibleYamlText(text: string, source: string, env: NodeJS.ProcessEnv, options: AnsibleOptions = {}): AnsibleCheck {
  let located: LocatedYaml;
  try {
    located = loadLocatedYaml(text, source);
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    const problem = error.reason.includes('!vault') ? describeVaultTag(text) : describeYamlError(error);
    return { inventory: { source, hosts: [], groups: {} }, problems: [problem] };
  }
  return checkAnsibleYaml(located, source, env, options);
}

/** Checks an already-loaded YAML document (detection loads it once and hands it on). */
export function checkAnsibleYaml(located: LocatedYaml, source: string, env: NodeJS.ProcessEnv, options: AnsibleOptions = {}): AnsibleCheck {
  const problems: Problem[] = [];
  return finish(readAnsibleYaml(located, problems), source, env, options, problems);
}

function finish(model: AnsibleModel, source: string, env: NodeJS.ProcessEnv, options: AnsibleOptions, problems: Problem[]): AnsibleCheck {
  // Ansible hands key paths to ssh as written, so a relative one starts in the working directory.
  const context: NormalizeContext & { source: string } = {
    source,
    baseDir: options.baseDir ?? process.cwd(),
    localUser: options.localUser ?? localUserName(env),
    homeDir: options.homeDir ?? homedir(),
    ...(options.sshConfig ? { sshConfig: options.sshConfig } : {}),
  };
  const dirs = options.varsDir === undefined ? { groups: new Map(), hosts: new Map() } : readVarsDirectories(options.varsDir, model, problems);
  const inventory = resolveAnsibleModel(model, dirs, env, context, problems);
  return { inventory, problems };
}

function describeYamlError(error: YAMLException): Problem {
  const line = error.mark?.line;
  return { path: line === undefined ? '' : `line ${line + 1}`, message: error.reason };
}
