// Does this host look like a running cluster member? Asked only when the API server could not say:
// then a running kubelet or agent, or a kubelet log written in the last minutes, means "maybe live"
// and the host is refused (fail closed). Pure: facts and the guard's read in, evidence out.
import { AGENT_IMAGE } from '../recipe/catalogue.js';
import type { Facts } from '../recipe/types.js';
import type { KubeletFiles } from './kubelet-files.js';
import { formatAge } from './liveness.js';

/** A kubelet log written this recently counts as a sign of life (the kubelet logs every few seconds). */
export const RECENT_LOG_WINDOW_S = 300;

/** Units whose active state means the node's agent runs (stopped by the cleanup, so not proof of death). */
const AGENT_UNITS = ['kubelet.service', 'rke2-server.service', 'rke2-agent.service', 'k3s.service', 'k3s-agent.service', 'rancher-system-agent.service'];
const AGENT_PROCESSES = ['kubelet', 'rancher-agent'];
const AGENT_CONTAINERS = ['kubelet', 'rancher-agent'];

/** One line per sign that the node's kubelet or agent still works; empty when none. */
export function signsOfLife(facts: Facts, files: KubeletFiles): string[] {
  const signs: string[] = [];
  for (const unit of facts.services?.units ?? []) {
    if (AGENT_UNITS.includes(unit.name) && ['active', 'activating', 'reloading'].includes(unit.active)) signs.push(`${unit.name} is ${unit.active}`);
  }
  for (const process of facts.services?.processes ?? []) {
    if (AGENT_PROCESSES.includes(process.comm)) signs.push(`${process.comm} runs (pid ${process.pid})`);
  }
  for (const process of files.cmdlines) {
    if (process.comm !== 'kubelet' && !signs.some((s) => s.includes(`(pid ${process.pid})`))) signs.push(`${process.comm} runs (pid ${process.pid})`);
  }
  if (facts.docker?.status === 'ok') {
    for (const container of facts.docker.containers) {
      const agent = container.names.some((n) => AGENT_CONTAINERS.includes(n)) || AGENT_IMAGE.test(container.image);
      if (agent && container.running) signs.push(`container ${container.names[0] ?? container.id.slice(0, 12)} is ${container.state}`);
    }
  } else if (files.kubeletContainer?.running) {
    signs.push('container kubelet is running (docker inspect)');
  }
  if (files.now !== undefined) {
    for (const [path, mtime] of files.mtimes) {
      const age = files.now - mtime;
      if (age <= RECENT_LOG_WINDOW_S) signs.push(`${path} written ${formatAge(Math.max(0, age) * 1000)} ago`);
    }
  }
  return signs;
}
