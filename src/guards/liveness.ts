// The live-node decision, pure: what the API server said about a node -> refuse, or a note and go on.
// Only "Ready with a recent heartbeat" refuses; anything the API cannot confirm lets the host through.

/** What asking one API server about this host produced. */
export type Observation =
  | { kind: 'node'; name: string; node: unknown; leaseRenewTime?: string; serverDate?: number }
  | { kind: 'not-found'; names: string[] }
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

/** Refuse (or, with --force, note) a node the API server calls Ready with a recent heartbeat; note anything else. */
export function decideLiveness(observation: Observation, ctx: DecisionContext): Decision {
  const at = `the API server at ${ctx.server}`;
  const proceed = (what: string): Decision => ({ note: `live node: ${what} (asked ${ctx.via}): proceeding` });
  switch (observation.kind) {
    case 'unreachable':
      return proceed(`${at} is not reachable (${observation.code}${observation.message ? `: ${observation.message}` : ''})`);
    case 'not-found':
      return proceed(`${at} does not know node ${quoteNames(observation.names)}`);
    case 'http-status': {
      const text = observation.message ? `: ${observation.message}` : '';
      const what = observation.status === 401 || observation.status === 403 ? `refused the credentials (${observation.status}${text})` : `answered ${observation.status} for node "${observation.name}"${text}`;
      return proceed(`${at} ${what}`);
    }
    case 'node': {
      const readiness = readinessOf(observation.node, observation.leaseRenewTime);
      const node = `node "${observation.name}"`;
      if (readiness.status === 'absent') return proceed(`${at} reports ${node} without a Ready condition`);
      if (readiness.status !== 'True') {
        const state = readiness.status === 'False' ? 'NotReady' : 'Ready=Unknown';
        const since = readiness.since ? ` since ${readiness.since}` : '';
        return proceed(`${at} reports ${node} ${state}${since}${readiness.reason ? ` (${readiness.reason})` : ''}`);
      }
      const now = observation.serverDate ?? ctx.now;
      if (readiness.heartbeat === undefined) return proceed(`${at} reports ${node} Ready but with no heartbeat time`);
      const age = Math.max(0, now - readiness.heartbeat);
      if (age > ctx.maxHeartbeatAgeMs) {
        return proceed(`${at} reports ${node} Ready but its last heartbeat was ${formatAge(age)} ago (older than --live-heartbeat ${ctx.maxHeartbeatAgeMs / 1000}s)`);
      }
      const evidence = `live node: ${at} reports ${node} Ready (last heartbeat ${formatAge(age)} ago, asked ${ctx.via})`;
      return ctx.force ? { note: `${evidence} — cleaning it anyway (--force)` } : { refusal: `${evidence} — refusing; use --force to clean it anyway` };
    }
  }
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
