// Asking one API server about this host: by name (each candidate until one is known), else by the
// host's addresses in the node list. A Ready node's Lease is fetched too (the fresher heartbeat).
import { ApiUnreachable, type ApiResponse } from './api-client.js';
import { readinessOf, type Observation } from './liveness.js';

/** One GET against the API server (tunnel, host-side client or direct); throws ApiUnreachable. */
export type Get = (path: string) => Promise<ApiResponse>;

/** Pages of the node list, and how many pages at most (a 20 000-node cluster). */
const LIST_PAGE = 200;
const LIST_PAGES = 100;

/** Never throws: an unreachable server is an observation too. */
export async function observeNode(get: Get, names: readonly string[], hostAddresses: readonly string[]): Promise<Observation> {
  try {
    for (const name of names) {
      const response = await get(`/api/v1/nodes/${encodeURIComponent(name)}`);
      if (response.status === 404) continue;
      if (response.status !== 200) return { kind: 'http-status', name, status: response.status, ...statusMessage(response.body) };
      return await withLease(get, { kind: 'node', name, node: response.body, ...date(response) });
    }
    return await observeByAddress(get, names, matchableAddresses(hostAddresses));
  } catch (error) {
    const failure = error instanceof ApiUnreachable ? error : new ApiUnreachable('EFAILED', String(error));
    return { kind: 'unreachable', code: failure.code, message: failure.message === failure.code ? '' : failure.message };
  }
}

/** No name is known to the cluster: the node whose status.addresses hold one of the host's. */
async function observeByAddress(get: Get, names: readonly string[], addresses: string[]): Promise<Observation> {
  if (addresses.length === 0) return { kind: 'not-found', names: [...names] };
  const matches: { name: string; node: unknown; address: string }[] = [];
  let last: ApiResponse | undefined;
  let next: string | undefined = '';
  for (let page = 0; next !== undefined && page < LIST_PAGES; page++) {
    const response = await get(`/api/v1/nodes?limit=${LIST_PAGE}${next ? `&continue=${encodeURIComponent(next)}` : ''}`);
    if (response.status !== 200) return { kind: 'http-status', name: '*', status: response.status, ...statusMessage(response.body) };
    const body = response.body as { items?: unknown; metadata?: { continue?: unknown } } | undefined;
    if (!Array.isArray(body?.items)) return { kind: 'http-status', name: '*', status: 200, message: 'the node list is not a list' };
    for (const node of body.items) {
      const found = nodeAddresses(node).find((a) => addresses.includes(a));
      const name = (node as { metadata?: { name?: unknown } })?.metadata?.name;
      if (found && typeof name === 'string') matches.push({ name, node, address: found });
    }
    last = response;
    next = typeof body.metadata?.continue === 'string' && body.metadata.continue !== '' ? body.metadata.continue : undefined;
  }
  if (matches.length > 1) return { kind: 'ambiguous', names: matches.map((m) => m.name) };
  if (matches.length === 0) return { kind: 'not-found', names: [...names], addresses };
  const [match] = matches;
  return withLease(get, { kind: 'node', name: match.name, node: match.node, matchedBy: `found by the host's address ${match.address}`, ...(last ? date(last) : {}) });
}

async function withLease(get: Get, observation: Observation & { kind: 'node' }): Promise<Observation> {
  if (readinessOf(observation.node).status !== 'True') return observation;
  try {
    const lease = await get(`/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${encodeURIComponent(observation.name)}`);
    const renewTime = (lease.body as { spec?: { renewTime?: unknown } } | undefined)?.spec?.renewTime;
    return lease.status === 200 && typeof renewTime === 'string' ? { ...observation, leaseRenewTime: renewTime } : observation;
  } catch {
    return observation; // the node object alone decides
  }
}

/** Loopback and link-local addresses say nothing about which machine this is. */
function matchableAddresses(addresses: readonly string[]): string[] {
  return [...new Set(addresses.filter((a) => !/^(127\.|::1$|fe80:|169\.254\.|0\.)/i.test(a)))];
}

function nodeAddresses(node: unknown): string[] {
  const list = (node as { status?: { addresses?: unknown } })?.status?.addresses;
  if (!Array.isArray(list)) return [];
  return list.flatMap((a) => (typeof (a as { address?: unknown })?.address === 'string' ? [(a as { address: string }).address.toLowerCase()] : []));
}

function date(response: ApiResponse): { serverDate?: number } {
  return response.serverDate !== undefined ? { serverDate: response.serverDate } : {};
}

function statusMessage(body: unknown): { message?: string } {
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' && message ? { message: message.slice(0, 200) } : {};
}
