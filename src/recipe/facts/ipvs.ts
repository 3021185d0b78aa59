// IPVS virtual services (`ipvsadm -Sn`, the save format: one `-A` line per service) and the
// addresses on kube-ipvs0, the dummy device kube-proxy's IPVS mode binds every service IP to. A
// kernel without IPVS has no services: that failure is not a failure.
import { IPVS_INTERFACE } from '../catalogue.js';
import { shellQuote } from '../quote.js';
import { bodyLines, parseFail, type FactDefinition } from '../probe/section.js';

export type IpvsProtocol = 'tcp' | 'udp' | 'sctp' | 'fwmark';

export interface IpvsService {
  protocol: IpvsProtocol;
  /** `10.43.0.1:443`, `[fd00::1]:443`, or the mark for fwmark services. */
  service: string;
  /** The address alone (no port, no brackets); null for fwmark services. */
  address: string | null;
}

export interface IpvsFacts {
  /** ipvsadm installed (without it no service can be listed or deleted). */
  ipvsadm: boolean;
  /** null when they could not be listed (error says why). */
  services: IpvsService[] | null;
  error: string | null;
  /** Addresses (without prefix length) on kube-ipvs0; empty when it is absent. */
  interfaceAddresses: string[];
}

const FLAGS: Record<string, IpvsProtocol> = { '-t': 'tcp', '-u': 'udp', '--sctp-service': 'sctp', '-f': 'fwmark' };
// A kernel without the IPVS module (or a container without it): nothing can be there.
const NO_KERNEL_SUPPORT = /Protocol not available|Can't initialize ipvs|modprobe/i;

// Without kube-ipvs0 there is nothing of kube-proxy's to find: no ipvsadm process on such hosts (issue 20).
const SCRIPT = `[ -e /sys/class/net/${IPVS_INTERFACE} ] || { echo 'interface no'; return 0; }
if __ns_has ipvsadm; then echo 'ipvsadm yes'
  out=$(__ns_t 15 ipvsadm -Sn 2>&1); rc=$?
  if [ $rc -eq 0 ]; then printf '%s\\n' "$out" | sed -n 's/^-A /service /p'
  else printf 'error %s %s\\n' "$rc" "$(printf '%s' "$out" | head -n 1)"; fi
else echo 'ipvsadm no'; fi
ip -o addr show dev ${shellQuote(IPVS_INTERFACE)} 2>/dev/null | awk '{ print "address", $4 }'
return 0`;

function parseService(rest: string, lineNo: number): IpvsService {
  const match = /^(-t|-u|--sctp-service|-f) (\S+)(?: .*)?$/.exec(rest);
  if (!match) return parseFail('ipvs', `bad service line ${JSON.stringify(rest.slice(0, 80))}`, lineNo);
  const protocol = FLAGS[match[1]];
  const service = match[2];
  if (protocol === 'fwmark') {
    if (!/^\d{1,10}$/.test(service)) parseFail('ipvs', `bad fwmark ${JSON.stringify(service.slice(0, 40))}`, lineNo);
    return { protocol, service, address: null };
  }
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(service);
  const v6 = /^\[([0-9a-fA-F:.]+)\]:\d{1,5}$/.exec(service);
  if (!v4 && !v6) return parseFail('ipvs', `bad service address ${JSON.stringify(service.slice(0, 60))}`, lineNo);
  return { protocol, service, address: (v4 ?? v6)![1].toLowerCase() };
}

export const ipvsFact: FactDefinition<IpvsFacts> = {
  sections: [{ id: 'ipvs', inline: true, script: SCRIPT }],
  parse(read) {
    const facts: IpvsFacts = { ipvsadm: false, services: null, error: null, interfaceAddresses: [] };
    const services: IpvsService[] = [];
    const lines = bodyLines(read.get('ipvs').stdout);
    if (lines[0] === 'interface no') {
      if (lines.length > 1) parseFail('ipvs', `unexpected line ${JSON.stringify(lines[1].slice(0, 80))}`, 2);
      return { ...facts, services: [] }; // not read, and nothing to read: no kube-proxy service can be bound
    }
    lines.forEach((line, i) => {
      const lineNo = i + 1;
      const [word] = line.split(' ', 1);
      const rest = line.slice(word.length + 1);
      if (word === 'ipvsadm' && (rest === 'yes' || rest === 'no')) return void (facts.ipvsadm = rest === 'yes');
      if (word === 'service') return void services.push(parseService(rest, lineNo));
      if (word === 'error') {
        const match = /^(\d+) ?(.*)$/.exec(rest);
        if (!match) return parseFail('ipvs', `bad error line ${JSON.stringify(line.slice(0, 80))}`, lineNo);
        if (NO_KERNEL_SUPPORT.test(match[2])) return; // no IPVS here: no service (listed as none below)
        facts.error = match[1] === '124' ? 'ipvsadm -Sn gave no answer within 15 s' : `ipvsadm -Sn failed (exit ${match[1]}): ${match[2] || 'no message'}`;
        return;
      }
      if (word === 'address') {
        const match = /^([0-9a-fA-F:.]+)\/\d{1,3}$/.exec(rest);
        if (!match) return parseFail('ipvs', `bad address line ${JSON.stringify(line.slice(0, 80))}`, lineNo);
        return void facts.interfaceAddresses.push(match[1].toLowerCase());
      }
      parseFail('ipvs', `unexpected line ${JSON.stringify(line.slice(0, 80))}`, lineNo);
    });
    if (facts.ipvsadm && facts.error === null) facts.services = services;
    return facts;
  },
};
