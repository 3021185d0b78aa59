// Step 5: delete the cluster's virtual interfaces, matched exactly (see INTERFACE_NAMES and
// INTERFACE_PATTERNS in catalogue.ts). Never `lo`, never the interface carrying the SSH session
// (nor anything tied to it), never a near miss. tunl0 owned by the ipip module cannot be deleted:
// it is reported as going at reboot.
import { INTERFACE_NAMES, isClusterInterface } from '../catalogue.js';
import type { NetLink } from '../facts/interfaces.js';
import { shellQuote } from '../quote.js';
import type { Artifact, Step } from '../types.js';
import { failPlan, makePlan, refusePlan } from './common.js';
import { protectedInterfaces } from './ssh-guard.js';

const head = { id: 'interfaces', title: 'Delete cluster network interfaces' };

/** Succeeds when the link is already gone (deleting one end of a veth pair removes the other). */
export function deleteLinkCommand(name: string): string {
  const q = shellQuote(name);
  return `if ip link show dev ${q} >/dev/null 2>&1; then ip link delete dev ${q}; fi`;
}

/** The ipip module's fallback device: only goes when the module is unloaded (at reboot). */
function isIpipFallback(link: NetLink): boolean {
  return link.name === 'tunl0' && (link.kind === 'ipip' || link.linkType === 'ipip');
}

// Pod ends first, then the bridge, the overlay, the tunnel.
function deleteRank(name: string): number {
  const exact = (INTERFACE_NAMES as readonly string[]).indexOf(name);
  return exact === -1 ? 0 : exact + 1;
}

function describeLink(link: NetLink): string {
  return [link.kind ?? link.linkType ?? 'link', link.peer ? `peer ${link.peer}` : '', link.master ? `master ${link.master}` : '']
    .filter(Boolean)
    .join(', ');
}

export const interfacesStep: Step = {
  ...head,
  description:
    'Deletes flannel.1, cni0, tunl0 and interfaces named exactly cali + 11 lowercase hex or veth + 8 lowercase hex ' +
    '(ip link delete). Never lo, never the interface carrying the SSH session or its peer/ports; tunl0 of kind ipip goes at reboot.',
  plan(facts) {
    const interfaces = facts.interfaces;
    if (!interfaces.available) return failPlan(head, `cannot list interfaces: ${interfaces.error}`);
    const candidates = interfaces.links.filter((l) => isClusterInterface(l.name));
    const keep = protectedInterfaces(facts, interfaces.links);
    const notes: string[] = [];
    if (!facts.ssh.connection) notes.push('SSH_CONNECTION not set: no SSH interface to protect (not run over SSH?)');
    else if (!facts.ssh.addressInterface && !facts.ssh.routeInterface && candidates.length > 0) {
      return refusePlan(head, `cannot tell which interface carries the SSH session (${facts.ssh.connection.serverAddress}); not deleting interfaces`);
    }
    const artifacts: Artifact[] = [];
    const deferred: Artifact[] = [];
    for (const link of [...candidates].sort((a, b) => deleteRank(a.name) - deleteRank(b.name))) {
      const artifact: Artifact = { category: 'interfaces', name: link.name, detail: describeLink(link) };
      if (keep.has(link.name)) notes.push(`${link.name} carries the SSH session (or is tied to it): kept`);
      else if (isIpipFallback(link)) deferred.push({ ...artifact, detail: 'ipip fallback device: goes at reboot' });
      else artifacts.push(artifact);
    }
    return makePlan(
      head,
      { artifacts, commands: artifacts.map((a) => deleteLinkCommand(a.name)), notes, deferred },
      deferred.length > 0 ? 'nothing to delete now (tunl0 goes at reboot)' : 'already clean: no cluster interfaces',
    );
  },
};
