// Step 2 on containerd nodes (RKE2, K3s, kubeadm): the pods outlive their unit (rke2/k3s stop with
// KillMode=process), so stop them here before their rootfs and volumes are unmounted: the k8s.io
// tasks through ctr where the pods' containerd answers, then every k8s.io shim still running with its
// process tree (as rke2-killall.sh does), then the RKE2/K3s containerd itself (never the system one),
// then the pods' network namespaces. Other containerd namespaces (docker's `moby`, a user's) stay.
import { CLUSTER_CONTAINERD_SOCKET, KUBERNETES_CONTAINERD_NAMESPACE, SYSTEM_CONTAINERD_SOCKET } from '../catalogue.js';
import type { ContainerdFacts } from '../facts/containerd.js';
import type { ToolFacts } from '../facts/host.js';
import { describeUnsafe, shellQuote, unsafeNameReason } from '../quote.js';
import type { Artifact, Step } from '../types.js';
import { bounded, makePlan, refusePlan } from './common.js';
import { unmountCommand } from './mounts.js';

const head = { id: 'containerd', title: 'Stop the pods of a containerd node' };

/** ctr against the pods' containerd, in the k8s.io namespace only. */
function ctr(facts: ContainerdFacts, args: string): string {
  return `${shellQuote(facts.ctr ?? 'ctr')} -a ${shellQuote(facts.socket ?? '')} -n ${KUBERNETES_CONTAINERD_NAMESPACE} ${args}`;
}

/** Kill then delete one task; a task already gone (a stale plan, a shim killed meanwhile) is fine. */
function stopTaskCommand(facts: ContainerdFacts, tools: ToolFacts, id: string): string {
  const q = shellQuote(id);
  return `${bounded(tools, 30, ctr(facts, `tasks kill --all --signal SIGKILL ${q}`))} 2>/dev/null; ${bounded(tools, 30, ctr(facts, `tasks delete --force ${q}`))} >/dev/null 2>&1 || true`;
}

/**
 * SIGKILL to `pid` and every descendant (children first listed last), only while its command line
 * still holds `marker` (pids are reused: a pid that now runs something else is left alone).
 */
export function killTreeCommand(pid: number, marker: string): string {
  const tree = `nodescrub_tree() { for c in $(ps -e -o ppid= -o pid= 2>/dev/null | awk -v p="$1" '$1 == p { print $2 }'); do nodescrub_tree "$c"; done; echo "$1"; }`;
  const still = `tr '\\0' '\\n' < /proc/${pid}/cmdline 2>/dev/null | grep -qxF -- ${shellQuote(marker)}`;
  return `${tree}; if ${still}; then kill -9 $(nodescrub_tree ${pid}) 2>/dev/null; fi; ! ${still}`;
}

/** TERM, up to 10 s, then KILL — while its command line still names the cluster socket. */
function stopDaemonCommand(pid: number): string {
  const still = `tr '\\0' '\\n' < /proc/${pid}/cmdline 2>/dev/null | grep -qF -- ${shellQuote(CLUSTER_CONTAINERD_SOCKET)}`;
  return `if ${still}; then kill ${pid}; for i in 1 2 3 4 5 6 7 8 9 10; do ${still} || break; sleep 1; done; ! ${still} || kill -9 ${pid}; fi`;
}

/** The container (and its snapshot) once its task is gone; one already deleted is fine. */
function removeContainerCommand(facts: ContainerdFacts, tools: ToolFacts, id: string): string {
  const q = shellQuote(id);
  return `${bounded(tools, 30, ctr(facts, `containers delete ${q}`))} || ! ${bounded(tools, 30, ctr(facts, `containers info ${q}`))} >/dev/null 2>&1`;
}

/** The image in k8s.io only (--sync: its content goes now, unless another namespace still uses it). */
function removeImageCommand(facts: ContainerdFacts, tools: ToolFacts, ref: string): string {
  const q = shellQuote(ref);
  return `${bounded(tools, 60, ctr(facts, `images rm --sync ${q}`))} >/dev/null || ! ${bounded(tools, 30, ctr(facts, `images ls -q`))} | grep -qxF -- ${q}`;
}

function removeNetnsCommand(name: string): string {
  const path = `/run/netns/${name}`;
  return `${unmountCommand(path)}; rm -f ${shellQuote(path)}`;
}

export const containerdStep: Step = {
  ...head,
  description:
    'On RKE2/K3s/kubeadm containerd nodes: kills and deletes the k8s.io tasks through ctr (the pods\' containerd socket, ' +
    '/run/k3s/containerd/containerd.sock or, on kubeadm, /run/containerd/containerd.sock), kills every remaining ' +
    'containerd-shim of the k8s.io namespace with its process tree, stops the RKE2/K3s containerd (never the system ' +
    'containerd), and unmounts and removes the pods\' network namespaces /run/netns/cni-<uuid>. On kubeadm nodes the ' +
    'k8s.io containers and images are then deleted through the system containerd (ctr containers delete, ctr images rm --sync), ' +
    'which keeps running. Docker\'s moby ' +
    'namespace and any other containerd namespace are not touched; CRI-O is reported only.',
  plan(facts) {
    const runtime = facts.containerd;
    const artifacts: Artifact[] = [];
    const commands: string[] = [];
    const notes: string[] = [];
    if (runtime.crio) notes.push('CRI-O is installed (/var/run/crio/crio.sock): its pods are not cleaned by nodescrub');
    const content = runtime.content ?? { containers: [], images: [] };
    for (const id of [...(runtime.tasks ?? []).map((t) => t.id), ...runtime.shims.map((s) => s.id), ...content.containers, ...content.images]) {
      const why = unsafeNameReason(id);
      if (why) return refusePlan(head, describeUnsafe('containerd task id', id, why));
    }
    for (const task of runtime.tasks ?? []) {
      artifacts.push({ category: 'containers', name: `${KUBERNETES_CONTAINERD_NAMESPACE}/${task.id}`, detail: `containerd task, pid ${task.pid}, ${task.status.toLowerCase()}` });
      commands.push(stopTaskCommand(runtime, facts.tools, task.id));
    }
    if (runtime.tasksError) notes.push(`the pods' containerd did not list its tasks (${runtime.tasksError}): their shims are killed instead`);
    for (const shim of runtime.shims) {
      artifacts.push({ category: 'services', name: `shim pid ${shim.pid}`, detail: `containerd-shim of ${KUBERNETES_CONTAINERD_NAMESPACE} task ${shim.id} (${shim.address})` });
      commands.push(killTreeCommand(shim.pid, shim.id));
    }
    for (const daemon of runtime.daemons.filter((d) => d.address === CLUSTER_CONTAINERD_SOCKET)) {
      artifacts.push({ category: 'services', name: `containerd pid ${daemon.pid}`, detail: `the RKE2/K3s containerd (${CLUSTER_CONTAINERD_SOCKET})` });
      commands.push(stopDaemonCommand(daemon.pid));
    }
    for (const name of runtime.cniNetns) {
      artifacts.push({ category: 'mounts', name: `/run/netns/${name}`, detail: 'pod network namespace' });
      commands.push(removeNetnsCommand(name));
    }
    // kubeadm: the system containerd stays, so the cluster's containers and images in it are removed
    // through it (the other namespaces' content, docker's `moby` included, stays).
    const tasks = new Set((runtime.tasks ?? []).map((t) => t.id));
    for (const id of content.containers) {
      if (!tasks.has(id)) artifacts.push({ category: 'containers', name: `${KUBERNETES_CONTAINERD_NAMESPACE}/${id}`, detail: 'containerd container, no task' });
      commands.push(removeContainerCommand(runtime, facts.tools, id));
    }
    for (const ref of content.images) {
      artifacts.push({ category: 'images', name: `${KUBERNETES_CONTAINERD_NAMESPACE}/${ref}`, detail: `containerd image (${SYSTEM_CONTAINERD_SOCKET})` });
      commands.push(removeImageCommand(runtime, facts.tools, ref));
    }
    if (runtime.contentError) notes.push(`the system containerd did not list the k8s.io containers and images (${runtime.contentError}): they stay in /var/lib/containerd`);
    const system = runtime.daemons.filter((d) => d.address !== CLUSTER_CONTAINERD_SOCKET).length;
    if (commands.length > 0 && system > 0) notes.push(`${system} other containerd daemon(s) (the system's, docker's) keep running: they are not the pods'`);
    return makePlan(head, { artifacts, commands, notes }, 'already clean: no k8s.io task, container, image or shim, no RKE2/K3s containerd, no pod network namespace');
  },
};
