// Live-node guard: does the cluster still count this host as a healthy member? Asks the API server
// with the host's own kubelet kubeconfig (through the host's SSH connection, so from the host's
// network, exactly the path the kubelet uses; with curl/kubectl on the host when the tunnel is
// refused) and/or with an admin --kubeconfig from here. Fails closed: when no API server could
// answer and the host shows signs of life, the host is refused, naming what was tried.
import { HostError } from '../errors.js';
import { hookScript, type GuardVerdict, type HookContext } from '../run/hooks.js';
import { makeNonce } from '../run/nonce.js';
import type { ProbeSection } from '../recipe/probe/section.js';
import { execScript } from '../transport/exec-script.js';
import { ApiUnreachable, apiGet, openDirect, type ApiResponse, type OpenStream } from './api-client.js';
import { buildHostRequestScript, parseHostResponse } from './host-client.js';
import { buildCatScript, buildInspectKubeletScript, buildReadScript, KUBELET_FILES_SECTION, KUBELET_KUBECONFIGS, kubeletFilesSection, parseReadOutput, type KubeletFiles } from './kubelet-files.js';
import { parseKubeconfig, referencedPaths, type ApiTarget } from './kubeconfig.js';
import { judgeObservation, type SourceVerdict } from './liveness.js';
import { kubeconfigsFromFlags, nodeNameClues, type NameClue } from './node-identity.js';
import { candidateNodeNames, nodeNameFromCertificate } from './node-name.js';
import { observeNode, type Get } from './observe-node.js';
import { RECENT_LOG_WINDOW_S, signsOfLife } from './signs-of-life.js';

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
  get: Get;
  /** How the answer was obtained, when not the plain way (`with curl on the host: …`). */
  how?: () => string | undefined;
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
    const clues = nodeNameClues(files);
    const hints = { hostname: files.hostname, inventoryName: ctx.host.name, address: ctx.host.address };
    const guesses = [...clues.map((c) => c.name), ...candidateNodeNames(hints)];
    const verdicts: SourceVerdict[] = [];
    const notes: string[] = [];
    const sources: Source[] = [];
    for (const { path, text } of files.kubeconfigs) {
      const parsed = parseKubeconfig(text, path, (p) => files.files.get(p));
      if (!parsed.ok) {
        verdicts.push({ verdict: 'unknown', evidence: `kubelet kubeconfig ${path} ${parsed.error}: not asked` });
        continue;
      }
      const fromCert = parsed.value.cert ? nodeNameFromCertificate(parsed.value.cert) : undefined;
      sources.push({ target: parsed.value, via: `from ${ctx.host.name} with ${path}`, names: unique(fromCert ? [fromCert, ...guesses] : guesses), ...hostGetter(ctx, path, parsed.value, options) });
      if (parsed.value.unsupportedAuth) notes.push(`live node: ${path} uses ${parsed.value.unsupportedAuth}, which nodescrub does not run: asked without credentials`);
    }
    if (options.admin) {
      const { path, target } = options.admin;
      const names = unique([...clues.map((c) => c.name), ...candidateNodeNames({ ...hints, hostname: undefined }), ...candidateNodeNames(hints)]);
      sources.push({ target, via: `from here with ${path}`, names, get: (p) => apiGet(target, p, openDirect, { timeoutMs: options.requestTimeoutMs, signal: ctx.signal }) });
    }
    for (const source of sources) {
      const observation = await observeNode(source.get, source.names, files.addresses);
      if (observation.kind === 'unreachable' && observation.code === 'ABORTED') throw new HostError('aborted', 'interrupted during the live-node check');
      const how = source.how?.();
      verdicts.push(judgeObservation(observation, { server: source.target.server, via: how ? `${source.via}, ${how}` : source.via, maxHeartbeatAgeMs: options.maxHeartbeatAgeMs, now: (options.now ?? Date.now)() }));
    }
    const verdict = conclude(verdicts, signsOfLife(ctx.facts, files), clues, ctx.recipe.force);
    return { ...verdict, notes: [...verdict.notes, ...notes] };
  };
  return { guard, probe };
}

/**
 * Live anywhere refuses. Otherwise one answer (NotReady, stale, unknown to the cluster) lets the host
 * through. No answer at all (or no kubeconfig) with signs of life refuses: unknown is not dead.
 */
function conclude(verdicts: SourceVerdict[], signs: string[], clues: NameClue[], force: boolean): GuardVerdict {
  const named = clues.length > 0 ? ` (node name from ${clues[0].source}: "${clues[0].name}")` : '';
  const live = verdicts.filter((v) => v.verdict === 'live');
  const evidence = verdicts.map((v) => v.evidence);
  const others = (verdict: SourceVerdict['verdict']) => verdicts.filter((v) => v.verdict !== verdict).map((v) => `live node: ${v.evidence}`);
  if (live.length > 0) {
    const check = { verdict: 'live', evidence };
    return force
      ? { refusals: [], notes: [...live.map((v) => `live node: ${v.evidence} — cleaning it anyway (--force)`), ...others('live')], check }
      : { refusals: live.map((v) => `live node: ${v.evidence} — refusing; use --force to clean it anyway`), notes: others('live'), check };
  }
  const answered = verdicts.filter((v) => v.verdict === 'not-live');
  if (answered.length > 0) {
    return { refusals: [], notes: [...answered.map((v) => `live node: ${v.evidence}: proceeding`), ...others('not-live')], check: { verdict: 'not-live', evidence } };
  }
  const tried = verdicts.length > 0 ? `tried: ${evidence.join('; ')}` : `no kubelet kubeconfig on the host (${KUBELET_KUBECONFIGS.join(', ')}, nor one named by the kubelet's --kubeconfig) and no --kubeconfig`;
  const check = { verdict: 'unknown' as const, evidence: verdicts.length > 0 ? evidence : [tried], signs };
  if (signs.length === 0) {
    const none = `no sign of life (no kubelet or agent running, no kubelet log written in the last ${RECENT_LOG_WINDOW_S / 60}m)`;
    return { refusals: [], notes: [`live node: could not tell whether the cluster counts this host as live${named} — ${tried} — and ${none}: proceeding`], check };
  }
  const unknown = `live node: could not tell whether the cluster counts this host as live${named} — ${tried} — and it shows signs of life: ${signs.join(', ')}`;
  return force ? { refusals: [], notes: [`${unknown} — cleaning it anyway (--force)`], check } : { refusals: [`${unknown} — refusing; use --force (or --kubeconfig with an admin kubeconfig that can answer)`], notes: [], check };
}

/**
 * Through the SSH tunnel first; when the host's sshd refuses forwarding (or the connection has
 * none), the same GET with curl/kubectl on the host, from then on for this kubeconfig.
 */
function hostGetter(ctx: HookContext, kubeconfig: string, target: ApiTarget, options: LiveNodeOptions): { get: Get; how: () => string | undefined } {
  let onHost = !ctx.transport.forwardOut;
  let why = onHost ? 'no port forwarding on this connection' : '';
  const forward: OpenStream | undefined = ctx.transport.forwardOut?.bind(ctx.transport);
  const how = () => (onHost ? `by a request on the host (${why})` : undefined);
  const get: Get = async (path) => {
    if (!onHost && forward) {
      try {
        return await apiGet(target, path, forward, { timeoutMs: options.requestTimeoutMs, signal: ctx.signal });
      } catch (error) {
        if (!(error instanceof ApiUnreachable) || !['EFORWARDPROHIBITED', 'EFORWARDUNSUPPORTED'].includes(error.code)) throw error;
        onHost = true;
        why = `the host's sshd refused port forwarding`;
      }
    }
    return askOnHost(ctx, kubeconfig, target, path, options);
  };
  return { get, how };
}

async function askOnHost(ctx: HookContext, kubeconfig: string, target: ApiTarget, path: string, options: LiveNodeOptions): Promise<ApiResponse> {
  const marker = `NODESCRUB-${makeNonce()}`;
  const timeoutS = Math.max(1, Math.round(options.requestTimeoutMs / 1000));
  const script = buildHostRequestScript(marker, kubeconfig, target, path, timeoutS);
  const result = await execScript(hookScript(ctx), 'live-node', script, { timeoutMs: options.requestTimeoutMs + 5000 });
  if (result.aborted) throw new ApiUnreachable('ABORTED', 'interrupted');
  if (result.timedOut) throw new ApiUnreachable('ETIMEDOUT', `the request on the host gave no answer within ${timeoutS + 5}s`);
  return parseHostResponse(result.stdout, result.stderr, marker); // the evidence says it was asked on the host (`how`)
}

/**
 * From the discovery probe's section and its ssh fact's addresses, else a read-only exec (plus,
 * rarely, one for references or kubeconfigs the first missed).
 */
async function readKubeletFiles(ctx: HookContext, marker: string, timeoutMs: number): Promise<KubeletFiles> {
  const section = ctx.facts.custom?.[KUBELET_FILES_SECTION];
  const ssh = ctx.facts.ssh as typeof ctx.facts.ssh | undefined; // hooks may be given partial facts
  const probed = section && section.status !== 'skipped' && ssh?.hostAddresses !== undefined;
  const files = parseReadOutput(probed ? section.stdout : (await execRead(ctx, buildReadScript(marker), timeoutMs)).stdout, marker);
  if (probed) files.addresses = [...ssh.hostAddresses];
  // The probe read docker through its Engine API and skipped the CLI inspect: ask only where a
  // container named kubelet exists (RKE1), whose command line and log are the evidence.
  const docker = ctx.facts.docker as typeof ctx.facts.docker | undefined; // hooks may be given partial facts
  const kubelet = docker?.status === 'ok' && docker.containers.some((c) => c.names.includes('kubelet'));
  if (kubelet && !files.kubeletInspected) parseReadOutput((await execRead(ctx, buildInspectKubeletScript(marker), timeoutMs)).stdout, marker, files);
  const flagged = kubeconfigsFromFlags(files).filter((p) => !files.attempted.has(p));
  if (flagged.length > 0) parseReadOutput((await execRead(ctx, buildCatScript(marker, flagged, 'kubeconfig'), timeoutMs)).stdout, marker, files);
  const missing = files.kubeconfigs.flatMap(({ path, text }) => referencedPaths(path, text)).filter((p) => !files.attempted.has(p));
  if (missing.length > 0) parseReadOutput((await execRead(ctx, buildCatScript(marker, [...new Set(missing)]), timeoutMs)).stdout, marker, files);
  return files;
}

async function execRead(ctx: HookContext, script: string, timeoutMs: number) {
  const result = await execScript(hookScript(ctx), 'live-node', script, { timeoutMs, secret: true }); // kubeconfigs and keys
  if (result.aborted) throw new HostError('aborted', 'interrupted during the live-node check');
  if (result.timedOut) throw new HostError('timed-out', `live-node check: reading the kubelet kubeconfigs timed out after ${Math.round(timeoutMs / 1000)}s`);
  return result;
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}
