// Step 6: iptables and ip6tables, every backend found. Per backend/family: back the rules up first,
// then per table ONE `iptables-restore --noflush` transaction that deletes each rule of a kept chain
// jumping to one of ours, flushes our chains, deletes them. Why restore and not `iptables -D`:
// the rules go back exactly as iptables-save printed them (same parser, no re-tokenising), a rule is
// deleted only if one identical to it still exists (rule numbers shift; specs do not), and a table
// changes all at once or not at all. Policies and other chains are never touched.
import { BACKUP_DIRECTORY, CHAIN_PREFIXES, IPTABLES_TABLES, isClusterChain } from '../catalogue.js';
import type { ToolFacts } from '../facts/host.js';
import type { IptablesTable } from '../facts/iptables-save.js';
import type { IptablesDump } from '../facts/iptables.js';
import { describeUnsafe, shellQuote, unsafeNameReason } from '../quote.js';
import type { Artifact, Step } from '../types.js';
import { bounded, failPlan, makePlan, refusePlan } from './common.js';

const head = { id: 'iptables', title: 'Remove cali-/KUBE-/CNI- iptables chains and the jumps to them' };

export function dumpLabel(dump: IptablesDump): string {
  return dump.backend === 'default' ? dump.family : `${dump.family}-${dump.backend}`;
}

export function backupPath(dump: IptablesDump, timestamp: string): string {
  return `${BACKUP_DIRECTORY}/iptables-${dump.family}-${dump.backend}-${timestamp}.rules`;
}

interface TableWork {
  table: string;
  chains: string[];
  jumpLines: string[];
  artifacts: Artifact[];
  lines: string[];
}

/** The restore transaction for one table, or null when the table holds nothing of ours. */
export function planTable(label: string, table: IptablesTable): TableWork | null {
  const ours = table.chains.filter((c) => isClusterChain(c.name)).map((c) => c.name);
  const jumps = table.rules.filter((r) => !isClusterChain(r.chain) && r.target !== null && ours.includes(r.target));
  if (ours.length === 0 && jumps.length === 0) return null;
  const artifacts: Artifact[] = [
    ...jumps.map((r): Artifact => ({ category: 'iptables', name: `${label}/${table.name}: ${r.line}`, detail: `jump from ${r.chain} to ${r.target}` })),
    ...ours.map((name): Artifact => {
      const rules = table.rules.filter((r) => r.chain === name).length;
      return { category: 'iptables', name: `${label}/${table.name}/${name}`, detail: `chain, ${rules} rule${rules === 1 ? '' : 's'}` };
    }),
  ];
  const lines = [`*${table.name}`, ...jumps.map((r) => `-D${r.line.slice(2)}`), ...ours.map((c) => `-F ${c}`), ...ours.map((c) => `-X ${c}`), 'COMMIT'];
  return { table: table.name, chains: ours, jumpLines: jumps.map((r) => r.line), artifacts, lines };
}

// Chain names go into restore input unquoted: anything restore's own tokenizer treats specially is refused.
function unsafeChain(name: string): string | null {
  if (/["'\\]/.test(name)) return 'contains a quote or backslash';
  return unsafeNameReason(name);
}

/** Checked only where there is work: a host is not refused over rules nodescrub would not touch. */
function refusalFor(dump: IptablesDump, label: string, work: TableWork[]): string | null {
  if (dump.unrepresentable.length > 0) {
    return `${label}: cannot represent ${JSON.stringify(dump.unrepresentable[0].slice(0, 120))}: refusing to edit these rules`;
  }
  for (const w of work) {
    for (const chain of w.chains) {
      const why = unsafeChain(chain);
      if (why) return describeUnsafe(`${label}/${w.table} chain`, chain, why);
    }
    for (const line of w.jumpLines) {
      const why = unsafeNameReason(line);
      if (why) return describeUnsafe(`${label}/${w.table} rule`, line, why);
    }
  }
  return null;
}

function backupCommand(tools: ToolFacts, dump: IptablesDump, file: string): string {
  const q = shellQuote(file);
  const part = shellQuote(`${file}.part`);
  return `(umask 077; mkdir -p ${shellQuote(BACKUP_DIRECTORY)} && ${bounded(tools, 30, dump.saveCommand)} > ${part} && mv ${part} ${q})`;
}

export const iptablesStep: Step = {
  ...head,
  description:
    'For IPv4 and IPv6, tables filter, nat, mangle and raw, and each backend present (legacy and nft when both exist): ' +
    `backs the rules up under ${BACKUP_DIRECTORY}, then removes rules of other chains that jump (-j/-g) to a chain ` +
    'named cali-* or KUBE-* (case-sensitive), flushes and deletes those chains. Policies and other chains stay.',
  plan(facts) {
    const failed = facts.iptables.dumps.find((d) => d.error !== null);
    if (failed?.error) return failPlan(head, failed.error);
    const artifacts: Artifact[] = [];
    const commands: string[] = [];
    const notes: string[] = facts.iptables.dumps.flatMap((d) => d.warnings.map((w) => `${dumpLabel(d)}: ${w}`));
    for (const dump of facts.iptables.dumps) {
      const label = dumpLabel(dump);
      const tables = IPTABLES_TABLES.flatMap((name) => dump.tables.filter((t) => t.name === name));
      const work = tables.map((t) => planTable(label, t)).filter((w): w is TableWork => w !== null);
      // An unparseable line mentioning our prefixes may hide a chain of ours: never call that clean.
      const hidden = dump.unrepresentable.some((u) => CHAIN_PREFIXES.some((p) => u.includes(p)));
      if (work.length === 0 && !hidden) continue;
      const refusal = refusalFor(dump, label, work);
      if (refusal) return refusePlan(head, refusal, notes);
      if (!dump.restoreCommand) return failPlan(head, `${label}: ${dump.saveCommand} shows cluster rules but its restore command is missing`, notes);
      const file = backupPath(dump, facts.probe.timestamp);
      notes.push(`backup of ${label} rules at ${file}`);
      commands.push(backupCommand(facts.tools, dump, file));
      for (const w of work) {
        artifacts.push(...w.artifacts);
        // No backup, no change: the guard makes each command safe on its own.
        commands.push(`test -s ${shellQuote(file)} && printf '%s\\n' ${w.lines.map(shellQuote).join(' ')} | ${dump.restoreCommand} --noflush`);
      }
    }
    return makePlan(head, { artifacts, commands, notes }, 'already clean: no cali-/KUBE-/CNI- chains and no jumps to them');
  },
};
