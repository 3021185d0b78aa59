// Reading an inventory: file → YAML → parse → normalize → rules, with every problem reported at once.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { load, YAMLException } from 'js-yaml';
import { InventoryError } from '../errors.js';
import { explainUnreadableFile } from './key-file.js';
import { localUserName, resolveHosts } from './normalize.js';
import type { SshConfigSource } from './ssh-config/merge.js';
import { parseInventoryShape } from './parse.js';
import { formatProblems, type Problem } from './problems.js';
import { checkDeclarations, checkHostEnvironment } from './rules.js';
import type { Inventory } from './types.js';

/** What the document alone can't say: where relative paths start, who the local user is. */
export interface ParseInventoryOptions {
  /** Relative identityFile paths resolve against this; default: the directory of `source`. */
  baseDir?: string;
  /** User for a jumpHost written without `user@`; default: the local login name. */
  localUser?: string;
  /** What `~` expands to; default: os.homedir(). */
  homeDir?: string;
  /** --ssh-config: fills the connection settings nobody wrote for a host. */
  sshConfig?: SshConfigSource;
}

/**
 * Loads and validates an inventory file (synchronously: it runs once, before anything else).
 * Throws InventoryError listing every problem as `FILE: path: message`; never returns a partial inventory.
 */
export function loadInventory(file: string, env: NodeJS.ProcessEnv = process.env, options: ParseInventoryOptions = {}): Inventory {
  const unreadable = explainUnreadableFile(resolve(file));
  if (unreadable !== undefined) throw new InventoryError([`${file}: cannot read the inventory (${unreadable})`]);
  let doc: unknown;
  try {
    doc = load(readFileSync(file, 'utf8'), { filename: file });
  } catch (error) {
    if (error instanceof YAMLException) throw new InventoryError([describeYamlError(file, error)]);
    throw new InventoryError([`${file}: cannot read the inventory (${String(error)})`]);
  }
  return parseInventoryDocument(doc, file, env, { baseDir: dirname(resolve(file)), ...options });
}

/** Validates an already-parsed document (YAML, JSON, or built in code); exposed for tests and importers. */
export function parseInventoryDocument(
  doc: unknown,
  source: string,
  env: NodeJS.ProcessEnv = process.env,
  options: ParseInventoryOptions = {},
): Inventory {
  const { inventory, problems } = checkInventoryDocument(doc, source, env, options);
  if (problems.length > 0) throw new InventoryError(formatProblems(source, problems));
  return inventory;
}

/** The three steps with problems as data: the inventory is complete only when problems is empty. */
export function checkInventoryDocument(
  doc: unknown,
  source: string,
  env: NodeJS.ProcessEnv,
  options: ParseInventoryOptions = {},
): { inventory: Inventory; problems: Problem[] } {
  const problems: Problem[] = [];
  const parsed = parseInventoryShape(doc, problems);
  checkDeclarations(parsed, problems);
  const context = {
    baseDir: options.baseDir ?? dirname(resolve(source)),
    localUser: options.localUser ?? localUserName(env),
    homeDir: options.homeDir ?? homedir(),
    ...(options.sshConfig ? { sshConfig: options.sshConfig } : {}),
  };
  const { hosts, groups } = resolveHosts(parsed, context);
  checkHostEnvironment(hosts, env, problems);
  return { inventory: { source, hosts: hosts.map((host) => host.spec), groups }, problems };
}

// `FILE: line L: reason`: js-yaml's own message repeats the file and adds a code excerpt; keep it one line.
function describeYamlError(file: string, error: YAMLException): string {
  const line = error.mark?.line;
  return line === undefined ? `${file}: ${error.reason}` : `${file}: line ${line + 1}: ${error.reason}`;
}
