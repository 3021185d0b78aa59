// One read-only exec gathers what the live-node check needs from a host: its hostname, clock and
// addresses, every kubelet kubeconfig present and the files each references (CA, client cert and
// key, token file), the files and command lines that name the node (kubelet flags, k3s/rke2
// config), the RKE1 kubelet container's arguments, and when the kubelet last wrote its log.
import { normalize } from 'node:path/posix';
import type { ProbeSection } from '../recipe/probe/section.js';
import { CONTAINERD_DISTRIBUTIONS } from '../recipe/catalogue.js';
import { READ_DATA_DIR } from '../recipe/read-data-dir.js';
import { shellQuote } from '../transport/shell-quote.js';

/** Where the kubelet's kubeconfig lives, by distribution (RKE1, kubeadm, RKE2, k3s). */
/** RKE2/K3s configs whose `data-dir:` moves the kubelet kubeconfig to <data-dir>/agent/. */
const DATA_DIR_CONFIGS = CONTAINERD_DISTRIBUTIONS.map((d) => d.config);

export const KUBELET_KUBECONFIGS = [
  '/etc/kubernetes/ssl/kubecfg-kube-node.yaml',
  '/etc/kubernetes/kubelet.conf',
  '/var/lib/rancher/rke2/agent/kubelet.kubeconfig',
  '/var/lib/rancher/k3s/agent/kubelet.kubeconfig',
] as const;

/**
 * Files that may name the node (see node-identity.ts): kubeadm's and the packages' kubelet flags,
 * the kubelet config, k3s/rke2 config (and its drop-ins) and the environment files their installers
 * write. Globs are expanded on the host.
 */
export const NAME_SOURCE_FILES = [
  '/var/lib/kubelet/kubeadm-flags.env',
  '/etc/default/kubelet',
  '/etc/sysconfig/kubelet',
  '/var/lib/kubelet/config.yaml',
  '/etc/rancher/k3s/config.yaml',
  '/etc/rancher/k3s/config.yaml.d/*.yaml',
  '/etc/rancher/rke2/config.yaml',
  '/etc/rancher/rke2/config.yaml.d/*.yaml',
  '/etc/systemd/system/k3s*.service.env',
  '/etc/default/rke2-server',
  '/etc/default/rke2-agent',
  '/etc/sysconfig/rke2-server',
  '/etc/sysconfig/rke2-agent',
] as const;

/** Logs the kubelet writes continuously: a recent write is a sign of life (RKE1's container log is added from inspect). */
export const KUBELET_LOGS = [
  '/var/log/kubelet.log',
  '/var/lib/rancher/rke2/agent/logs/kubelet.log',
  '/var/lib/rancher/k3s/agent/logs/kubelet.log',
  '/var/lib/rancher/rke/log/kubelet.log',
] as const;

/** `/proc/PID/comm` of the processes whose command line may name the node. */
export const NAMING_PROCESSES = ['kubelet', 'k3s-server', 'k3s-agent', 'k3s', 'rke2'] as const;

export interface ProcessCommandLine {
  pid: number;
  comm: string;
  args: string[];
}

export interface KubeletContainer {
  /** `.Path` and `.Args` of the RKE1 `kubelet` container: the kubelet's command line. */
  args: string[];
  running: boolean;
  logPath?: string;
}

export interface KubeletFiles {
  hostname?: string;
  /** The host's clock (s since the epoch), for log ages. */
  now?: number;
  /** Every address on the host (`ip -o addr`, or the discovery probe's ssh fact), without prefix length. */
  addresses: string[];
  /** Kubeconfigs found, in KUBELET_KUBECONFIGS order (then those named by kubelet flags). */
  kubeconfigs: { path: string; text: string }[];
  /** Every file printed (kubeconfigs, what they reference, name sources) -> its text; unreadable files are absent. */
  files: Map<string, string>;
  /** Every path the script tried to read (readable or not), normalized. */
  attempted: Set<string>;
  cmdlines: ProcessCommandLine[];
  kubeletContainer?: KubeletContainer;
  /** `docker inspect kubelet` ran (whatever it answered). */
  kubeletInspected?: boolean;
  /** Modification time (s since the epoch) of each kubelet log present. */
  mtimes: Map<string, number>;
}

export function emptyKubeletFiles(): KubeletFiles {
  return { addresses: [], kubeconfigs: [], files: new Map(), attempted: new Set(), cmdlines: [], mtimes: new Map() };
}

const INSPECT_FORMAT = '{{.LogPath}}{{"\\n"}}{{.State.Running}}{{"\\n"}}{{json .Path}}{{"\\n"}}{{json .Args}}';

/**
 * Every kubeconfig that exists is read, not only the first: a node reinstalled from RKE1 to RKE2
 * keeps the old, dead kubeconfig next to the live one. References are found by a `sed` over the
 * kubeconfig's block-style keys and resolved against its directory (as kubectl does); anything the
 * local YAML parse finds that this missed is read by a second exec (see missingReferences).
 */
export function buildReadScript(marker: string, kubeconfigs: readonly string[] = KUBELET_KUBECONFIGS, { addresses = true } = {}): string {
  const keys = ['certificate-authority', 'client-certificate', 'client-key', 'tokenFile'];
  const pick = keys.map((key) => `-e ${shellQuote(`s/^[[:space:]-]*${key}:[[:space:]]*//p`)}`).join(' ');
  const unquote = shellQuote(`s/[[:space:]]*$//; s/^"\\(.*\\)"$/\\1/; s/^'\\(.*\\)'$/\\1/`);
  const globs = NAME_SOURCE_FILES.map((p) => p.split('*').map(shellQuote).join('*')).join(' ');
  return [
    ...preamble(marker),
    `block hostname uname -n`,
    `if [ -n "\${__ns_clock-}" ]; then block now printf '%s\\n' "\${__ns_clock%% *}"; else block now date +%s; fi`,
    ...(addresses ? [`block addresses ip -o addr show`] : []),
    // The well-known paths, then <data-dir>/agent/kubelet.kubeconfig of an RKE2/K3s with a custom data-dir.
    `kcs() { for kc in ${kubeconfigs.map(shellQuote).join(' ')}; do printf '%s\\n' "$kc"; done`,
    `  for c in ${DATA_DIR_CONFIGS.map(shellQuote).join(' ')}; do ${READ_DATA_DIR}`,
    `    [ -n "$v" ] && printf '%s\\n' "$v/agent/kubelet.kubeconfig"; done; }`,
    `kcs | while IFS= read -r kc; do`,
    `  [ -f "$kc" ] || continue`,
    `  show kubeconfig "$kc"`,
    `  d=\${kc%/*}`,
    `  sed -n ${pick} "$kc" | sed -e ${unquote} |`,
    `  while IFS= read -r p; do case $p in '') continue ;; /*) ;; *) p=$d/$p ;; esac; show file "$p"; done`,
    `done`,
    `for f in ${globs}; do [ -f "$f" ] && show file "$f"; done`,
    // /proc/PID/comm by the shell's read (no fork per process), or the discovery probe's one walk of
    // /proc ($__ns_procs); the command line NUL-separated.
    `if [ -n "\${__ns_procs+x}" ]; then procs() { printf '%s\\n' "$__ns_procs"; }`,
    `else procs() { for d in /proc/[0-9]*; do IFS= read -r c 2>/dev/null <"$d/comm" && printf '%s %s\\n' "\${d#/proc/}" "$c"; done; }; fi`,
    `procs | while read -r p c; do`,
    `  case $c in ${NAMING_PROCESSES.map(shellQuote).join('|')}) ;; *) continue ;; esac`,
    `  printf '%s cmdline %s %s\\n' "$M" "$p" "$c"; tr '\\000' '\\n' < "/proc/$p/cmdline" 2>/dev/null; printf '\\n%s end 0\\n' "$M"`,
    `done`,
    // RKE1 runs the kubelet as a docker container named kubelet: its arguments name the node. In
    // the discovery probe, when the docker listings came from the Engine API, this is left to a
    // second read on hosts that have such a container (readKubeletFiles), not a CLI process on all.
    ...kubeletLogLines(`command -v docker >/dev/null 2>&1 && [ -S /var/run/docker.sock ] && [ "\${__ns_docker_via:-cli}" = cli ]`, KUBELET_LOGS),
  ].join('\n');
}

/** `docker inspect kubelet` when `condition` holds, then the mtimes of `logs` and of its log. */
function kubeletLogLines(condition: string, logs: readonly string[]): string[] {
  return [
    `lp=`,
    `if ${condition}; then`,
    `  if out=$(tmo docker inspect --format ${shellQuote(INSPECT_FORMAT)} kubelet 2>/dev/null); then s=0; else s=$?; fi`,
    `  printf '%s inspect kubelet\\n%s\\n%s end %s\\n' "$M" "$out" "$M" "$s"`,
    `  [ "$s" = 0 ] && lp=$(printf '%s\\n' "$out" | head -n 1)`,
    `fi`,
    `printf '%s mtimes\\n' "$M"`,
    `for f in ${logs.map(shellQuote).join(' ')} "$lp"; do [ -n "$f" ] && [ -f "$f" ] && stat -c '%Y %n' "$f" 2>/dev/null; done`,
    `printf '\\n%s end 0\\n' "$M"`,
  ];
}

/** The RKE1 kubelet container's inspect and its log's mtime alone (after an Engine API probe). */
export function buildInspectKubeletScript(marker: string): string {
  return [...preamble(marker), ...kubeletLogLines('true', [])].join('\n');
}

export const KUBELET_FILES_SECTION = 'guard-kubelet-files';

/**
 * The same read as a section of the discovery probe, so the guard adds no exec of its own (one exec
 * per host fewer: ≈ 3 % of a plan's wall time on the bench fleet). Its output holds the kubelet's
 * credentials: marked secret, it is parsed but never logged. The host's addresses are not read
 * here: the probe's ssh fact has them all already (from its links JSON or its own `ip -o addr`).
 */
export function kubeletFilesSection(marker: string): ProbeSection {
  return { id: KUBELET_FILES_SECTION, script: buildReadScript(marker, KUBELET_KUBECONFIGS, { addresses: false }), secret: true };
}

/** Reads the named files (a second exec, only when the first missed a reference or a kubelet flag names another kubeconfig). */
export function buildCatScript(marker: string, paths: readonly string[], kind: 'file' | 'kubeconfig' = 'file'): string {
  return [...preamble(marker), ...paths.map((path) => `show ${kind} ${shellQuote(path)}`)].join('\n');
}

// `show KIND PATH`: a header line, the file verbatim, then an end line with cat's status.
// `block NAME CMD…`: the same around a command's output. `tmo`: bounded where `timeout` exists.
function preamble(marker: string): string[] {
  return [
    `M=${shellQuote(marker)}`,
    `show() { printf '%s %s %s\\n' "$M" "$1" "$2"; if cat -- "$2" 2>/dev/null; then s=0; else s=$?; fi; printf '\\n%s end %s\\n' "$M" "$s"; }`,
    `block() { b=$1; shift; printf '%s %s\\n' "$M" "$b"; if "$@" 2>/dev/null; then s=0; else s=$?; fi; printf '\\n%s end %s\\n' "$M" "$s"; }`,
    // Inside the discovery probe its __ns_t and clock are there: no second timeout test, no second date.
    `if command -v __ns_t >/dev/null 2>&1; then tmo() { __ns_t 5 "$@"; }`,
    `elif timeout 5 true >/dev/null 2>&1; then tmo() { timeout 5 "$@"; }; else tmo() { "$@"; }; fi`,
  ];
}

/** Splits the script's output into sections; a section that failed (`end` ≠ 0) is left out. */
export function parseReadOutput(stdout: string, marker: string, into: KubeletFiles = emptyKubeletFiles()): KubeletFiles {
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
    if (what === 'inspect kubelet') into.kubeletInspected = true;
    const file = /^(kubeconfig|file) (.+)$/.exec(what);
    if (file) into.attempted.add(normalize(file[2]));
    if (status !== '0') continue;
    readBlock(what, body, into);
    if (!file) continue;
    into.files.set(normalize(file[2]), body);
    if (file[1] === 'kubeconfig') into.kubeconfigs.push({ path: file[2], text: body });
  }
  return into;
}

function readBlock(what: string, body: string, into: KubeletFiles): void {
  const lines = body.split('\n').filter((l) => l !== '');
  if (what === 'hostname') into.hostname = body.trim() || undefined;
  else if (what === 'now' && /^\d+$/.test(body.trim())) into.now = Number(body.trim());
  else if (what === 'addresses') into.addresses = parseAddresses(lines);
  else if (what === 'mtimes') {
    for (const line of lines) {
      const match = /^(\d+) (\/.*)$/.exec(line);
      if (match) into.mtimes.set(match[2], Number(match[1]));
    }
  } else if (what === 'inspect kubelet') into.kubeletContainer = parseInspect(lines);
  else {
    const cmdline = /^cmdline (\d+) (\S+)$/.exec(what);
    if (cmdline) into.cmdlines.push({ pid: Number(cmdline[1]), comm: cmdline[2], args: lines });
  }
}

/** `ip -o addr` lines (iproute2 and busybox): the address without its prefix length. */
function parseAddresses(lines: string[]): string[] {
  return lines.flatMap((line) => {
    const match = /\sinet6?\s+([0-9a-fA-F.:]+)(?:\/\d+)?\s/.exec(`${line} `);
    return match ? [match[1].toLowerCase()] : [];
  });
}

/** LogPath, running, `json .Path`, `json .Args`; anything malformed leaves the container unknown. */
function parseInspect(lines: string[]): KubeletContainer | undefined {
  const [logPath, running, path, args] = lines;
  try {
    const parsedPath: unknown = JSON.parse(path ?? '');
    const parsedArgs: unknown = JSON.parse(args ?? '');
    if (typeof parsedPath !== 'string' || !Array.isArray(parsedArgs) || !parsedArgs.every((a) => typeof a === 'string')) return undefined;
    return { args: [parsedPath, ...(parsedArgs as string[])], running: running === 'true', ...(logPath?.startsWith('/') ? { logPath } : {}) };
  } catch {
    return undefined;
  }
}
