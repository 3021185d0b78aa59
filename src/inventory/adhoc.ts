// `--hosts a,b,ops@c:2222`: an inventory from the command line, validated like a file.
import { InventoryError } from '../errors.js';
import { isUserName } from './address.js';
import { checkInventoryDocument, type ParseInventoryOptions } from './load.js';
import { expected, formatProblems, type Problem } from './problems.js';
import type { Settings } from './settings.js';
import type { Inventory } from './types.js';

/** The source name in messages and in `Inventory.source`. */
export const HOST_LIST_SOURCE = '<--hosts>';

/** Settings for every listed host, as an inventory's `defaults:` (jumpHost written `[user@]host[:port]`). */
export type HostListDefaults = Partial<Omit<Settings, 'jumpHost'> & { jumpHost: string | null }>;

const ITEM_SYNTAX = '[user@]host[:port]';

/**
 * Parses `a,b,user@c:2222` (names may be ranges: `node[01-03]`), applies `defaults`, and runs the
 * same checks as a file. Throws InventoryError with lines `<--hosts>: item N: ...`.
 */
export function inventoryFromHostList(
  list: string,
  defaults: HostListDefaults = {},
  env: NodeJS.ProcessEnv = process.env,
  options: ParseInventoryOptions = {},
): Inventory {
  const problems: Problem[] = [];
  const hosts: Record<string, unknown>[] = [];
  const itemNumbers: number[] = [];
  splitHostList(list).forEach((item, index) => {
    const host = parseHostItem(item);
    if (typeof host === 'string') problems.push({ path: `item ${index + 1}`, message: expected(ITEM_SYNTAX, item, host) });
    else {
      hosts.push(host);
      itemNumbers.push(index + 1);
    }
  });
  if (problems.length === 0 && hosts.length === 0) problems.push({ path: '', message: expected('a comma-separated list of hosts', list) });
  const checked = checkInventoryDocument({ defaults, hosts }, HOST_LIST_SOURCE, env, { baseDir: process.cwd(), ...options });
  const relabel = (text: string): string => text.replace(/hosts\[(\d+)\](\.name)?/g, (_, index: string) => `item ${itemNumbers[Number(index)]}`);
  const fromChecks = hosts.length === 0 ? [] : checked.problems.map((problem) => ({ path: relabel(problem.path), message: relabel(problem.message) }));
  problems.push(...fromChecks);
  if (problems.length > 0) throw new InventoryError(formatProblems(HOST_LIST_SOURCE, problems));
  return checked.inventory;
}

// Commas inside brackets belong to ranges (`node[1,3]`), not to the list.
function splitHostList(list: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of `${list},`) {
    if (char === '[') depth++;
    if (char === ']') depth = Math.max(0, depth - 1);
    if (char === ',' && depth === 0) {
      if (current.trim() !== '') items.push(current.trim());
      current = '';
    } else current += char;
  }
  return items;
}

// `ops@node[01-03]:2222` → { name, user, port }; the name is checked (and expanded) by the shared parser.
function parseHostItem(item: string): Record<string, unknown> | string {
  const at = item.indexOf('@');
  const user = at === -1 ? undefined : item.slice(0, at);
  const rest = at === -1 ? item : item.slice(at + 1);
  if (user !== undefined && !isUserName(user)) return `bad user name "${user}"`;
  const colon = rest.lastIndexOf(':');
  const portText = colon > rest.lastIndexOf(']') ? rest.slice(colon + 1) : undefined;
  const name = portText === undefined ? rest : rest.slice(0, colon);
  if (name === '') return 'no host';
  // An IPv6 address is written in brackets, as ssh and URLs do (`root@[fd00::5]:22`): the brackets
  // only delimit it from the port; a bracket without a colon inside stays a name range (`node[01-03]`).
  const ipv6 = /^\[([0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)\]$/.exec(name);
  const host: Record<string, unknown> = ipv6 ? { name: ipv6[1], address: ipv6[1] } : { name };
  if (user !== undefined) host.user = user;
  if (portText !== undefined) {
    const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) return `bad port "${portText}", expected 1-65535`;
    host.port = port;
  }
  return host;
}
