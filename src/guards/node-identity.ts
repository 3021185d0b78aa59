// Which Node object is this host? Read from what configured its kubelet, not guessed: the kubelet's
// own flags (process, RKE1 container, kubeadm/package flag files, kubelet config), k3s/rke2's
// `node-name` (config, drop-ins, installer environment, command line). Guesses (hostname, inventory
// name, address) come after these; the client certificate's CN, when it names a node, comes first
// (see node-name.ts).
import yaml from 'js-yaml';
import type { KubeletFiles } from './kubelet-files.js';
import { isNodeName } from './node-name.js';

/** A node name and where it was read, for the evidence. */
export interface NameClue {
  name: string;
  source: string;
}

/** Value of `--flag=value` / `--flag value` in an argument list (last one wins, as in flag parsing). */
export function flagValue(args: readonly string[], flag: string): string | undefined {
  let value: string | undefined;
  args.forEach((arg, i) => {
    if (arg.startsWith(`${flag}=`)) value = arg.slice(flag.length + 1);
    else if (arg === flag && i + 1 < args.length) value = args[i + 1];
  });
  return value;
}

/** Words of a shell-ish assignment value (`KEY="--a=b --c d"`): enough for flag files, no expansion. */
export function envWords(text: string, key: string): string[] {
  const words: string[] = [];
  for (const line of text.split('\n')) {
    const match = new RegExp(`^\\s*(?:export\\s+)?${key}=(.*)$`).exec(line);
    if (!match) continue;
    const value = match[1].trim().replace(/^(["'])(.*)\1$/, '$2');
    words.push(...value.split(/\s+/).filter(Boolean));
  }
  return words;
}

/** Flag files: kubeadm's KUBELET_KUBEADM_ARGS and the packages' KUBELET_EXTRA_ARGS. */
const FLAG_FILES: Record<string, string[]> = {
  '/var/lib/kubelet/kubeadm-flags.env': ['KUBELET_KUBEADM_ARGS', 'KUBELET_EXTRA_ARGS'],
  '/etc/default/kubelet': ['KUBELET_EXTRA_ARGS', 'KUBELET_ARGS'],
  '/etc/sysconfig/kubelet': ['KUBELET_EXTRA_ARGS', 'KUBELET_ARGS'],
};

/** Every name the host's configuration gives its node, most authoritative first, de-duplicated. */
export function nodeNameClues(files: KubeletFiles): NameClue[] {
  const clues: NameClue[] = [];
  const add = (raw: string | undefined, source: string) => {
    const name = raw?.trim().toLowerCase();
    if (name && isNodeName(name) && !clues.some((c) => c.name === name)) clues.push({ name, source });
  };
  // What runs now says most: the kubelet's and the agents' command lines.
  for (const process of files.cmdlines) {
    if (process.comm === 'kubelet') add(flagValue(process.args, '--hostname-override'), `kubelet --hostname-override (pid ${process.pid})`);
    else add(flagValue(process.args, '--node-name'), `${process.comm} --node-name (pid ${process.pid})`);
  }
  if (files.kubeletContainer) add(flagValue(files.kubeletContainer.args, '--hostname-override'), 'the RKE1 kubelet container\'s --hostname-override (docker inspect kubelet)');
  for (const [path, keys] of Object.entries(FLAG_FILES)) {
    const text = files.files.get(path);
    if (text !== undefined) for (const key of keys) add(flagValue(envWords(text, key), '--hostname-override'), `--hostname-override in ${path} (${key})`);
  }
  add(yamlString(files.files.get('/var/lib/kubelet/config.yaml'), 'hostnameOverride'), 'hostnameOverride in /var/lib/kubelet/config.yaml');
  for (const [path, text] of [...files.files].sort(([a], [b]) => configOrder(a) - configOrder(b) || b.localeCompare(a))) {
    if (/^\/etc\/rancher\/(k3s|rke2)\/config\.yaml(\.d\/.*\.yaml)?$/.test(path)) add(yamlString(text, 'node-name'), `node-name in ${path}`);
    if (/^\/etc\/(systemd\/system\/k3s.*\.service\.env|default\/rke2-.*|sysconfig\/rke2-.*)$/.test(path)) {
      for (const key of ['K3S_NODE_NAME', 'RKE2_NODE_NAME']) add(envWords(text, key)[0], `${key} in ${path}`);
    }
  }
  return clues;
}

/** Kubeconfig paths the kubelet was started with (`--kubeconfig`), beyond the well-known ones. */
export function kubeconfigsFromFlags(files: KubeletFiles): string[] {
  const argLists = [...files.cmdlines.filter((p) => p.comm === 'kubelet').map((p) => p.args), ...(files.kubeletContainer ? [files.kubeletContainer.args] : [])];
  return [...new Set(argLists.flatMap((args) => flagValue(args, '--kubeconfig') ?? []).filter((p) => p.startsWith('/')))];
}

// Drop-ins override the main file and later drop-ins earlier ones (k3s/rke2 merge config.yaml, then
// config.yaml.d/*.yaml in order): the last word counts first.
function configOrder(path: string): number {
  return path.includes('config.yaml.d/') ? 0 : 1;
}

function yamlString(text: string | undefined, key: string): string | undefined {
  if (text === undefined) return undefined;
  try {
    const doc: unknown = yaml.load(text);
    const value = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>)[key] : undefined;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
