// What counts as a host name, an address, a user and a port, and the `[user@]host[:port]` syntax.
import { ok, fail, type Result } from '../errors.js';
import { isIP } from 'node:net';

const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const USER_NAME = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*\$?$/;

/** Names are letters, digits and `.-_` (safe in --limit patterns, file names and log prefixes), or
 * an IPv6 address for a host known only by it (--limit takes it as one term). */
export function isHostName(text: string): boolean {
  return HOST_NAME.test(text) || isIP(text) === 6;
}

/** A DNS name or an IP literal; never starting with `-`, so it can't pass for an option anywhere. */
export function isAddress(text: string): boolean {
  return HOST_NAME.test(text) || isIP(text) !== 0;
}

/** A login name as `useradd` accepts it, so nothing odd reaches the SSH handshake or sudo. */
export function isUserName(text: string): boolean {
  return USER_NAME.test(text);
}

/** TCP ports as integers only: `"22"` in YAML is a string, and that is a mistake worth reporting. */
export function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** The parts of `[user@]host[:port]`; missing parts are left for the caller's defaults. */
export interface HostAddress {
  user?: string;
  host: string;
  port?: number;
}

/** Parses `ops@bastion:2222`, `bastion`, `[fe80::1]:22` (jumpHost, --hosts). */
export function parseHostAddress(text: string): Result<HostAddress> {
  const at = text.indexOf('@');
  const user = at === -1 ? undefined : text.slice(0, at);
  const rest = at === -1 ? text : text.slice(at + 1);
  if (user !== undefined && !isUserName(user)) return fail(`bad user name "${user}"`);
  const split = splitHostPort(rest);
  if (typeof split === 'string') return fail(split);
  const { host, port } = split;
  if (!isAddress(host)) return fail(`bad host "${host}"`);
  if (port === undefined) return ok({ user, host });
  const portNumber = /^\d+$/.test(port) ? Number(port) : NaN;
  if (!isPort(portNumber)) return fail(`bad port "${port}", expected 1-65535`);
  return ok({ user, host, port: portNumber });
}

// `[v6]:port`, bare v6 (no port), or `host[:port]`.
function splitHostPort(text: string): { host: string; port?: string } | string {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) return '"[" is never closed';
    const after = text.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return `unexpected "${after}" after "]"`;
    return { host: text.slice(1, close), port: after === '' ? undefined : after.slice(1) };
  }
  if (isIP(text) === 6) return { host: text };
  const colon = text.indexOf(':');
  if (colon === -1) return { host: text };
  return { host: text.slice(0, colon), port: text.slice(colon + 1) };
}
