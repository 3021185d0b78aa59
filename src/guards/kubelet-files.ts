// One read-only exec gathers what the live-node check needs from a host: its hostname, every kubelet
// kubeconfig present and the files each references (CA, client cert and key, token file).
import { normalize } from 'node:path/posix';
import type { ProbeSection } from '../recipe/probe/section.js';
import { shellQuote } from '../ssh/shell-quote.js';

/** Where the kubelet's kubeconfig lives, by distribution (RKE1, kubeadm, RKE2, k3s). */
export const KUBELET_KUBECONFIGS = [
  '/etc/kubernetes/ssl/kubecfg-kube-node.yaml',
  '/etc/kubernetes/kubelet.conf',
  '/var/lib/rancher/rke2/agent/kubelet.kubeconfig',
  '/var/lib/rancher/k3s/agent/kubelet.kubeconfig',
] as const;

export interface KubeletFiles {
  hostname?: string;
  /** Kubeconfigs found, in KUBELET_KUBECONFIGS order. */
  kubeconfigs: { path: string; text: string }[];
  /** Every file printed (kubeconfigs and what they reference) -> its text; unreadable files are absent. */
  files: Map<string, string>;
  /** Every path the script tried to read (readable or not), normalized. */
  attempted: Set<string>;
}

/**
 * Every kubeconfig that exists is read, not only the first: a node reinstalled from RKE1 to RKE2
 * keeps the old, dead kubeconfig next to the live one. References are found by a `sed` over the
 * kubeconfig's block-style keys and resolved against its directory (as kubectl does); anything the
 * local YAML parse finds that this missed is read by a second exec (see missingReferences).
 */
export function buildReadScript(marker: string, kubeconfigs: readonly string[] = KUBELET_KUBECONFIGS): string {
  const keys = ['certificate-authority', 'client-certificate', 'client-key', 'tokenFile'];
  const pick = keys.map((key) => `-e ${shellQuote(`s/^[[:space:]-]*${key}:[[:space:]]*//p`)}`).join(' ');
  const unquote = shellQuote(`s/[[:space:]]*$//; s/^"\\(.*\\)"$/\\1/; s/^'\\(.*\\)'$/\\1/`);
  return [
    ...preamble(marker),
    `printf '%s hostname\\n' "$M"; uname -n; printf '\\n%s end 0\\n' "$M"`,
    `for kc in ${kubeconfigs.map(shellQuote).join(' ')}; do`,
    `  [ -f "$kc" ] || continue`,
    `  show kubeconfig "$kc"`,
    `  d=\${kc%/*}`,
    `  sed -n ${pick} "$kc" | sed -e ${unquote} |`,
    `  while IFS= read -r p; do case $p in '') continue ;; /*) ;; *) p=$d/$p ;; esac; show file "$p"; done`,
    `done`,
  ].join('\n');
}

export const KUBELET_FILES_SECTION = 'guard-kubelet-files';

/**
 * The same read as a section of the discovery probe, so the guard adds no exec of its own (one exec
 * per host fewer: ≈ 3 % of a plan's wall time on the bench fleet). Its output holds the kubelet's
 * credentials: marked secret, it is parsed but never logged.
 */
export function kubeletFilesSection(marker: string): ProbeSection {
  return { id: KUBELET_FILES_SECTION, script: buildReadScript(marker), secret: true };
}

/** Reads the named files (a second exec, only when the first missed a reference). */
export function buildCatScript(marker: string, paths: readonly string[]): string {
  return [...preamble(marker), ...paths.map((path) => `show file ${shellQuote(path)}`)].join('\n');
}

// `show KIND PATH`: a header line, the file verbatim, then an end line with cat's status.
function preamble(marker: string): string[] {
  return [
    `M=${shellQuote(marker)}`,
    `show() { printf '%s %s %s\\n' "$M" "$1" "$2"; if cat -- "$2" 2>/dev/null; then s=0; else s=$?; fi; printf '\\n%s end %s\\n' "$M" "$s"; }`,
  ];
}

/** Splits the script's output into sections; a section that failed (`end` ≠ 0) is left out. */
export function parseReadOutput(stdout: string, marker: string, into: KubeletFiles = { kubeconfigs: [], files: new Map(), attempted: new Set() }): KubeletFiles {
  const header = `${marker} `;
  let pos = 0;
  while (pos < stdout.length) {
    const lineEnd = stdout.indexOf('\n', pos);
    if (lineEnd < 0) break;
    const line = stdout.slice(pos, lineEnd);
    pos = lineEnd + 1;
    if (!line.startsWith(header)) continue;
    const what = line.slice(header.length);
    const endMark = `\n${marker} end `;
    const end = stdout.indexOf(endMark, pos);
    if (end < 0) break;
    const statusEnd = stdout.indexOf('\n', end + endMark.length);
    const status = stdout.slice(end + endMark.length, statusEnd < 0 ? undefined : statusEnd);
    const body = stdout.slice(pos, end);
    pos = statusEnd < 0 ? stdout.length : statusEnd + 1;
    const file = /^(kubeconfig|file) (.+)$/.exec(what);
    if (file) into.attempted.add(normalize(file[2]));
    if (status !== '0') continue;
    if (what === 'hostname') into.hostname = body.trim() || undefined;
    if (!file) continue;
    into.files.set(normalize(file[2]), body);
    if (file[1] === 'kubeconfig') into.kubeconfigs.push({ path: file[2], text: body });
  }
  return into;
}
