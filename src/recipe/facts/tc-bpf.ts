// Cilium's tc BPF programs left on the host's devices. Read only where Cilium left a trace
// (cilium_host, /run/cilium or tc-pinned maps), so other hosts pay no `tc` process per device;
// Cilium's own devices (cilium_*, lxc*) are skipped: deleting them removes their programs.
import { BPF_PIN_DIRECTORY, CILIUM_TC_PROGRAM } from '../catalogue.js';
import { shellQuote } from '../quote.js';
import { bodyLines, parseFail, type FactDefinition } from '../probe/section.js';

export interface TcBpfFilter {
  device: string;
  direction: 'ingress' | 'egress';
  protocol: string;
  pref: number;
  handle: string;
  /** The program's name as tc shows it (`cil_from_netdev-eth0`, `bpf_netdev_eth0.o:[from-netdev]`). */
  program: string;
}

export interface TcBpfFacts {
  /** Cilium left a trace, so the devices were read. */
  checked: boolean;
  /** bpf filters whose program is Cilium's (CILIUM_TC_PROGRAM); others are never listed. */
  filters: TcBpfFilter[];
}

const SCRIPT = `if [ -e /sys/class/net/cilium_host ] || [ -d /run/cilium ] || [ -d ${shellQuote(BPF_PIN_DIRECTORY)} ]; then
  echo 'checked yes'
  __ns_has tc || return 0
  for d in /sys/class/net/*; do n=\${d##*/}
    case $n in lo | cilium_* | lxc*) continue ;; esac
    for dir in ingress egress; do
      tc filter show dev "$n" "$dir" 2>/dev/null | while IFS= read -r l; do
        case $l in *' bpf '*' handle '*) printf 'filter %s %s %s\\n' "$n" "$dir" "$l" ;; esac
      done
    done
  done
else echo 'checked no'; fi
return 0`;

// `filter protocol all pref 1 bpf chain 0 handle 0x1 cil_from_netdev-eth0 direct-action not_in_hw id 7 …`
const FILTER = /^filter (\S{1,15}) (ingress|egress) filter protocol (\w+) pref (\d{1,5}) bpf (?:chain \d+ )?handle (0x[0-9a-f]{1,8}) (\S+)(?: .*)?$/;
const DEVICE = /^[A-Za-z0-9_.@:-]{1,15}$/;

export const tcBpfFact: FactDefinition<TcBpfFacts> = {
  sections: [{ id: 'tc-bpf', inline: true, script: SCRIPT }],
  parse(read) {
    const [first, ...lines] = bodyLines(read.get('tc-bpf').stdout);
    if (first !== 'checked yes' && first !== 'checked no') return parseFail('tc-bpf', `unexpected first line ${JSON.stringify((first ?? '').slice(0, 80))}`, 1);
    const filters: TcBpfFilter[] = [];
    lines.forEach((line, i) => {
      const match = FILTER.exec(line.trimEnd());
      if (!match || !DEVICE.test(match[1])) return parseFail('tc-bpf', `unexpected line ${JSON.stringify(line.slice(0, 80))}`, i + 2);
      if (!CILIUM_TC_PROGRAM.test(match[6])) return; // someone else's program: not ours to know about
      filters.push({ device: match[1], direction: match[2] as TcBpfFilter['direction'], protocol: match[3], pref: Number(match[4]), handle: match[5], program: match[6] });
    });
    return { checked: first === 'checked yes', filters };
  },
};
