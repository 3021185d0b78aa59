// The live-node judgement, pure: what one API server said about a node -> live, not live, or unknown.

/** What asking one API server about this host produced. */
export type Observation =
  | { kind: 'node'; name: string; node: unknown; leaseRenewTime?: string; serverDate?: number; matchedBy?: string }
  | { kind: 'not-found'; names: string[]; addresses?: string[] }
  | { kind: 'ambiguous'; names: string[] }
  | { kind: 'http-status'; name: string; status: number; message?: string }
  | { kind: 'unreachable'; code: string; message: string };

export interface DecisionContext {
  /** `https://host:port`. */
  server: string;
  /** How it was asked, for the evidence: "from the host with /etc/kubernetes/kubelet.conf". */
  via: string;
  maxHeartbeatAgeMs: number;
  force: boolean;
  /** Local clock (ms); the server's Date header is preferred when the answer carries one. */
  now: number;
}

export interface Decision {
  refusal?: string;
  note?: string;
}

export interface Readiness {
  status: 'True' | 'False' | 'Unknown' | 'absent';
  reason?: string;
  since?: string;
  /** The freshest of the Ready condition's lastHeartbeatTime and the node Lease's renewTime (ms). */
  heartbeat?: number;
}

/**
 * The Ready condition of a Node object. The kubelet rewrites the condition's heartbeat only every
 * 5 min when nothing changes (nodeStatusReportFrequency) but renews its Lease every 10 s, so the
 * lease's renewTime, when known, is the better "last heard of".
 */
export function readinessOf(node: unknown, leaseRenewTime?: string): Readiness {
  const conditions = (node as { status?: { conditions?: unknown } } | undefined)?.status?.conditions;
  const ready = Array.isArray(conditions) ? conditions.find((c) => (c as { type?: unknown })?.type === 'Ready') : undefined;
  if (!ready) return { status: 'absent' };
  const { status, reason, lastHeartbeatTime, lastTransitionTime } = ready as Record<string, unknown>;
  const times = [lastHeartbeatTime, leaseRenewTime].map((t) => (typeof t === 'string' ? Date.parse(t) : NaN)).filter((t) => !Number.isNaN(t));
  return {
    status: status === 'True' || status === 'False' ? status : 'Unknown',
    ...(typeof reason === 'string' && reason ? { reason } : {}),
    ...(typeof lastTransitionTime === 'string' ? { since: lastTransitionTime } : {}),
    ...(times.length > 0 ? { heartbeat: Math.max(...times) } : {}),
  };
}

/** What one API server said about this host: live, not live (an answer), or unknown (no answer). */
export type Verdict = 'live' | 'not-live' | 'unknown';

export interface SourceVerdict {
  verdict: Verdict;
  /** `the API server at … reports node "x" Ready (last heartbeat 3s ago, asked from …)`. */
  evidence: string;
}

/**
 * Only "Ready with a recent heartbeat" is live; NotReady, a stale heartbeat and a node the cluster
 * does not know are answers (not live). Everything else — no connection, a TLS or credential
 * failure, an error status, a Ready condition without a heartbeat — is no answer at all: unknown.
 */
export function judgeObservation(observation: Observation, ctx: Pick<DecisionContext, 'server' | 'via' | 'maxHeartbeatAgeMs' | 'now'>): SourceVerdict {
  const at = `the API server at ${ctx.server}`;
  const say = (verdict: Verdict, what: string): SourceVerdict => ({ verdict, evidence: `${what} (asked ${ctx.via})` });
  switch (observation.kind) {
    case 'unreachable':
      return say('unknown', `${at} is not reachable (${observation.code}${observation.message ? `: ${observation.message}` : ''})`);
    case 'not-found':
      return say('not-live', `${at} does not know node ${quoteNames(observation.names)}${observation.addresses ? ` and no node has the host's addresses (${observation.addresses.join(', ')})` : ''}`);
    case 'ambiguous':
      return say('unknown', `${at} has several nodes with the host's addresses (${observation.names.map((n) => `"${n}"`).join(', ')})`);
    case 'http-status': {
      const text = observation.message ? `: ${observation.message}` : '';
      const list = observation.name === '*';
      // A 403 for the list comes after the same credentials were answered (404) by name: listing is what was refused.
      const what =
        observation.status === 403 && list ? `refused to list the nodes (403${text})`
        : observation.status === 401 || observation.status === 403 ? `refused the credentials (${observation.status}${text})`
        : `answered ${observation.status} for ${list ? 'the node list' : `node "${observation.name}"`}${text}`;
      return say('unknown', `${at} ${what}`);
    }
    case 'node': {
      const readiness = readinessOf(observation.node, observation.leaseRenewTime);
      const node = `node "${observation.name}"${observation.matchedBy ? ` (${observation.matchedBy})` : ''}`;
      if (readiness.status === 'absent') return say('unknown', `${at} reports ${node} without a Ready condition`);
      if (readiness.status !== 'True') {
        const state = readiness.status === 'False' ? 'NotReady' : 'Ready=Unknown';
        const since = readiness.since ? ` since ${readiness.since}` : '';
        return say('not-live', `${at} reports ${node} ${state}${since}${readiness.reason ? ` (${readiness.reason})` : ''}`);
      }
      if (readiness.heartbeat === undefined) return say('unknown', `${at} reports ${node} Ready but with no heartbeat time`);
      const age = Math.max(0, (observation.serverDate ?? ctx.now) - readiness.heartbeat);
      if (age > ctx.maxHeartbeatAgeMs) {
        return say('not-live', `${at} reports ${node} Ready but its last heartbeat was ${formatAge(age)} ago (older than --live-heartbeat ${ctx.maxHeartbeatAgeMs / 1000}s)`);
      }
      return { verdict: 'live', evidence: `${at} reports ${node} Ready (last heartbeat ${formatAge(age)} ago, asked ${ctx.via})` };
    }
  }
}

/** Refuse (or, with --force, note) a node the API server calls Ready with a recent heartbeat; note anything else. */
export function decideLiveness(observation: Observation, ctx: DecisionContext): Decision {
  const { verdict, evidence } = judgeObservation(observation, ctx);
  if (verdict !== 'live') return { note: `live node: ${evidence}: proceeding` };
  return ctx.force ? { note: `live node: ${evidence} — cleaning it anyway (--force)` } : { refusal: `live node: ${evidence} — refusing; use --force to clean it anyway` };
}

function quoteNames(names: string[]): string {
  const [first, ...others] = names;
  return others.length === 0 ? `"${first}"` : `"${first}" (nor ${others.map((n) => `"${n}"`).join(', ')})`;
}

/** 12s, 5m, 3h, 2d: coarse on purpose (heartbeats are ~10 s apart). */
export function formatAge(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}
