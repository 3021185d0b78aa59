// The interfaces that must survive for the SSH session to survive: the one carrying it, plus every
// link tied to it — its veth peer or lower device (`@` in ip's output), links naming it as their
// peer, its bridge ports, and the bridge it is itself a port of (SSH that reaches the host through
// a port of cni0 crosses cni0) — closed transitively (deleting one end of a veth deletes both).
import type { NetLink } from '../facts/interfaces.js';
import type { Facts } from '../probe/probe.js';

export function protectedInterfaces(facts: Facts, links: readonly NetLink[]): Set<string> {
  const start = [facts.ssh.addressInterface, facts.ssh.routeInterface].filter((n): n is string => n !== null);
  const keep = new Set<string>(['lo', ...start]);
  const queue = [...start];
  while (queue.length > 0) {
    const name = queue.pop() as string;
    const self = links.find((l) => l.name === name);
    const related = links
      .filter((l) => l.peer === name || l.master === name || (self !== undefined && (self.peer === l.name || self.master === l.name)))
      .map((l) => l.name);
    for (const other of related) {
      if (!keep.has(other)) {
        keep.add(other);
        queue.push(other);
      }
    }
  }
  return keep;
}
