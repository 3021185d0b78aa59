// nftables tables (`nft list tables`): kube-proxy's nftables mode, Calico's and flannel's nft
// dataplanes keep their rules in tables of their own, invisible to iptables-save. Only the table
// list is read here; a table's rules are read by the step's backup just before it is deleted.
import { bodyLines, firstErrorLine, parseFail, type FactDefinition } from '../probe/section.js';

/** nftables address families. */
export const NFT_FAMILIES = ['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev'] as const;
export type NftFamily = (typeof NFT_FAMILIES)[number];

export interface NftTable {
  family: NftFamily;
  name: string;
}

export type NftablesFacts =
  | { available: true; tables: NftTable[] }
  /** `nft` missing (nothing can have made a table: kube-proxy, Calico and flannel drive nft) or failing. */
  | { available: false; missing: boolean; error: string };

// A table name as nft prints it: an identifier (letters, digits, `-`, `_`, `.`, `/`).
const TABLE_LINE = /^table (ip|ip6|inet|arp|bridge|netdev) ([A-Za-z_][A-Za-z0-9_./-]{0,63})$/;

export const nftablesFact: FactDefinition<NftablesFacts> = {
  sections: [
    {
      id: 'nftables',
      inline: true,
      // Netlink to the kernel: nothing to hang on, so no timeout process. The list stays in
      // $__ns_nft_tables for the iptables-nft sections after it (see iptables.ts).
      script: `if ! __ns_has nft; then echo 'nft missing'; return 0; fi
echo 'nft yes'
__ns_nft_tables=$(nft list tables); __ns_nft_rc=$?
[ -z "$__ns_nft_tables" ] || printf '%s\\n' "$__ns_nft_tables"
return $__ns_nft_rc`,
    },
  ],
  parse(read) {
    const output = read.get('nftables');
    const [first, ...lines] = bodyLines(output.stdout);
    if (first === 'nft missing') return { available: false, missing: true, error: 'nft is not installed' };
    if (first !== 'nft yes') return parseFail('nftables', `unexpected first line ${JSON.stringify((first ?? '').slice(0, 80))}`, 1);
    if (output.status === 124) return { available: false, missing: false, error: 'nft list tables gave no answer within 15 s' };
    if (output.status !== 0) {
      return { available: false, missing: false, error: `nft list tables failed (exit ${output.status}): ${firstErrorLine({ ...output, stdout: '' })}` };
    }
    const tables = lines.map((line, i): NftTable => {
      const match = TABLE_LINE.exec(line);
      if (!match) return parseFail('nftables', `not a table line: ${JSON.stringify(line.slice(0, 80))}`, i + 2);
      return { family: match[1] as NftFamily, name: match[2] };
    });
    return { available: true, tables };
  },
};
