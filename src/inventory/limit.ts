// `--limit`: narrows an inventory to the hosts a pattern names, keeping inventory order.
import { fail, ok, type Result } from '../errors.js';
import { globToRegExp, isGlob, type LimitPattern, type LimitTerm } from './limit-terms.js';
import { expandHostPattern, hasHostRange } from './ranges.js';
import type { HostSpec, Inventory } from './types.js';

/**
 * Hosts selected by `pattern` (undefined: all), in inventory order, each once. Ansible's order of
 * evaluation: every plain term is added, then `&` terms intersect, then `!` terms remove, wherever
 * they are written; a pattern of only `!` terms starts from all hosts. A term that matches nothing
 * is a failure, one message per term (a mistyped `!name` must not silently scrub the host it meant
 * to spare); so is a pattern that selects no host. The CLI turns the messages into a usage error.
 */
export function selectHosts(inventory: Inventory, limit?: LimitPattern): Result<HostSpec[], string[]> {
  if (limit === undefined) return ok([...inventory.hosts]);
  const { terms } = limit;
  const problems: string[] = [];
  const matches = new Map<LimitTerm, Set<string>>();
  for (const term of terms) {
    const matched = matchTerm(inventory, term);
    if (typeof matched === 'string') problems.push(matched);
    else matches.set(term, matched);
  }
  if (problems.length > 0) return fail(problems);
  const byOperation = (operation: LimitTerm['operation']): Set<string>[] =>
    terms.filter((term) => term.operation === operation).map((term) => matches.get(term) ?? new Set<string>());
  const includes = byOperation('include');
  const selected = includes.length === 0 ? new Set(inventory.hosts.map((host) => host.name)) : unionOf(includes);
  for (const kept of byOperation('intersect')) for (const name of selected) if (!kept.has(name)) selected.delete(name);
  for (const removed of byOperation('exclude')) for (const name of removed) selected.delete(name);
  const hosts = inventory.hosts.filter((host) => selected.has(host.name));
  if (hosts.length === 0) return fail([`${JSON.stringify(limit.written)} selects no hosts`]);
  return ok(hosts);
}

// The host names one term stands for, or a message saying why it stands for none.
function matchTerm(inventory: Inventory, term: LimitTerm): Set<string> | string {
  const { text, written } = term;
  if (text === 'all' || text === '*') return new Set(inventory.hosts.map((host) => host.name));
  let candidates = [text];
  if (hasHostRange(text)) {
    const expansion = expandHostPattern(text);
    if (!expansion.ok) return `${JSON.stringify(written)}: ${expansion.error}`;
    candidates = expansion.value;
  }
  const names = new Set<string>();
  let emptyGroup = false;
  for (const candidate of candidates) {
    const accepts = isGlob(candidate) ? matcherFor(globToRegExp(candidate)) : (name: string) => name === candidate;
    for (const host of inventory.hosts) if (accepts(host.name)) names.add(host.name);
    for (const [group, members] of Object.entries(inventory.groups)) {
      if (!accepts(group)) continue;
      for (const member of members) names.add(member);
      emptyGroup ||= members.length === 0;
    }
  }
  if (names.size > 0) return names;
  return emptyGroup ? `${JSON.stringify(written)} is a group with no hosts` : `${JSON.stringify(written)} matches no host or group`;
}

function matcherFor(regexp: RegExp): (name: string) => boolean {
  return (name) => regexp.test(name);
}

function unionOf(sets: Set<string>[]): Set<string> {
  return new Set(sets.flatMap((set) => [...set]));
}
