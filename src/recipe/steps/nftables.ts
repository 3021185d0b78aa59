// nftables tables of kube-proxy (nftables mode), Calico (nftables dataplane) and flannel (nftables
// mode), matched by exact family and name (NFT_TABLES). Each is saved first (`nft list table`, so
// it can be restored with `nft -f`), then deleted whole: these tables hold nothing but the
// cluster's rules, and deleting a table is one atomic kernel transaction. Other tables stay.
import { BACKUP_DIRECTORY, NFT_TABLES, clusterNftTable } from '../catalogue.js';
import { shellQuote } from '../quote.js';
import type { Artifact, Step } from '../types.js';
import { bounded, failPlan, makePlan } from './common.js';

const head = { id: 'nftables', title: 'Delete the cluster network\'s nftables tables' };

export function nftBackupPath(family: string, name: string, timestamp: string): string {
  return `${BACKUP_DIRECTORY}/nft-${family}-${name}-${timestamp}.nft`;
}

export const nftablesStep: Step = {
  ...head,
  description:
    `Deletes the nftables tables ${NFT_TABLES.map((t) => `${t.family} ${t.name}`).join(', ')} ` +
    `(kube-proxy nftables mode, Calico and flannel nftables dataplanes), each saved first under ${BACKUP_DIRECTORY} ` +
    '(nft list table; restore with nft -f). Other tables, iptables-nft\'s included, stay. Without nft there is nothing to do.',
  plan(facts) {
    const nft = facts.nftables;
    if (!nft.available) {
      if (nft.missing) return makePlan(head, {}, 'skipped: nft is not installed, so no nftables table can be the cluster\'s');
      return failPlan(head, `cannot list nftables tables: ${nft.error}`);
    }
    const artifacts: Artifact[] = [];
    const commands: string[] = [];
    const notes: string[] = [];
    for (const table of nft.tables) {
      const known = clusterNftTable(table.family, table.name);
      if (!known) continue;
      const file = nftBackupPath(table.family, table.name, facts.probe.timestamp);
      const part = shellQuote(`${file}.part`);
      artifacts.push({ category: 'iptables', name: `nft ${table.family} ${table.name}`, detail: `nftables table (${known.source})` });
      // No backup, no delete; a table already gone (deleted meanwhile) is fine.
      const save = `(umask 077; mkdir -p ${shellQuote(BACKUP_DIRECTORY)} && ${bounded(facts.tools, 30, `nft list table ${table.family} ${table.name}`)} > ${part} && mv ${part} ${shellQuote(file)})`;
      const gone = `! nft list table ${table.family} ${table.name} >/dev/null 2>&1`;
      commands.push(`if ${gone}; then :; else ${save} && ${bounded(facts.tools, 30, `nft delete table ${table.family} ${table.name}`)}; fi`);
      notes.push(`backup of nft table ${table.family} ${table.name} at ${file}`);
    }
    return makePlan(head, { artifacts, commands, notes }, 'already clean: no kube-proxy, Calico or flannel nftables table');
  },
};
