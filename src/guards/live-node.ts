// Live-node guard: does the cluster still count this host as a healthy member? Asks the API server
// with the host's own kubelet kubeconfig (through the host's SSH connection, so from the host's
// network, exactly the path the kubelet uses) and/or with an admin --kubeconfig from here.
import { HostError } from '../errors.js';
import type { GuardVerdict, HookContext } from '../run/hooks.js';
import { makeNonce } from '../run/nonce.js';
import { ApiUnreachable, apiGet, openDirect, type OpenStream } from './api-client.js';
import type { ProbeSection } from '../recipe/probe/section.js';
import { buildCatScript, buildReadScript, KUBELET_FILES_SECTION, KUBELET_KUBECONFIGS, kubeletFilesSection, parseReadOutput, type KubeletFiles } from './kubelet-files.js';
import { parseKubeconfig, referencedPaths, type ApiTarget } from './kubeconfig.js';
import { decideLiveness, readinessOf, type Observation } from './liveness.js';
import { candidateNodeNames, nodeNameFromCertificate } from './node-name.js';

export interface LiveNodeOptions {
  /** A heartbeat older than this does not count as live (--live-heartbeat). */
  maxHeartbeatAgeMs: number;
  /** Per API request, tunnel and TLS included. */
  requestTimeoutMs: number;
  /** For the read exec on the host. */
  stepTimeoutMs: number;
  /** --kubeconfig, parsed once up front. */
  admin?: { path: string; target: ApiTarget };
  now?: () => number;
}

/** One API server to ask, how, and under which node names. */
interface Source {
  target: ApiTarget;
  via: string;
  names: string[];
  open: OpenStream;
}

/**
 * The guard, and the probe section it reads first (`probe`, added to the discovery probe by whoever
 * builds the hooks); without that section's output it reads the files with an exec of its own.
 */
export function createLiveNodeGuard(options: LiveNodeOptions): { guard: (ctx: HookContext) => Promise<GuardVerdict>; probe: ProbeSection } {
  const marker = `NODESCRUB-${makeNonce()}`;
  const probe = kubeletFilesSection(marker);
  const guard = async (ctx: HookContext): Promise<GuardVerdict> => {
    const files = await readKubeletFiles(ctx, marker, options.stepTimeoutMs);
    const notes: string[] = [];
    const sources: Source[] = [];
    const hints = { hostname: files.hostname, inventoryName: ctx.host.name, address: ctx.host.address };
    for (const { path, text } of files.kubeconfigs) {
      const parsed = parseKubeconfig(text, path, (p) => files.files.get(p));
      if (!parsed.ok) {
        notes.push(`live node: kubelet kubeconfig ${path} ${parsed.problem}: not asked`);
        continue;
      }
      const forward = ctx.transport.forwardOut?.bind(ctx.transport);
      if (!forward) {
        notes.push(`live node: cannot tunnel to ${parsed.target.server} (no port forwarding on this connection): not asked`);
        continue;
      }
      const fromCert = parsed.target.cert ? nodeNameFromCertificate(parsed.target.cert) : undefined;
      sources.push({ target: parsed.target, via: `from ${ctx.host.name} with ${path}`, names: fromCert ? [fromCert] : candidateNodeNames(hints), open: forward });
    }
    if (options.admin) {
      const names = candidateNodeNames({ ...hints, hostname: undefined });
      for (const name of candidateNodeNames(hints)) if (!names.includes(name)) names.push(name);
      sources.push({ target: options.admin.target, via: `from here with ${options.admin.path}`, names, open: openDirect });
    }
    if (sources.length === 0 && notes.length === 0) {
      notes.push(`live node: no kubelet kubeconfig on the host (${KUBELET_KUBECONFIGS.join(', ')}) and no --kubeconfig: cluster membership not checked`);
    }
    const refusals: string[] = [];
    for (const source of sources) {
      if (source.names.length === 0) {
        notes.push(`live node: no usable node name for this host (asked ${source.via}): not asked`);
        continue;
      }
      const observation = await observe(source, options, ctx.signal);
      if (observation.kind === 'unreachable' && observation.code === 'ABORTED') throw new HostError('aborted', 'interrupted during the live-node check');
      const decision = decideLiveness(observation, {
        server: source.target.server,
        via: source.via,
        maxHeartbeatAgeMs: options.maxHeartbeatAgeMs,
        force: ctx.recipe.force,
        now: (options.now ?? Date.now)(),
      });
      if (decision.refusal) refusals.push(decision.refusal);
      if (decision.note) notes.push(decision.note);
      if (source.target.unsupportedAuth) notes.push(`live node: the kubeconfig (${source.via}) uses ${source.target.unsupportedAuth}, which nodescrub does not run: asked without credentials`);
    }
    return { refusals, notes };
  };
  return { guard, probe };
}

/** Asks for each candidate name until one is known; a Ready node's Lease is fetched too (fresher heartbeat). */
async function observe(source: Source, options: LiveNodeOptions, signal: AbortSignal): Promise<Observation> {
  const get = (path: string) => apiGet(source.target, path, source.open, { timeoutMs: options.requestTimeoutMs, signal });
  try {
    for (const name of source.names) {
      const response = await get(`/api/v1/nodes/${encodeURIComponent(name)}`);
      if (response.status === 404) continue;
      if (response.status !== 200) return { kind: 'http-status', name, status: response.status, ...statusMessage(response.body) };
      const observation: Observation = { kind: 'node', name, node: response.body, ...(response.serverDate ? { serverDate: response.serverDate } : {}) };
      if (readinessOf(response.body).status !== 'True') return observation;
      const leaseRenewTime = await fetchLeaseRenewTime(get, name);
      return leaseRenewTime ? { ...observation, leaseRenewTime } : observation;
    }
    return { kind: 'not-found', names: source.names };
  } catch (error) {
    const failure = error instanceof ApiUnreachable ? error : new ApiUnreachable('EFAILED', String(error));
    return { kind: 'unreachable', code: failure.code, message: failure.message === failure.code ? '' : failure.message };
  }
}

async function fetchLeaseRenewTime(get: (path: string) => Promise<{ status: number; body: unknown }>, name: string): Promise<string | undefined> {
  try {
    const lease = await get(`/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${encodeURIComponent(name)}`);
    const renewTime = (lease.body as { spec?: { renewTime?: unknown } } | undefined)?.spec?.renewTime;
    return lease.status === 200 && typeof renewTime === 'string' ? renewTime : undefined;
  } catch {
    return undefined; // the node object alone decides
  }
}

function statusMessage(body: unknown): { message?: string } {
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' && message ? { message: message.slice(0, 200) } : {};
}

/** From the discovery probe's section, else a read-only exec (plus, rarely, one for references the first missed). */
async function readKubeletFiles(ctx: HookContext, marker: string, timeoutMs: number): Promise<KubeletFiles> {
  const section = ctx.facts.custom?.[KUBELET_FILES_SECTION];
  const stdout = section && section.status !== 'skipped' ? section.stdout : (await execRead(ctx, buildReadScript(marker), timeoutMs)).stdout;
  const files = parseReadOutput(stdout, marker);
  const missing = files.kubeconfigs.flatMap(({ path, text }) => referencedPaths(path, text)).filter((p) => !files.attempted.has(p));
  if (missing.length > 0) parseReadOutput((await execRead(ctx, buildCatScript(marker, [...new Set(missing)]), timeoutMs)).stdout, marker, files);
  return files;
}

async function execRead(ctx: HookContext, script: string, timeoutMs: number) {
  const result = await ctx.transport.exec(script, { timeoutMs, signal: ctx.signal });
  ctx.record?.('live-node', script, result, { secret: true }); // kubeconfigs and keys
  if (result.aborted) throw new HostError('aborted', 'interrupted during the live-node check');
  if (result.timedOut) throw new HostError('timed-out', `live-node check: reading the kubelet kubeconfigs timed out after ${Math.round(timeoutMs / 1000)}s`);
  return result;
}
