// Network interfaces. `ip -d -j addr` (iproute2 ≥ 4.13) gives exact names and the link kind, and
// each link's addresses, which the ssh fact reads from here (one `ip` process for both);
// busybox and old iproute2 fall back to `ip -o link`, parsed strictly:
//   `N: NAME[@PEER]: <FLAGS> … [master M] …\    link/TYPE …`
// In that form a name that itself contains `@` is ambiguous; it is read up to the first `@`, so a
// command can only ever name an interface that matched a pattern exactly (never a guessed one).
import { bodyLines, firstErrorLine, parseFail, type FactDefinition, type SectionOutput } from '../probe/section.js';

export interface NetLink {
  index: number;
  name: string;
  /** What `ip` shows after `@`: the veth peer or lower device (`ifN` when in another namespace). */
  peer: string | null;
  /** The bridge/bond this link is a port of. */
  master: string | null;
  /** `link/<type>` (`ether`, `loopback`, `ipip`, …). */
  linkType: string | null;
  /** `linkinfo.info_kind` (`veth`, `bridge`, `vxlan`, `ipip`, …); only from `ip -d -j`. */
  kind: string | null;
}

export type InterfaceFacts =
  | { available: true; source: 'json' | 'oneline'; links: NetLink[] }
  | { available: false; error: string };

function parseOneline(lines: string[]): NetLink[] {
  return lines.map((line, i) => {
    const match = /^(\d+): ([^\s:]+): <([^>]*)>(.*)$/.exec(line);
    if (!match) return parseFail('links', `not an ip -o link line: ${JSON.stringify(line.slice(0, 80))}`, i + 2);
    const [, index, label, , rest] = match;
    const at = label.indexOf('@');
    return {
      index: Number(index),
      name: at === -1 ? label : label.slice(0, at),
      peer: at === -1 ? null : label.slice(at + 1),
      master: / master ([^\s\\]+)/.exec(rest)?.[1] ?? null,
      linkType: /link\/([^\s\\]+)/.exec(rest)?.[1] ?? null,
      kind: null,
    };
  });
}

function field<T>(value: unknown, check: (v: unknown) => v is T, what: string): T | null {
  if (value === undefined) return null;
  if (!check(value)) return parseFail('links', `${what} has the wrong type`);
  return value;
}
const isString = (v: unknown): v is string => typeof v === 'string';
const isInteger = (v: unknown): v is number => Number.isInteger(v);

function parseJsonArray(text: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return parseFail('links', 'ip -j output is not JSON');
  }
  if (!Array.isArray(value)) return parseFail('links', 'ip -j output is not a JSON array');
  return value;
}

function parseJson(text: string): NetLink[] {
  return parseJsonArray(text).map((item: unknown, i): NetLink => {
    if (typeof item !== 'object' || item === null) return parseFail('links', `entry ${i} is not an object`);
    const link = item as Record<string, unknown>;
    const index = field(link.ifindex, isInteger, `entry ${i} ifindex`);
    const name = field(link.ifname, isString, `entry ${i} ifname`);
    if (index === null || name === null || name === '') return parseFail('links', `entry ${i} lacks ifindex or ifname`);
    const info = link.linkinfo;
    const kind = typeof info === 'object' && info !== null ? field((info as Record<string, unknown>).info_kind, isString, 'info_kind') : null;
    // A peer in another namespace has only an index: shown as `ifN`, as `ip -o` would.
    const peerIndex = field(link.link_index, isInteger, `entry ${i} link_index`);
    const peer = field(link.link, isString, `entry ${i} link`) ?? (peerIndex === null ? null : `if${peerIndex}`);
    return { index, name, peer, master: field(link.master, isString, 'master'), linkType: field(link.link_type, isString, 'link_type'), kind };
  });
}

export const interfacesFact: FactDefinition<InterfaceFacts> = {
  sections: [
    {
      id: 'links',
      inline: true,
      // $__ns_links_json tells the ssh fact's addresses section that the addresses are here already.
      script: `__ns_links_json=no
__ns_has ip || return 127
if out=$(ip -d -j addr show 2>/dev/null) && [ -n "$out" ]; then __ns_links_json=yes; echo 'format json'; printf '%s\\n' "$out"
else echo 'format oneline'; ip -o link show; fi`,
    },
  ],
  parse(read) {
    const output = read.get('links');
    if (output.status === 127) return { available: false, error: 'the ip command is not installed' };
    if (output.status !== 0) return { available: false, error: `ip link show failed: ${firstErrorLine(output)}` };
    const [header, ...rest] = bodyLines(output.stdout);
    if (header === 'format json') return { available: true, source: 'json', links: parseJson(rest.join('\n')) };
    if (header === 'format oneline') return { available: true, source: 'oneline', links: parseOneline(rest) };
    return parseFail('links', `unknown format line ${JSON.stringify((header ?? '').slice(0, 40))}`, 1);
  },
};

/**
 * [interface, address] of every address in the links section's JSON (`addr_info[].local`), or null
 * when the section has no JSON (busybox, old iproute2: the ssh fact then runs `ip -o addr` itself).
 */
export function linkAddresses(output: SectionOutput): Array<[string, string]> | null {
  if (output.status !== 0) return null;
  const [header, ...rest] = bodyLines(output.stdout);
  if (header !== 'format json') return null;
  return parseJsonArray(rest.join('\n')).flatMap((item, i) => {
    const link = item as Record<string, unknown>;
    const name = field(link.ifname, isString, `entry ${i} ifname`);
    const infos = link.addr_info;
    if (name === null || infos === undefined) return [];
    if (!Array.isArray(infos)) return parseFail('links', `entry ${i} addr_info is not an array`);
    return infos.flatMap((info: unknown): Array<[string, string]> => {
      const local = typeof info === 'object' && info !== null ? field((info as Record<string, unknown>).local, isString, `entry ${i} addr_info local`) : null;
      return local === null ? [] : [[name, local]];
    });
  });
}
