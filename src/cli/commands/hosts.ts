// `nodescrub hosts`: the resolved hosts with their effective settings (never a secret). Takes the
// same selection flags as run, so `--retry-failed`/`--shard` can be checked before a run.
import { describeHosts, hostsToJson } from '../../inventory/describe.js';
import { parseShard } from '../flag-values.js';
import { loadSelection } from '../select-hosts.js';

interface HostsOptions {
  inventory?: string;
  hosts?: string;
  limit?: string;
  shard?: string;
  retryFailed?: string;
  json?: boolean;
}

export function hostsCommand(options: HostsOptions, stdout: NodeJS.WritableStream): number {
  const shard = options.shard === undefined ? undefined : parseShard(options.shard);
  const { hosts } = loadSelection({ ...options, shard });
  stdout.write(options.json ? `${JSON.stringify(hostsToJson(hosts), null, 2)}\n` : `${describeHosts(hosts)}\n`);
  return 0;
}
