// Group and host names end up in --limit patterns, file names and log prefixes: the native rules
// apply to Ansible names too, and a name may not be both a group and a host.
import { isHostName } from '../address.js';
import { expected, type Problem } from '../problems.js';
import { IMPLICIT_GROUPS, type AnsibleModel } from './model.js';

/** Every group and host name that --limit could not safely use, each at the line declaring it. */
export function checkNames(model: AnsibleModel, problems: Problem[]): void {
  for (const group of model.groups.values()) {
    if (!IMPLICIT_GROUPS.includes(group.name) && !isHostName(group.name)) {
      problems.push({ path: group.at, message: badName('a group name (letters, digits, .-_)', group.name) });
    }
    if (model.hosts.has(group.name)) {
      const host = model.hosts.get(group.name);
      problems.push({ path: group.at, message: expected('a group name that is not also a host name', group.name, `host declared at ${host?.at}`) });
    }
  }
  for (const host of model.hosts.values()) {
    if (!isHostName(host.name)) {
      const message = badName('a host name (letters, digits, .-_)', host.name, 'for an IPv6 address, give the host a name and set ansible_host');
      problems.push({ path: host.at, message });
    }
  }
}

// A name with `=` is most likely `key=value` in the wrong place, and the value may be a password.
function badName(what: string, name: string, detail?: string): string {
  return name.includes('=') ? `expected ${what}, got a name with "=" (not shown: it may hold a secret)` : expected(what, name, detail);
}
