// Which interface carries the SSH session this probe runs in: the interfaces step never deletes it.
// Two independent answers, both kept: the interface owning the server-side address, and the one
// the kernel routes the client's address through (they differ with asymmetric routing).
import { bodyLines, parseFail, type FactDefinition, type SectionOutput } from '../probe/section.js';
import { linkAddresses } from './interfaces.js';

export interface SshConnection {
  clientAddress: string;
  clientPort: number;
  serverAddress: string;
  serverPort: number;
}

/** The SSH session the probe ran in, and the interfaces carrying it (never deleted). */
export interface SshFacts {
  /** From `$SSH_CONNECTION`; null when not set (not over SSH, or sudo dropped it). */
  connection: SshConnection | null;
  /** The interface owning the server-side address (`ip -j addr`, or `ip -o addr`). */
  addressInterface: string | null;
  /** The `dev` of `ip route get <client address>`. */
  routeInterface: string | null;
  /** Every address on the host (any interface), without prefix length: the live-node guard matches them against the cluster's nodes. */
  hostAddresses: string[];
}

/** IPv4-mapped IPv6 (`::ffff:192.0.2.1`, from a dual-stack sshd) compares as plain IPv4. */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1] : address.toLowerCase();
}

function parseConnection(output: SectionOutput): SshConnection | null {
  const lines = bodyLines(output.stdout);
  if (lines.length !== 1) parseFail('ssh-connection', `expected one line, got ${lines.length}`);
  const value = lines[0].trim();
  if (value === '') return null;
  const parts = value.split(/\s+/);
  const [client, clientPort, server, serverPort] = parts;
  const port = (p: string | undefined) => (p !== undefined && /^\d{1,5}$/.test(p) && Number(p) <= 65535 ? Number(p) : NaN);
  if (parts.length !== 4 || Number.isNaN(port(clientPort)) || Number.isNaN(port(serverPort))) {
    parseFail('ssh-connection', `SSH_CONNECTION is not "client port server port": ${JSON.stringify(value.slice(0, 80))}`);
  }
  return { clientAddress: client, clientPort: port(clientPort), serverAddress: server, serverPort: port(serverPort) };
}

/** `ip -o addr` (iproute2 and busybox): `N: NAME    inet ADDR/PLEN …` → [interface, address]. */
function parseAddresses(output: SectionOutput): Array<[string, string]> {
  if (output.status !== 0) return [];
  return bodyLines(output.stdout).map((line, i): [string, string] => {
    const match = /^\d+:\s+(\S+)\s+inet6?\s+(\S+)/.exec(line);
    if (!match) return parseFail('addresses', `not an ip -o addr line: ${JSON.stringify(line.slice(0, 80))}`, i + 1);
    return [match[1].replace(/@.*$/, ''), normalizeAddress(match[2].replace(/\/\d+$/, ''))];
  });
}

/** `ip route get ADDR`: the word after `dev`. */
function parseRouteDevice(output: SectionOutput): string | null {
  if (output.status === 'skipped' || output.status !== 0) return null;
  const words = output.stdout.split(/\s+/);
  const at = words.indexOf('dev');
  if (at === -1 || !words[at + 1]) parseFail('route', `no "dev" in ${JSON.stringify(output.stdout.slice(0, 80))}`);
  return words[at + 1];
}

export const sshFact: FactDefinition<SshFacts> = {
  sections: [
    { id: 'ssh-connection', inline: true, script: `printf '%s\\n' "\${SSH_CONNECTION-}"` },
    // Only where the links section (run first) got no JSON: that JSON holds every address already.
    { id: 'addresses', inline: true, runIf: '[ "${__ns_links_json-}" != yes ]', script: 'ip -o addr show' },
    {
      id: 'route',
      runIf: '[ -n "${SSH_CONNECTION-}" ]',
      inline: true,
      // The client address is SSH_CONNECTION's first word.
      script: `c=\${SSH_CONNECTION%% *}; case $c in ::ffff:*.*) c=\${c#::ffff:};; esac
ip -o route get "$c"`,
    },
  ],
  parse(read) {
    const connection = parseConnection(read.get('ssh-connection'));
    const listed = read.get('addresses');
    const addresses = (listed.status === 'skipped' ? linkAddresses(read.get('links')) : parseAddresses(listed)) ?? [];
    const route = read.get('route');
    const hostAddresses = [...new Set(addresses.map(([, address]) => normalizeAddress(address)))];
    if (!connection) return { connection: null, addressInterface: null, routeInterface: null, hostAddresses };
    const server = normalizeAddress(connection.serverAddress);
    const owner = addresses.find(([, address]) => address === server);
    return { connection, addressInterface: owner ? owner[0] : null, routeInterface: parseRouteDevice(route), hostAddresses };
  },
};
