// Which hosts a command works on: an inventory file (-i) or an ad-hoc list (--hosts), narrowed by
// --limit, then by --retry-failed (hosts not ok in a previous report) and --shard K/N.
import { UsageError } from '../errors.js';
import { parseLimit, parsePositiveInt } from './flag-values.js';
import { readSshConfigFile, sshConfigPath } from './read-ssh-config.js';
import { inventoryFromHostList, type HostListDefaults } from '../inventory/adhoc.js';
import { selectHosts } from '../inventory/limit.js';
import { loadAnyInventory } from '../inventory/detect.js';
import { selectShard, type Shard } from '../inventory/shard.js';
import type { HostSpec, Inventory } from '../inventory/types.js';
import { hostsToRetry, readReport } from '../report/read-report.js';

export interface SelectionOptions {
  inventory?: string;
  hosts?: string;
  user?: string;
  port?: string;
  privateKey?: string;
  jump?: string;
  limit?: string;
  retryFailed?: string;
  shard?: Shard;
  sshConfig?: string;
}

export function loadSelection(options: SelectionOptions): { inventory: Inventory; hosts: HostSpec[] } {
  if (options.inventory && options.hosts) throw new UsageError('give either -i/--inventory or --hosts, not both');
  if (!options.inventory && !options.hosts) throw new UsageError('no hosts: give -i INVENTORY or --hosts a,b,c');
  const defaults = hostListDefaults(options); // checked first: -u with -i is refused before any file is read
  // --ssh-config (default ~/.ssh/config, as ssh and Ansible read it) fills, during normalisation,
  // what the inventory and the flags leave unwritten. What it says that cannot be honoured is warned.
  const configFile = sshConfigPath(options.sshConfig);
  const load = configFile ? { sshConfig: { file: configFile, config: readSshConfigFile(configFile) } } : {};
  const inventory = options.inventory
    ? loadAnyInventory(options.inventory, process.env, load)
    : inventoryFromHostList(options.hosts ?? '', defaults, process.env, load);
  // Once each (a value used by many hosts is noted per host).
  for (const note of new Set(load.sshConfig?.config.notes ?? [])) process.stderr.write(`nodescrub: warning: ${note}\n`);
  let hosts = limitHosts(inventory, options.limit);
  if (options.retryFailed) hosts = keepRetryHosts(inventory, hosts, options.retryFailed, options.limit !== undefined);
  if (options.shard) hosts = selectShard(hosts, options.shard);
  if (hosts.length === 0) throw new UsageError('no host selected');
  return { inventory, hosts };
}

/** -u/-p/--private-key/-J: what ssh's flags set, for every host of --hosts (an inventory has defaults:). */
function hostListDefaults(options: SelectionOptions): HostListDefaults {
  const given = (['user', 'port', 'privateKey', 'jump'] as const).filter((key) => options[key] !== undefined);
  if (options.inventory && given.length > 0) {
    const flag = { user: '-u/--user', port: '-p/--port', privateKey: '--private-key', jump: '-J/--jump' }[given[0]];
    throw new UsageError(`${flag} applies to --hosts only; with -i set it in the inventory's defaults:`);
  }
  const defaults: HostListDefaults = {};
  if (options.user !== undefined) defaults.user = options.user;
  if (options.port !== undefined) {
    const port = parsePositiveInt('--port', options.port);
    if (port > 65535) throw new UsageError(`--port: expected a port 1..65535, got "${options.port}"`);
    defaults.port = port;
  }
  if (options.privateKey !== undefined) defaults.identityFile = options.privateKey;
  if (options.jump !== undefined) defaults.jumpHost = options.jump;
  return defaults;
}

/** --limit PATTERN over the loaded inventory (checked after it loads, so its problems come first);
 * each term that matches nothing is one line of the usage error. */
export function limitHosts(inventory: Inventory, limitText?: string): HostSpec[] {
  const selected = selectHosts(inventory, limitText === undefined ? undefined : parseLimit(limitText));
  if (!selected.ok) throw new UsageError(selected.error.map((problem) => `--limit: ${problem}`).join('\n'));
  return selected.value;
}

/** Hosts not ok in the report; if the report is incomplete (the run was killed), also every selected
 * host it does not mention — it was never finished. `--limit` narrows them, as it narrows --shard:
 * a host to retry outside the limit is left for another pass; one missing from the inventory is an error. */
function keepRetryHosts(inventory: Inventory, hosts: HostSpec[], reportFile: string, limited: boolean): HostSpec[] {
  const report = readReport(reportFile);
  const wanted = new Set(hostsToRetry(report));
  if (!report.complete) {
    const mentioned = new Set(report.hosts.map((host) => host.name));
    return hosts.filter((host) => wanted.has(host.name) || !mentioned.has(host.name));
  }
  if (wanted.size === 0) throw new UsageError(`--retry-failed ${reportFile}: nothing to retry, every host in it ended ok`);
  const known = new Set(inventory.hosts.map((host) => host.name));
  const missing = [...wanted].filter((name) => !known.has(name));
  if (missing.length > 0) throw new UsageError(`--retry-failed ${reportFile}: host "${missing[0]}" is not in the inventory`);
  const kept = hosts.filter((host) => wanted.has(host.name));
  if (kept.length === 0 && limited) throw new UsageError(`--retry-failed ${reportFile}: none of its ${wanted.size} host(s) to retry is within --limit`);
  return kept;
}
