// Docker commands that succeed when their object is already gone (removed by an earlier command,
// or by kubelet garbage collection between probe and apply) but still fail when the daemon fails:
// "gone" means the listing itself succeeded and lacks the exact name.
import type { ToolFacts } from '../facts/types.js';
import { shellQuote } from '../quote.js';
import { bounded } from './common.js';

const LISTINGS = {
  container: 'docker ps -aq --no-trunc',
  volume: 'docker volume ls -q',
  image: 'docker images -q --no-trunc',
} as const;

/** `ACTION || { list succeeded && name not in it; }`. */
export function dockerTolerant(tools: ToolFacts, kind: keyof typeof LISTINGS, action: string, name: string): string {
  const gone = `{ l=$(${bounded(tools, 15, LISTINGS[kind])}) && ! printf '%s\\n' "$l" | grep -qxF -- ${shellQuote(name)}; }`;
  return `${action} >/dev/null || ${gone}`;
}

export function stopContainer(tools: ToolFacts, id: string): string {
  return dockerTolerant(tools, 'container', bounded(tools, 60, `docker stop -t 10 ${shellQuote(id)}`), id);
}

export function removeContainer(tools: ToolFacts, id: string): string {
  return dockerTolerant(tools, 'container', bounded(tools, 60, `docker rm -f ${shellQuote(id)}`), id);
}

export function removeVolume(tools: ToolFacts, name: string): string {
  return dockerTolerant(tools, 'volume', bounded(tools, 60, `docker volume rm -- ${shellQuote(name)}`), name);
}

export function removeImage(tools: ToolFacts, id: string): string {
  return dockerTolerant(tools, 'image', bounded(tools, 120, `docker rmi -f ${shellQuote(id)}`), id);
}
