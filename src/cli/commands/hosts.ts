// `nodescrub hosts`: the resolved hosts with their effective settings (never a secret).
import { describeHosts, hostsToJson } from '../../inventory/describe.js';
import { loadSelection } from '../select-hosts.js';

export function hostsCommand(options: { inventory?: string; hosts?: string; limit?: string; json?: boolean }, stdout: NodeJS.WritableStream): number {
  const { hosts } = loadSelection(options);
  stdout.write(options.json ? `${JSON.stringify(hostsToJson(hosts), null, 2)}\n` : `${describeHosts(hosts)}\n`);
  return 0;
}
