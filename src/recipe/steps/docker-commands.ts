// Docker commands over batches of objects (the docker CLI works on a batch concurrently: a node with
// hundreds of dead pod containers must not take hundreds of sequential calls). Each command
// succeeds when its objects are gone even if docker complained (removed by an earlier command, or by
// kubelet garbage collection between probe and apply) but still fails when the daemon fails:
// "gone" means the listing itself succeeded and holds none of the exact names.
import type { ToolFacts } from '../facts/host.js';
import { shellQuote } from '../quote.js';
import { bounded } from './common.js';

/** At most this many objects per docker call (keeps command lines short and failures local). */
export const DOCKER_BATCH = 50;

const LISTINGS = {
  running: 'docker ps -q --no-trunc',
  container: 'docker ps -aq --no-trunc',
  volume: 'docker volume ls -q',
  image: 'docker images -q --no-trunc',
} as const;

export function batches<T>(items: readonly T[], size = DOCKER_BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `ACTION || { list succeeded && none of the names in it; }`. */
function tolerant(tools: ToolFacts, listing: keyof typeof LISTINGS, action: string, names: readonly string[]): string {
  const patterns = names.map((n) => `-e ${shellQuote(n)}`).join(' ');
  const gone = `{ l=$(${bounded(tools, 15, LISTINGS[listing])}) && ! printf '%s\\n' "$l" | grep -qxF ${patterns}; }`;
  return `${action} >/dev/null || ${gone}`;
}

const args = (names: readonly string[]) => names.map(shellQuote).join(' ');

/** Grace period before docker kills a container: short, since everything is removed right after
 * and only the order (agent, kubelet, the rest) matters, and steps run under --step-timeout. */
export const STOP_GRACE_SECONDS = 5;

/** Stopped means no longer running (a stopped container is still listed by `ps -a`, rightly). */
export function stopContainers(tools: ToolFacts, ids: readonly string[]): string {
  return tolerant(tools, 'running', bounded(tools, 60, `docker stop -t ${STOP_GRACE_SECONDS} ${args(ids)}`), ids);
}

export function removeContainers(tools: ToolFacts, ids: readonly string[]): string {
  return tolerant(tools, 'container', bounded(tools, 90, `docker rm -f ${args(ids)}`), ids);
}

export function removeVolumes(tools: ToolFacts, names: readonly string[]): string {
  return tolerant(tools, 'volume', bounded(tools, 90, `docker volume rm -- ${args(names)}`), names);
}

export function removeImages(tools: ToolFacts, ids: readonly string[]): string {
  return tolerant(tools, 'image', bounded(tools, 120, `docker rmi -f ${args(ids)}`), ids);
}
