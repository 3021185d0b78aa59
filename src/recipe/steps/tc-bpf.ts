// Cilium's tc programs on the host's devices: each filter is deleted by its device, direction,
// pref and handle (never the clsact qdisc: other programs may hang off it). On the interface that
// carries the SSH session (or one tied to it) a program that still passes the session's packets is
// left alone and reported as going at reboot: removing it could change how those packets are handled.
import { shellQuote } from '../quote.js';
import type { Artifact, Step } from '../types.js';
import { bounded, makePlan } from './common.js';
import { protectedInterfaces } from './ssh-guard.js';

const head = { id: 'tc-bpf', title: "Detach Cilium's tc programs from the host's devices" };

export const tcBpfStep: Step = {
  ...head,
  description:
    "Where Cilium left a trace, deletes the tc bpf filters whose program is Cilium's (cil_*, bpf_netdev*, bpf_host*, " +
    'bpf_overlay*) from the host\'s devices, one by one (tc filter del … pref P handle H bpf). On the SSH interface they are ' +
    'reported as going at reboot. Other programs and the clsact qdisc stay.',
  plan(facts) {
    const filters = facts.tcBpf.filters;
    const keep = facts.interfaces.available ? protectedInterfaces(facts, facts.interfaces.links) : new Set<string>();
    const artifacts: Artifact[] = [];
    const deferred: Artifact[] = [];
    const commands: string[] = [];
    for (const f of filters) {
      const artifact: Artifact = { category: 'interfaces', name: `tc ${f.device} ${f.direction} ${f.program}`, detail: `bpf filter, pref ${f.pref}, handle ${f.handle}` };
      // Without the interface list the SSH interface is unknown: every program is left to the reboot.
      if (keep.has(f.device) || !facts.interfaces.available) {
        const why = facts.interfaces.available ? 'on the interface carrying the SSH session' : 'the SSH interface cannot be told (no interface list)';
        deferred.push({ ...artifact, detail: `${artifact.detail}: ${why}, goes at reboot` });
        continue;
      }
      artifacts.push(artifact);
      const target = `dev ${shellQuote(f.device)} ${f.direction} protocol ${f.protocol} pref ${f.pref} handle ${f.handle} bpf`;
      commands.push(`${bounded(facts.tools, 30, `tc filter del ${target}`)} 2>/dev/null || ! tc filter show dev ${shellQuote(f.device)} ${f.direction} 2>/dev/null | grep -qF -- ${shellQuote(` handle ${f.handle} ${f.program}`)}`);
    }
    return makePlan(head, { artifacts, commands, deferred }, deferred.length > 0 ? "nothing to detach now (on the SSH interface Cilium's programs go at reboot)" : "already clean: no Cilium program on the host's devices");
  },
};
