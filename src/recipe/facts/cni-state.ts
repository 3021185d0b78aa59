// The runtime state newer CNIs leave outside the reference's 16 paths: Cilium's and Weave Net's state
// dirs (CNI_STATE_PATHS) and Cilium's pinned BPF objects. Builtins only: no process per path.
import { BPF_CILIUM_TREE, BPF_PIN_DIRECTORY, BPF_PIN_PREFIX, CNI_STATE_PATHS } from '../catalogue.js';
import { shellQuote } from '../quote.js';
import { bodyLines, parseFail, type FactDefinition } from '../probe/section.js';
import { PATH_TYPE_PROBE, PATH_TYPES, type PathType } from './path-shape.js';

export interface CniStatePath {
  path: string;
  type: PathType;
}

export interface CniStateFacts {
  /** Each of CNI_STATE_PATHS that exists; `/var/run/…` is left out when /var/run is /run. */
  paths: CniStatePath[];
  /** Pinned objects `cilium_*` in BPF_PIN_DIRECTORY, and BPF_CILIUM_TREE when it exists. */
  pins: string[];
}

const SCRIPT = `for p in ${CNI_STATE_PATHS.map((c) => shellQuote(c.path)).join(' ')}; do
  case $p in /var/run/*) [ /var/run -ef /run ] && continue ;; esac
  ${PATH_TYPE_PROBE}
  [ "$t" = absent ] || printf 'path %s %s\\n' "$t" "$p"
done
for f in ${shellQuote(BPF_PIN_DIRECTORY)}/${BPF_PIN_PREFIX}*; do [ -e "$f" ] && printf 'pin %s\\n' "$f"; done
[ -d ${shellQuote(BPF_CILIUM_TREE)} ] && printf 'pin %s\\n' ${shellQuote(BPF_CILIUM_TREE)}
return 0`;

const PIN = new RegExp(`^${BPF_PIN_DIRECTORY.replace(/\//g, '\\/')}\\/${BPF_PIN_PREFIX}[A-Za-z0-9_]{1,120}$`);

export const cniStateFact: FactDefinition<CniStateFacts> = {
  sections: [{ id: 'cni-state', inline: true, script: SCRIPT }],
  parse(read) {
    const facts: CniStateFacts = { paths: [], pins: [] };
    bodyLines(read.get('cni-state').stdout).forEach((line, i) => {
      const path = /^path ([a-z]+) (\/.+)$/.exec(line);
      if (path && (PATH_TYPES as readonly string[]).includes(path[1]) && CNI_STATE_PATHS.some((c) => c.path === path[2])) {
        facts.paths.push({ path: path[2], type: path[1] as PathType });
        return;
      }
      const pin = /^pin (\/.+)$/.exec(line);
      if (pin && (PIN.test(pin[1]) || pin[1] === BPF_CILIUM_TREE)) {
        facts.pins.push(pin[1]);
        return;
      }
      parseFail('cni-state', `unexpected line ${JSON.stringify(line.slice(0, 80))}`, i + 1);
    });
    return facts;
  },
};
