// A custom RKE2/K3s data dir (`data-dir:` in config.yaml) is removed whole, with every mount below
// it: so it must be the distribution's and nothing wider. A typo (`data-dir: /srv`) or a shared
// parent would otherwise take the user's data with it. Anything doubtful refuses the host.
import { posix } from 'node:path';
import type { DistributionFacts } from './facts/containerd.js';


/** Top-level and system directories a data dir may never be (it may be below some of them). */
const NEVER = new Set([
  '/', '/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib32', '/lib64', '/media', '/mnt', '/opt', '/proc',
  '/root', '/run', '/sbin', '/srv', '/sys', '/tmp', '/usr', '/var', '/var/lib', '/var/log', '/var/run', '/usr/local',
]);

/** Why the custom data dir must not be removed, or null when it may (absent: nothing to do). */
export function customDataDirProblem(dist: DistributionFacts): string | null {
  if (!dist.customDataDir || dist.dataDirType === 'absent') return null;
  const { dataDir } = dist;
  const where = `data-dir ${JSON.stringify(dataDir)} (from /etc/rancher/${dist.name}/config.yaml or config.yaml.d/)`;
  if (!dataDir.startsWith('/') || posix.normalize(dataDir) !== dataDir || dataDir.endsWith('/')) return `${where} is not a plain absolute path`;
  if (NEVER.has(dataDir)) return `${where} is a system directory`;
  if (dist.dataDirType !== 'directory') return `${where} is a ${dist.dataDirType}, not a directory`;
  if (!dist.dataDirLooksUsed) return `${where} holds none of agent/, data/, server/: it does not look like a ${dist.name} data dir`;
  return null;
}
