// Step 6: iptables and ip6tables, every backend found. Per backend/family: back the rules up first,
// then per table ONE `iptables-restore --noflush` transaction that deletes each rule of a kept chain
// jumping to one of ours or carrying a Calico/Cilium rule comment (`cali:…`, `cilium-feeder: …`),
// flushes our chains, deletes them. Why restore and not `iptables -D`:
// the rules go back exactly as iptables-save printed them (same parser, no re-tokenising), a rule is
// deleted only if one identical to it still exists (rule numbers shift; specs do not), and a table
// changes all at once or not at all. Policies and other chains are never touched.
import { BACKUP_DIRECTORY, CHAIN_NAMES, CHAIN_PREFIXES, CLUSTER_RULE_COMMENTS, IPTABLES_TABLES, isClusterChain } from '../catalogue.js';
import type { ToolFacts } from '../facts/host.js';
import { ruleComments, tokenizeRule, type IptablesRule, type IptablesTable } from '../facts/iptables-save.js';
import type { IptablesDump } from '../facts/iptables.js';
import { describeUnsafe, shellQuote, unsafeNameReason } from '../quote.js';
import type { Artifact, Step } from '../types.js';
import { bounded, failPlan, makePlan, refusePlan } from './common.js';

const head = { id: 'iptables', title: "Remove the cluster's iptables chains and the rules that lead to them" };

/** The chains the catalogue owns, for the noop reason. */
const WHAT = `${[...CHAIN_PREFIXES, ...CHAIN_NAMES].join('/')} chains`;

/** The Calico or Cilium comment that makes a rule of a kept chain ours (see CLUSTER_RULE_COMMENTS), if any. */
export function clusterComment(rule: IptablesRule): { comment: string; source: string } | null {
  const tokens = tokenizeRule(rule.line);
  if (!tokens) return null;
  for (const comment of ruleComments(tokens.slice(2))) {
    const known = CLUSTER_RULE_COMMENTS.find((c) => comment.startsWith(c.prefix));
    if (known) return { comment, source: known.source };
  }
  return null;
}

export function dumpLabel(dump: IptablesDump): string {
  return dump.backend === 'default' ? dump.family : `${dump.family}-${dump.backend}`;
}

export function backupPath(dump: IptablesDump, timestamp: string): string {
  return `${BACKUP_DIRECTORY}/iptables-${dump.family}-${dump.backend}-${timestamp}.rules`;
}

interface TableWork {
  table: string;
  chains: string[];
  /** The rules of kept chains that go (jumps to ours, Calico/Cilium comments), as printed. */
  jumpLines: string[];
  artifacts: Artifact[];
  lines: string[];
}

/** The restore transaction for one table, or null when the table holds nothing of ours. */
export function planTable(label: string, table: IptablesTable): TableWork | null {
  const ours = table.chains.filter((c) => isClusterChain(c.name)).map((c) => c.name);
  const leads: Array<{ rule: IptablesRule; detail: string }> = [];
  for (const rule of table.rules) {
    if (isClusterChain(rule.chain)) continue;
    if (rule.target !== null && ours.includes(rule.target)) {
      leads.push({ rule, detail: `jump from ${rule.chain} to ${rule.target}` });
      continue;
    }
    const comment = clusterComment(rule);
    if (comment) leads.push({ rule, detail: `${comment.source} rule in ${rule.chain} (comment ${JSON.stringify(comment.comment)})` });
  }
  if (ours.length === 0 && leads.length === 0) return null;
  const artifacts: Artifact[] = [
    ...leads.map(({ rule, detail }): Artifact => ({ category: 'iptables', name: `${label}/${table.name}: ${rule.line}`, detail })),
    ...ours.map((name): Artifact => {
      const rules = table.rules.filter((r) => r.chain === name).length;
      return { category: 'iptables', name: `${label}/${table.name}/${name}`, detail: `chain, ${rules} rule${rules === 1 ? '' : 's'}` };
    }),
  ];
  const lines = [`*${table.name}`, ...leads.map(({ rule }) => `-D${rule.line.slice(2)}`), ...ours.map((c) => `-F ${c}`), ...ours.map((c) => `-X ${c}`), 'COMMIT'];
  return { table: table.name, chains: ours, jumpLines: leads.map(({ rule }) => rule.line), artifacts, lines };
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
    `named ${CHAIN_PREFIXES.map((p) => `${p}*`).join(', ')} or ${CHAIN_NAMES.join(', ')} (case-sensitive; CNI-* only the CNI plugins' own ` +
    `names) or whose comment starts with ${CLUSTER_RULE_COMMENTS.map((c) => c.prefix).join(' or ')}, flushes and deletes those chains. ` +
    'Policies and other chains stay.',
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
      // An unparseable line mentioning our prefixes may hide a chain or rule of ours: never call that clean.
      const marks = [...CHAIN_PREFIXES, ...CHAIN_NAMES, ...CLUSTER_RULE_COMMENTS.map((c) => c.prefix)];
      const hidden = dump.unrepresentable.some((u) => marks.some((p) => u.includes(p)));
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
    return makePlan(head, { artifacts, commands, notes }, `already clean: no ${WHAT}, no jumps to them, no ${CLUSTER_RULE_COMMENTS.map((c) => c.prefix).join('/')} rules`);
  },
};
