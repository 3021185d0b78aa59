// kube-proxy's IPVS mode: a virtual service per service IP and port, its IP bound to kube-ipvs0.
// Exactly those services go (`ipvsadm -D`), before the interfaces step deletes kube-ipvs0; a service
// on any other address (a load balancer of the host's own, keepalived's) stays, and so do fwmark ones.
import { IPVS_INTERFACE } from '../catalogue.js';
import type { IpvsService } from '../facts/ipvs.js';
import { shellQuote } from '../quote.js';
import type { Artifact, Step } from '../types.js';
import { bounded, failPlan, makePlan } from './common.js';

const head = { id: 'ipvs', title: `Delete kube-proxy's IPVS services (those on ${IPVS_INTERFACE})` };

const FLAG = { tcp: '-t', udp: '-u', sctp: '--sctp-service' } as const;

export const ipvsStep: Step = {
  ...head,
  description:
    `Deletes the IPVS virtual services (ipvsadm -D) whose address is bound to ${IPVS_INTERFACE}, kube-proxy's IPVS ` +
    'mode device, with their real servers. Services on other addresses and fwmark services stay. Without ipvsadm ' +
    'they cannot be listed: reported as going at reboot.',
  plan(facts) {
    const ipvs = facts.ipvs;
    const bound = new Set(ipvs.interfaceAddresses);
    if (!ipvs.ipvsadm || ipvs.services === null) {
      if (bound.size === 0) return makePlan(head, {}, `already clean: no ${IPVS_INTERFACE} address`);
      if (ipvs.error) return failPlan(head, `${IPVS_INTERFACE} holds ${bound.size} address(es) but ${ipvs.error}`);
      const deferred: Artifact[] = [{ category: 'iptables', name: `ipvs services of ${IPVS_INTERFACE}`, detail: 'ipvsadm is not installed: they go at reboot' }];
      return makePlan(head, { deferred }, 'nothing to delete now: ipvsadm is not installed (the services go at reboot)');
    }
    const ours = ipvs.services.filter((s): s is IpvsService & { protocol: keyof typeof FLAG; address: string } => s.protocol !== 'fwmark' && s.address !== null && bound.has(s.address));
    const others = ipvs.services.length - ours.length;
    const artifacts: Artifact[] = ours.map((s) => ({ category: 'iptables', name: `ipvs ${s.protocol} ${s.service}`, detail: `IPVS virtual service on ${IPVS_INTERFACE}` }));
    // Gone already (kube-proxy is dead, but something may have removed it) is fine.
    const commands = ours.map((s) => {
      const target = `${FLAG[s.protocol]} ${shellQuote(s.service)}`;
      return `${bounded(facts.tools, 30, `ipvsadm -D ${target}`)} 2>/dev/null || ! ipvsadm -Ln ${target} >/dev/null 2>&1`;
    });
    const notes = others > 0 && ours.length > 0 ? [`${others} other IPVS service(s) (not on ${IPVS_INTERFACE}) stay`] : [];
    return makePlan(head, { artifacts, commands, notes }, `already clean: no IPVS service on ${IPVS_INTERFACE}`);
  },
};
