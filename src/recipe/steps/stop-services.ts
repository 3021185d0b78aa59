// Step 1: stop what re-creates state — systemd units, the agent/kubelet/system containers, bare
// agent processes — so nothing rebuilds what the later steps remove. The RKE2/K3s units and
// rancher-system-agent (and kubelet on a kubeadm containerd node) are disabled too: left enabled,
// with their config, they start the node into its old cluster at the next boot. Other units stay enabled.
import { AGENT_IMAGE, DISABLED_UNITS, POD_CONTAINER_PREFIX, STOP_FIRST_CONTAINERS } from '../catalogue.js';
import type { DockerContainer } from '../facts/docker.js';
import type { ToolFacts } from '../facts/host.js';
import type { ProcessInfo } from '../facts/services.js';
import type { Facts } from '../probe/probe.js';
import { isClusterContainer } from '../ownership.js';
import { shellQuote } from '../quote.js';
import type { Artifact, Step } from '../types.js';
import { bounded, makePlan } from './common.js';
import { batches, stopContainers } from './docker-commands.js';

const ACTIVE_STATES = ['active', 'activating', 'reloading', 'deactivating', 'refreshing'];

/**
 * Stop tier of a running container, or null when it is not one we stop first — never one that is
 * not the cluster's (src/recipe/ownership.ts: a registry or the Rancher server keeps running): 0 the rancher agent
 * (re-creates the RKE containers), 1 kubelet (re-creates pods), 2 the other RKE system containers
 * and pod containers (`k8s_` prefix, docker-shim naming), which re-create nothing. Each tier is one
 * concurrent `docker stop`, so the worst case is three grace periods, not one per container.
 */
export function stopPriority(container: DockerContainer): number | null {
  const names = container.names;
  if (!isClusterContainer(container)) return null;
  if (AGENT_IMAGE.test(container.image) || names.includes('rancher-agent')) return 0;
  if (names.includes('kubelet')) return 1;
  if (names.some((n) => (STOP_FIRST_CONTAINERS as readonly string[]).includes(n) || n.startsWith(POD_CONTAINER_PREFIX))) return 2;
  return null;
}

/** TERM, up to 5 s (the containers' grace) for it to exit, then KILL — only while the pid still
 * runs the same program (pids are reused), and a zombie counts as gone. */
function killProcess(process: ProcessInfo): string {
  const { pid } = process;
  const comm = shellQuote(process.comm);
  const alive = `nodescrub_alive() { [ "$(cat /proc/${pid}/comm 2>/dev/null)" = ${comm} ] && ! grep -q '^State:[[:space:]]*Z' /proc/${pid}/status 2>/dev/null; }`;
  return `${alive}; if nodescrub_alive; then kill ${pid}; for i in 1 2 3 4 5; do nodescrub_alive || break; sleep 1; done; ! nodescrub_alive || kill -9 ${pid}; fi`;
}

/** One `docker stop` per priority tier (agent, kubelet, …, pods), so a tier stops concurrently. */
function containersToStop(facts: Facts, tools: ToolFacts, artifacts: Artifact[], commands: string[]): void {
  if (facts.docker.status !== 'ok') return;
  const tiers = new Map<number, DockerContainer[]>();
  for (const c of facts.docker.containers.filter((x) => x.running)) {
    const priority = stopPriority(c);
    if (priority !== null) tiers.set(priority, [...(tiers.get(priority) ?? []), c]);
  }
  for (const [, tier] of [...tiers].sort(([a], [b]) => a - b)) {
    for (const c of tier) artifacts.push({ category: 'services', name: c.id, detail: `container ${c.names.join(',')} (${c.image}, ${c.state})` });
    commands.push(...batches(tier.map((c) => c.id)).map((ids) => stopContainers(tools, ids)));
  }
}

const head = { id: 'stop-services', title: 'Stop what re-creates state' };

/** RKE2/K3s units and rancher-system-agent always; kubelet.service only on a kubeadm containerd node. */
function unitsToDisable(facts: Facts): string[] {
  return [...DISABLED_UNITS, ...(facts.containerd.kubeadm ? ['kubelet.service'] : [])];
}

export const stopServicesStep: Step = {
  ...head,
  description:
    'Stops active systemd units (kubelet, kube-proxy, rke2-server/agent, k3s/k3s-agent, rancher-system-agent), ' +
    'running rancher-agent/kubelet/RKE system/k8s_ pod containers (agent first), and leftover kubelet, ' +
    'kube-proxy and rancher-agent processes. The rke2-server/agent, k3s/k3s-agent and rancher-system-agent units ' +
    '(and kubelet on a kubeadm containerd node) are also disabled (unit files kept); other units stay enabled.',
  plan(facts) {
    const artifacts: Artifact[] = [];
    const commands: string[] = [];
    const notes: string[] = [];
    const disabled = unitsToDisable(facts);
    for (const unit of facts.services.units) {
      const active = ACTIVE_STATES.includes(unit.active);
      const disable = unit.enabled === 'enabled' && disabled.includes(unit.name);
      if (active) {
        artifacts.push({ category: 'services', name: unit.name, detail: `systemd unit, ${unit.active}, ${unit.enabled}` });
        commands.push(bounded(facts.tools, 90, `systemctl stop ${shellQuote(unit.name)}`));
      }
      if (disable) {
        artifacts.push({ category: 'services', name: `${unit.name} enabled`, detail: 'disabled: it would start the node into its old cluster at boot (unit file kept)' });
        commands.push(bounded(facts.tools, 30, `systemctl disable ${shellQuote(unit.name)}`));
      } else if (active && unit.enabled === 'enabled') notes.push(`${unit.name} stays enabled: it starts again at boot`);
    }
    containersToStop(facts, facts.tools, artifacts, commands);
    for (const process of facts.services.processes) {
      artifacts.push({ category: 'services', name: `pid ${process.pid}`, detail: `${process.comm} process` });
      commands.push(killProcess(process));
    }
    const dockerDown = facts.docker.status === 'unreachable';
    if (dockerDown) notes.push('docker containers cannot be listed or stopped: the daemon does not answer');
    const reason = dockerDown
      ? 'no cluster unit or process is running (containers unknown: docker does not answer)'
      : 'already clean: no cluster unit, container or process is running';
    return makePlan(head, { artifacts, commands, notes }, reason);
  },
};
