// Containerd nodes (RKE2, K3s, kubeadm): which distribution left state here and where its data dir
// is (`data-dir:` in its config.yaml is honoured), the pods' containerd (socket, a `ctr` to talk to
// it, its k8s.io tasks), the shims and containerd daemons still running, the pods' network
// namespaces and the distribution's config dirs. Only k8s.io shims are kept in the facts: docker's
// `moby` namespace and any other containerd namespace are none of the cluster's business.
import {
  CLUSTER_CONTAINERD_SOCKET,
  CNI_NETNS,
  CONTAINERD_DISTRIBUTIONS,
  CRIO_SOCKET,
  DISTRIBUTION_STATE,
  KUBEADM_KUBELET_CONF,
  KUBERNETES_CONTAINERD_NAMESPACE,
  SYSTEM_CONTAINERD_SOCKET,
  type DistributionName,
} from '../catalogue.js';
import { READ_DATA_DIR } from '../read-data-dir.js';
import { shellQuote } from '../quote.js';
import { forEachProcess } from '../probe/script.js';
import { bodyLines, parseFail, type FactDefinition } from '../probe/section.js';
import { PATH_TYPE_PROBE, PATH_TYPES, type PathType } from './path-shape.js';

export interface DistributionFacts {
  name: DistributionName;
  /** Its config.yaml exists (server URL + token: the node would rejoin with it). */
  config: boolean;
  /** The data dir in effect: `data-dir:` from the config, else the default. */
  dataDir: string;
  /** Set by `data-dir:` (outside /var/lib/rancher, so not among the reference's paths). */
  customDataDir: boolean;
  dataDirType: PathType;
  /** It holds `agent/`, `data/` or `server/`: what an RKE2/K3s data dir has. */
  dataDirLooksUsed: boolean;
}

export interface ContainerdTask {
  id: string;
  pid: number;
  /** `RUNNING`, `STOPPED`, `PAUSED`, `CREATED`, … as ctr prints it. */
  status: string;
}

export interface ContainerdShim {
  pid: number;
  /** The container (task) id the shim serves. */
  id: string;
  /** The containerd socket that started it (RKE2/K3s: /run/k3s/…; kubeadm: /run/containerd/…). */
  address: string;
}

export interface ContainerdDaemon {
  pid: number;
  /** Its `-a`/`--address`; null when set elsewhere (a config file: docker's own containerd) — then it is
   * never taken for the cluster's. */
  address: string | null;
}

export interface K8sContent {
  containers: string[];
  /** Image references as `ctr images ls -q` prints them (name:tag, name@digest or sha256:…). */
  images: string[];
}

export interface ContainerdFacts {
  /** RKE2/K3s whose config or data dir exists. */
  distributions: DistributionFacts[];
  /** kubelet.conf with the system containerd socket: a kubeadm (or other) containerd node. */
  kubeadm: boolean;
  /** A CRI-O socket: reported, never cleaned. */
  crio: boolean;
  /** The socket the pods' containerd listens on (cluster one first), or null when none exists. */
  socket: string | null;
  /** A ctr binary (PATH, or the distribution's data/<version>/bin), or null. */
  ctr: string | null;
  /** The k8s.io tasks, or null when they could not be listed (no socket, no ctr, or ctr failed). */
  tasks: ContainerdTask[] | null;
  /** Why the tasks could not be listed (null when listed or when there is no socket). */
  tasksError: string | null;
  /** kubeadm only (the system containerd, which outlives the cleanup): its k8s.io containers and
   * images, the cluster's content in /var/lib/containerd. Null elsewhere (RKE2/K3s keep theirs in
   * the data dir, removed whole) or when they could not be listed (contentError says why). */
  content: K8sContent | null;
  contentError: string | null;
  /** Running shims of the k8s.io namespace (not zombies). */
  shims: ContainerdShim[];
  /** Running containerd daemons, each with its socket. */
  daemons: ContainerdDaemon[];
  /** Names under /run/netns that are the CNI's pod namespaces (`cni-<uuid>`). */
  cniNetns: string[];
  /** The distribution's config dirs (DISTRIBUTION_STATE), in catalogue order. */
  state: { path: string; type: PathType }[];
}

const DISTS = CONTAINERD_DISTRIBUTIONS.map((d) => `${d.name}:${d.config}:${d.dataDir}`).join(' ');

const SCRIPT = `ctr=
for d in ${DISTS}; do
  n=\${d%%:*}; r=\${d#*:}; c=\${r%%:*}; dd=\${r#*:}
  has=no; [ -f "$c" ] && has=yes
  ${READ_DATA_DIR}
  [ -n "$v" ] && dd=$v
  p=$dd; ${PATH_TYPE_PROBE}
  [ "$has" = no ] && [ "$t" = absent ] && continue
  m=no; { [ -d "$dd/agent" ] || [ -d "$dd/data" ] || [ -d "$dd/server" ]; } && m=yes
  printf 'dist %s %s %s %s %s %s\\n' "$n" "$has" "$([ -n "$v" ] && echo custom || echo default)" "$t" "$m" "$dd"
  for b in "$dd"/bin/ctr "$dd"/data/*/bin/ctr; do [ -z "$ctr" ] && [ -x "$b" ] && ctr=$b; done
done
[ -z "$ctr" ] && __ns_has ctr && ctr=$(command -v ctr)
[ -f ${shellQuote(KUBEADM_KUBELET_CONF)} ] && [ -S ${shellQuote(SYSTEM_CONTAINERD_SOCKET)} ] && echo 'kubeadm yes' || echo 'kubeadm no'
[ -S ${shellQuote(CRIO_SOCKET)} ] && echo 'crio yes' || echo 'crio no'
s=
if [ -S ${shellQuote(CLUSTER_CONTAINERD_SOCKET)} ]; then s=${shellQuote(CLUSTER_CONTAINERD_SOCKET)}
elif [ -f ${shellQuote(KUBEADM_KUBELET_CONF)} ] && [ -S ${shellQuote(SYSTEM_CONTAINERD_SOCKET)} ]; then s=${shellQuote(SYSTEM_CONTAINERD_SOCKET)}; fi
printf 'socket %s\\n' "\${s:--}"
printf 'ctr %s\\n' "\${ctr:--}"
if [ -n "$s" ] && [ -n "$ctr" ]; then
  out=$(__ns_t 10 "$ctr" -a "$s" -n ${KUBERNETES_CONTAINERD_NAMESPACE} tasks ls 2>&1); rc=$?
  if [ $rc -eq 0 ]; then printf '%s\\n' "$out" | sed -n '2,$p' | while read -r id pid st rest; do [ -n "$id" ] && printf 'task %s %s %s\\n' "$id" "$pid" "$st"; done
  else printf 'tasks-error %s %s\\n' "$rc" "$(printf '%s' "$out" | head -n 1)"; fi
fi
if [ "$s" = ${shellQuote(SYSTEM_CONTAINERD_SOCKET)} ] && [ -n "$ctr" ]; then
  for what in containers images; do
    out=$(__ns_t 10 "$ctr" -a "$s" -n ${KUBERNETES_CONTAINERD_NAMESPACE} "$what" ls -q 2>&1); rc=$?
    if [ $rc -eq 0 ]; then printf '%s\\n' "$out" | sed -n "/./s/^/\${what%s} /p"
    else printf 'content-error %s %s %s\\n' "$what" "$rc" "$(printf '%s' "$out" | head -n 1)"; fi
  done
fi
for f in /run/netns/cni-*; do [ -e "$f" ] && printf 'netns %s\\n' "\${f#/run/netns/}"; done
for p in ${DISTRIBUTION_STATE.map(shellQuote).join(' ')}; do ${PATH_TYPE_PROBE}; printf 'state %s %s\\n' "$t" "$p"; done
return 0`;

// /proc/PID/comm is a builtin read; only containerd and its shims get their arguments printed.
const PROCESSES = `${forEachProcess('containerd|containerd-shim*', `  IFS= read -r s 2>/dev/null < "/proc/$p/stat" || continue
  s=\${s##*) }
  [ "\${s%% *}" = Z ] && continue
  printf 'proc %s %s\\n' "$p" "$c"
  tr '\\0' '\\n' < "/proc/$p/cmdline" 2>/dev/null | { n=0; while [ $n -lt 40 ] && IFS= read -r a; do printf 'arg %s\\n' "$a"; n=$((n + 1)); done; }`)}
return 0`;

/** A container id or image reference as ctr prints it: no blanks, no control characters. */
const CONTENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:/@+-]{0,511}$/;

function parseDistribution(line: string, lineNo: number): DistributionFacts {
  const match = /^dist (rke2|k3s) (yes|no) (custom|default) ([a-z]+) (yes|no) (.+)$/.exec(line);
  if (!match || !(PATH_TYPES as readonly string[]).includes(match[4])) return parseFail('containerd', `bad distribution line ${JSON.stringify(line.slice(0, 80))}`, lineNo);
  return {
    name: match[1] as DistributionName,
    config: match[2] === 'yes',
    customDataDir: match[3] === 'custom',
    dataDirType: match[4] as PathType,
    dataDirLooksUsed: match[5] === 'yes',
    dataDir: match[6],
  };
}

function parseTask(line: string, lineNo: number): ContainerdTask {
  const match = /^task ([A-Za-z0-9][A-Za-z0-9_.-]{0,127}) (\d{1,10}) ([A-Z]+)$/.exec(line);
  if (!match) return parseFail('containerd', `bad task line ${JSON.stringify(line.slice(0, 80))}`, lineNo);
  return { id: match[1], pid: Number(match[2]), status: match[3] };
}

function parseRuntime(lines: string[]): ContainerdFacts {
  const facts: ContainerdFacts = {
    distributions: [], kubeadm: false, crio: false, socket: null, ctr: null, tasks: null, tasksError: null,
    content: null, contentError: null, shims: [], daemons: [], cniNetns: [], state: [],
  };
  const content: K8sContent = { containers: [], images: [] };
  let listed = false;
  lines.forEach((line, i) => {
    const lineNo = i + 1;
    const [word] = line.split(' ', 1);
    const rest = line.slice(word.length + 1);
    switch (word) {
      case 'dist':
        facts.distributions.push(parseDistribution(line, lineNo));
        return;
      case 'kubeadm':
      case 'crio':
        if (rest !== 'yes' && rest !== 'no') parseFail('containerd', `${word} must be yes or no`, lineNo);
        facts[word] = rest === 'yes';
        return;
      case 'socket':
        facts.socket = rest === '-' ? null : rest;
        return;
      case 'ctr':
        facts.ctr = rest === '-' ? null : rest;
        return;
      case 'task':
        listed = true;
        (facts.tasks ??= []).push(parseTask(line, lineNo));
        return;
      case 'tasks-error': {
        const code = rest.split(' ')[0];
        const message = rest.slice(code.length + 1).trim();
        facts.tasksError = code === '124' ? 'ctr tasks ls gave no answer within 10 s' : `ctr tasks ls failed (exit ${code}): ${message || 'no message'}`;
        return;
      }
      case 'container':
      case 'image': {
        if (!CONTENT_NAME.test(rest)) parseFail('containerd', `bad ${word} line ${JSON.stringify(line.slice(0, 80))}`, lineNo);
        (word === 'container' ? content.containers : content.images).push(rest);
        return;
      }
      case 'content-error': {
        const match = /^(containers|images) (\d+) ?(.*)$/.exec(rest);
        if (!match) return parseFail('containerd', `bad content-error line ${JSON.stringify(line.slice(0, 80))}`, lineNo);
        facts.contentError ??= match[2] === '124'
          ? `ctr ${match[1]} ls gave no answer within 10 s`
          : `ctr ${match[1]} ls failed (exit ${match[2]}): ${match[3].trim() || 'no message'}`;
        return;
      }
      case 'netns':
        if (CNI_NETNS.test(rest)) facts.cniNetns.push(rest);
        return;
      case 'state': {
        const match = /^([a-z]+) (\/.*)$/.exec(rest);
        if (!match || !(PATH_TYPES as readonly string[]).includes(match[1])) parseFail('containerd', `bad state line ${JSON.stringify(line.slice(0, 80))}`, lineNo);
        facts.state.push({ path: match[2], type: match[1] as PathType });
        return;
      }
      default:
        parseFail('containerd', `unexpected line ${JSON.stringify(line.slice(0, 80))}`, lineNo);
    }
  });
  // Listed with no task at all: an empty list, not "unknown".
  if (!listed && facts.socket !== null && facts.ctr !== null && facts.tasksError === null) facts.tasks = [];
  // Listed only on the system containerd of a kubeadm node.
  if (facts.socket === SYSTEM_CONTAINERD_SOCKET && facts.ctr !== null && facts.contentError === null) facts.content = content;
  if (facts.state.length !== DISTRIBUTION_STATE.length) parseFail('containerd', `expected ${DISTRIBUTION_STATE.length} state lines, got ${facts.state.length}`);
  return facts;
}

/** The value after `flag` (`-a X`, `--address X`, `--address=X`). */
function flagValue(args: readonly string[], ...flags: string[]): string | undefined {
  for (const [i, arg] of args.entries()) {
    for (const flag of flags) {
      if (arg === flag) return args[i + 1];
      if (arg.startsWith(`${flag}=`)) return arg.slice(flag.length + 1);
    }
  }
  return undefined;
}

function parseProcesses(lines: string[]): Pick<ContainerdFacts, 'shims' | 'daemons'> {
  const shims: ContainerdShim[] = [];
  const daemons: ContainerdDaemon[] = [];
  const processes: { pid: number; comm: string; args: string[] }[] = [];
  lines.forEach((line, i) => {
    const proc = /^proc (\d{1,10}) (containerd(?:-shim[A-Za-z0-9_.-]*)?)$/.exec(line);
    if (proc) return void processes.push({ pid: Number(proc[1]), comm: proc[2], args: [] });
    if (line.startsWith('arg ') && processes.length > 0) return void processes[processes.length - 1].args.push(line.slice(4));
    if (line === 'arg' && processes.length > 0) return void processes[processes.length - 1].args.push('');
    parseFail('containerd-processes', `unexpected line ${JSON.stringify(line.slice(0, 80))}`, i + 1);
  });
  for (const { pid, comm, args } of processes) {
    if (comm === 'containerd') {
      daemons.push({ pid, address: flagValue(args, '-a', '--address') ?? null });
      continue;
    }
    const namespace = flagValue(args, '-namespace', '--namespace');
    const id = flagValue(args, '-id', '--id');
    const address = flagValue(args, '-address', '--address');
    if (namespace === KUBERNETES_CONTAINERD_NAMESPACE && id !== undefined && address !== undefined) shims.push({ pid, id, address });
  }
  return { shims, daemons };
}

export const containerdFact: FactDefinition<ContainerdFacts> = {
  sections: [
    { id: 'containerd', inline: true, script: SCRIPT },
    { id: 'containerd-processes', inline: true, script: PROCESSES },
  ],
  parse(read) {
    return { ...parseRuntime(bodyLines(read.get('containerd').stdout)), ...parseProcesses(bodyLines(read.get('containerd-processes').stdout)) };
  },
};
