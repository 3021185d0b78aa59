// iptables and ip6tables rules, per backend: both `*-legacy-save` and `*-nft-save` when the host has
// both variants (rules may hide in either), else the plain `*-save`. Each section also says whether
// the matching `*-restore` exists, since cleaning feeds iptables-restore.
import { bodyLines, firstErrorLine, noAnswer, parseFail, TIMED_OUT, type FactDefinition, type ProbeSection, type SectionReader } from '../probe/section.js';
import { parseSave, type IptablesTable } from './iptables-save.js';

export type IptablesFamily = 'ipv4' | 'ipv6';

/** `legacy`/`nft` when the host has both variants, else `default` (plain iptables-save). */
export type IptablesBackend = 'legacy' | 'nft' | 'default';

export interface IptablesDump {
  family: IptablesFamily;
  backend: IptablesBackend;
  /** e.g. `ip6tables-legacy-save`. */
  saveCommand: string;
  /** The matching `*-restore`, or null when the host lacks it. */
  restoreCommand: string | null;
  /** Why the dump could not be read (null when it was). */
  error: string | null;
  tables: IptablesTable[];
  /** Lines naming a chain that cannot be represented (e.g. with whitespace). */
  unrepresentable: string[];
  /** Comment lines that matter (e.g. "Table `filter' is incompatible, use 'nft' tool."). */
  warnings: string[];
}

export interface IptablesFacts {
  dumps: IptablesDump[];
}

const FAMILIES: Array<[IptablesFamily, string]> = [['ipv4', 'iptables'], ['ipv6', 'ip6tables']];
const BACKENDS: IptablesBackend[] = ['legacy', 'nft', 'default'];

function command(base: string, backend: IptablesBackend, suffix: 'save' | 'restore'): string {
  return backend === 'default' ? `${base}-${suffix}` : `${base}-${backend}-${suffix}`;
}

function sectionId(family: IptablesFamily, backend: IptablesBackend): string {
  return `iptables-${family}-${backend}`;
}

/**
 * The legacy backend's tables are listed by the kernel in /proc/net/ip(6)_tables_names (per network
 * namespace, present once the module is loaded): with none there, legacy-save would print nothing,
 * so it is not started (one process fewer on every nft-only host). Unreadable or no /proc: it runs.
 */
function noLegacyTables(family: IptablesFamily): string {
  const names = `/proc/net/${family === 'ipv4' ? 'ip' : 'ip6'}_tables_names`;
  return `[ -d /proc/self/net ] && { [ ! -e ${names} ] || { [ -r ${names} ] && ! IFS= read -r __t < ${names}; }; }`;
}

/** The tables iptables-nft keeps its rules in (one nftables table per iptables table). */
const XT_TABLES = ['filter', 'nat', 'mangle', 'raw', 'security'];

/**
 * The nft backend's tables are nftables tables of family ip/ip6 named as iptables' own: when the
 * nftables section (which runs first) listed tables and none of those, iptables-nft-save would
 * print nothing, so it is not started (two processes fewer on a host without rules). Without that
 * list (no nft, or it failed) it runs.
 */
function noNftTables(family: IptablesFamily): string {
  const nftFamily = family === 'ipv4' ? 'ip' : 'ip6';
  const names = XT_TABLES.map((table) => `*"\${__ns_nl}table ${nftFamily} ${table}\${__ns_nl}"*`).join(' | ');
  return `[ "\${__ns_nft_rc-}" = 0 ] && __ns_nl='
' && case "\${__ns_nl}\${__ns_nft_tables}\${__ns_nl}" in ${names}) false ;; *) true ;; esac`;
}

// No timeout: a save reads the kernel (getsockopt or netlink), with no daemon or lock to wait on.
function section(family: IptablesFamily, base: string, backend: IptablesBackend): ProbeSection {
  const both = `__ns_has ${base}-legacy-save && __ns_has ${base}-nft-save`;
  const restore = command(base, backend, 'restore');
  const skipEmpty =
    backend === 'legacy' ? `\n${noLegacyTables(family)} 2>/dev/null && return 0` : backend === 'nft' ? `\n${noNftTables(family)} && return 0` : '';
  return {
    id: sectionId(family, backend),
    inline: true,
    runIf: backend === 'default' ? `! { ${both}; } && __ns_has ${base}-save` : both,
    script: `if __ns_has ${restore}; then echo 'restore yes'; else echo 'restore no'; fi${skipEmpty}
${command(base, backend, 'save')}`,
  };
}

// A kernel without (ip6)tables support has no rules to clean: that failure is not a failure.
const NO_KERNEL_SUPPORT = /ip6?_tables_names|insmod|Table does not exist|not supported|Protocol not available/i;

function parseDump(read: SectionReader, family: IptablesFamily, base: string, backend: IptablesBackend): IptablesDump | null {
  const id = sectionId(family, backend);
  const output = read.get(id);
  if (output.status === 'skipped') return null;
  const [header, ...lines] = bodyLines(output.stdout);
  if (header !== 'restore yes' && header !== 'restore no') return parseFail(id, 'first line is not "restore yes|no"', 1);
  const dump: IptablesDump = {
    family,
    backend,
    saveCommand: command(base, backend, 'save'),
    restoreCommand: header === 'restore yes' ? command(base, backend, 'restore') : null,
    error: null,
    tables: [],
    unrepresentable: [],
    warnings: [],
  };
  if (output.status !== 0) {
    if (output.status === TIMED_OUT) return { ...dump, error: noAnswer(dump.saveCommand, 15) };
    const why = firstErrorLine(output);
    if (NO_KERNEL_SUPPORT.test(why)) return { ...dump, warnings: [`no kernel support: ${why}`] };
    return { ...dump, error: `${dump.saveCommand} failed: ${why}` };
  }
  return { ...dump, ...parseSave(id, lines, 2) };
}

export const iptablesFact: FactDefinition<IptablesFacts> = {
  sections: FAMILIES.flatMap(([family, base]) => BACKENDS.map((backend) => section(family, base, backend))),
  parse(read) {
    const dumps = FAMILIES.flatMap(([family, base]) => BACKENDS.map((backend) => parseDump(read, family, base, backend)));
    return { dumps: dumps.filter((dump): dump is IptablesDump => dump !== null) };
  },
};
