// Step 5: delete the cluster's virtual interfaces, matched exactly by name and, where the kernel
// reports it, by link kind (see INTERFACE_RULES in catalogue.ts), plus every port of a cluster
// cni0. Never `lo`, never the interface carrying the SSH session (nor anything tied to it), never a
// near miss, never a link of another kind that shares a name (kept and named in the notes). tunl0
// owned by the ipip module and an Open vSwitch datapath (Weave fastdp) cannot be deleted with ip:
// they are reported as going at reboot.
import { CNI_BRIDGE, INTERFACE_RULES, interfaceRule, type InterfaceRule } from '../catalogue.js';
import type { InterfaceFacts, NetLink } from '../facts/interfaces.js';
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

/** Why `ip link delete` cannot remove this link (it goes at reboot), or null when it can. */
function undeletable(link: NetLink): string | null {
  // The ipip module's fallback device: only goes when the module is unloaded.
  if (link.name === 'tunl0' && (link.kind === 'ipip' || link.linkType === 'ipip')) return 'ipip fallback device: goes at reboot';
  // The openvswitch module's datapath device has no rtnl dellink (EOPNOTSUPP); Weave removes it
  // over the datapath genetlink family, which ip does not speak. Kernel datapaths end at reboot.
  if (link.kind === 'openvswitch') return 'Open vSwitch datapath (ip cannot delete it): goes at reboot';
  return null;
}

function describeLink(link: NetLink): string {
  return [link.kind ?? link.linkType ?? 'link', link.peer ? `peer ${link.peer}` : '', link.master ? `master ${link.master}` : '']
    .filter(Boolean)
    .join(', ');
}

function orList(kinds: readonly string[]): string {
  return kinds.length <= 1 ? kinds.join('') : `${kinds.slice(0, -1).join(', ')} or ${kinds[kinds.length - 1]}`;
}

/** Why a link that matches `rule` by name is not the one the rule means, or null when it is. */
function kindMismatch(link: NetLink, rule: InterfaceRule): string | null {
  if (link.kind === null || rule.kinds === null || rule.kinds.includes(link.kind)) return null;
  return `${link.name} is a ${link.kind}, not the ${orList(rule.kinds)} ${rule.source} makes: kept`;
}

interface Candidate {
  link: NetLink;
  /** Delete order: pod ends first (0), then the devices in the order of INTERFACE_RULES. */
  rank: number;
}

/**
 * What the rules pick (each link at most once), in delete order, and the notes on links that share
 * a name with a rule but are of another kind, or are ports of cni0 that cannot be deleted.
 */
function pickLinks(interfaces: Extract<InterfaceFacts, { available: true }>): { candidates: Candidate[]; notes: string[] } {
  const notes: string[] = [];
  const byName: Candidate[] = [];
  for (const link of interfaces.links) {
    const rule = interfaceRule(link.name);
    if (!rule) continue;
    const mismatch = kindMismatch(link, rule);
    if (mismatch) notes.push(mismatch);
    else byName.push({ link, rank: rule.pod ? 0 : 1 + INTERFACE_RULES.indexOf(rule) });
  }
  // The ports of the cluster's cni0 (not of a cni0 of another kind, which is kept): whatever their
  // name, as the killall scripts do — except a name a rule has already decided (a port sharing a
  // rule's name but not its kind stays kept). From `ip -d -j`, a port without a kind is not a
  // virtual link (a NIC: ip cannot delete it) and is kept.
  const ports: Candidate[] = [];
  if (byName.some((c) => c.link.name === CNI_BRIDGE)) {
    for (const link of interfaces.links) {
      if (link.master !== CNI_BRIDGE || interfaceRule(link.name)) continue;
      if (interfaces.source === 'json' && link.kind === null) notes.push(`${link.name} is a port of ${CNI_BRIDGE} but not a virtual link: kept`);
      else ports.push({ link, rank: 0 });
    }
  }
  const position = (c: Candidate) => interfaces.links.indexOf(c.link);
  const candidates = [...byName, ...ports].sort((a, b) => a.rank - b.rank || position(a) - position(b));
  return { candidates, notes };
}

export const interfacesStep: Step = {
  ...head,
  description:
    'Deletes the interfaces CNIs and kube-proxy make, by exact name and (where ip reports it) link kind: ' +
    `${INTERFACE_RULES.map((r) => r.label).join(', ')} (hex lower case), and every port of the cluster's ${CNI_BRIDGE} ` +
    '(ip link delete; pod ends first). A link of another kind that shares a name is kept and named. ' +
    'Never lo, never the interface carrying the SSH session or its peer/ports/bridge; tunl0 of kind ipip and an Open vSwitch datapath go at reboot.',
  plan(facts) {
    const interfaces = facts.interfaces;
    if (!interfaces.available) return failPlan(head, `cannot list interfaces: ${interfaces.error}`);
    const { candidates, notes: kindNotes } = pickLinks(interfaces);
    const keep = protectedInterfaces(facts, interfaces.links);
    const notes: string[] = [];
    if (!facts.ssh.connection) notes.push('SSH_CONNECTION not set: no SSH interface to protect (not run over SSH?)');
    else if (!facts.ssh.addressInterface && !facts.ssh.routeInterface && candidates.length > 0) {
      return refusePlan(head, `cannot tell which interface carries the SSH session (${facts.ssh.connection.serverAddress}); not deleting interfaces`, kindNotes);
    }
    const artifacts: Artifact[] = [];
    const deferred: Artifact[] = [];
    for (const { link } of candidates) {
      const artifact: Artifact = { category: 'interfaces', name: link.name, detail: describeLink(link) };
      if (keep.has(link.name)) notes.push(`${link.name} carries the SSH session (or is tied to it): kept`);
      else {
        const why = undeletable(link);
        if (why) deferred.push({ ...artifact, detail: why });
        else artifacts.push(artifact);
      }
    }
    notes.push(...kindNotes);
    return makePlan(
      head,
      { artifacts, commands: artifacts.map((a) => deleteLinkCommand(a.name)), notes, deferred },
      deferred.length > 0
        ? `nothing to delete now (${deferred.map((a) => a.name).join(', ')} ${deferred.length === 1 ? 'goes' : 'go'} at reboot)`
        : 'already clean: no cluster interfaces',
    );
  },
};
