// Option parsing shared by the fleet commands: validated up front, the offending value in the message.
import { UsageError } from '../errors.js';
import type { GuardSettings } from '../guards/index.js';
import { OUTPUT_FORMAT_NAMES, type OutputFormatName } from '../report/output-formats.js';
import type { Shard } from '../inventory/shard.js';
import type { BatchSize } from '../run/batches.js';
import type { Budget } from '../run/budget.js';
import { optionalString, parseBatchSpec, parseBudget, parseChoice, parsePositiveInt, parseSeconds, parseShard } from './flag-values.js';
import { normalizeGuardOptions } from './guard-options.js';

export interface FleetCliOptions {
  inventory?: string;
  hosts?: string;
  /** -u, -p, --private-key, -J: defaults for the --hosts list (ssh's flags). */
  user?: string;
  port?: string;
  privateKey?: string;
  jump?: string;
  limit?: string;
  concurrency: number;
  handshakes: number;
  connectTimeout: number;
  stepTimeout: number;
  hostKeyPolicy: 'strict' | 'accept-new' | 'off';
  knownHosts?: string;
  sshConfig?: string;
  logDir?: string;
  removeImages: boolean;
  force: boolean;
  /** --all-containers / --keep-other-containers: what happens to containers that are not the cluster's. */
  allContainers: boolean;
  keepOtherContainers: boolean;
  yes: boolean;
  /** A name in src/report/output-formats.ts: `text`, `json` (also --json), `ndjson` (one JSON event
   * per line on stdout, the human output on stderr; wins over --json). */
  output: OutputFormatName;
  detail: boolean;
  /** -v: a line per remote command; -vv: their output too. */
  verbose: number;
  /** -q: no progress lines or tree, only the result. */
  quiet: boolean;
  batches?: BatchSize[];
  maxFail?: Budget;
  maxUnreachable?: Budget;
  pauseMs?: number;
  pauseOnFail: boolean;
  report?: string;
  junit?: string;
  retryFailed?: string;
  shard?: Shard;
  reboot: boolean;
  /** --recipe FILE: user steps added to the built-in ones. */
  recipe?: string;
  rebootTimeout: number;
  /** Live-node guard and --backup (src/cli/guard-options.ts). */
  guards: GuardSettings;
}

/** Commander hands strings; this turns them into checked numbers and enums. */
export function normalizeFleetOptions(raw: Record<string, unknown>): FleetCliOptions {
  return {
    inventory: optionalString(raw.inventory),
    hosts: optionalString(raw.hosts),
    user: optionalString(raw.user),
    port: optionalString(raw.port),
    privateKey: optionalString(raw.privateKey),
    jump: optionalString(raw.jump),
    // An empty --limit (an unset shell variable: --limit "$RACK") must not mean "every host".
    limit: typeof raw.limit === 'string' ? raw.limit : undefined,
    // -f/--forks is Ansible's name for it.
    concurrency: raw.forks !== undefined ? parsePositiveInt('--forks', raw.forks) : parsePositiveInt('--concurrency', raw.concurrency ?? '20'),
    handshakes: parsePositiveInt('--handshakes', raw.handshakes ?? '10'),
    connectTimeout: parseSeconds('--connect-timeout', raw.connectTimeout ?? '10'),
    stepTimeout: parseSeconds('--step-timeout', raw.stepTimeout ?? '120'),
    hostKeyPolicy: parseChoice('--host-key-policy', raw.hostKeyPolicy ?? 'strict', ['strict', 'accept-new', 'off'] as const),
    knownHosts: optionalString(raw.knownHosts),
    sshConfig: optionalString(raw.sshConfig),
    logDir: optionalString(raw.logDir),
    removeImages: raw.removeImages === true,
    force: raw.force === true,
    ...otherContainers(raw),
    yes: raw.yes === true,
    output: outputFormat(raw),
    detail: raw.detail === true,
    verbose: verbosity(raw.verbose),
    quiet: raw.quiet === true,
    batches: raw.batch === undefined ? undefined : parseBatchSpec(String(raw.batch)),
    maxFail: raw.maxFail === undefined ? undefined : parseBudget('--max-fail', String(raw.maxFail)),
    maxUnreachable: raw.maxUnreachable === undefined ? undefined : parseBudget('--max-unreachable', String(raw.maxUnreachable)),
    pauseMs: raw.pause === undefined ? undefined : parseSeconds('--pause', raw.pause),
    pauseOnFail: raw.pauseOnFail === true,
    report: optionalString(raw.report),
    junit: optionalString(raw.junit),
    retryFailed: optionalString(raw.retryFailed),
    shard: raw.shard === undefined ? undefined : parseShard(String(raw.shard)),
    reboot: raw.reboot === true,
    recipe: optionalString(raw.recipe),
    rebootTimeout: parseSeconds('--reboot-timeout', raw.rebootTimeout ?? '600'),
    guards: normalizeGuardOptions(raw),
  };
}

/** --output NAME, where --json means `json` unless a streaming format was asked for. */
function outputFormat(raw: Record<string, unknown>): OutputFormatName {
  const named = parseChoice('--output', raw.output ?? 'text', OUTPUT_FORMAT_NAMES);
  return raw.json === true && named === 'text' ? 'json' : named;
}

/** The two answers to "containers that are not the cluster's" exclude each other. */
function otherContainers(raw: Record<string, unknown>): { allContainers: boolean; keepOtherContainers: boolean } {
  const allContainers = raw.allContainers === true;
  const keepOtherContainers = raw.keepOtherContainers === true;
  if (allContainers && keepOtherContainers) {
    throw new UsageError('--all-containers and --keep-other-containers: choose one (remove every container, or leave the ones that are not the cluster\'s)');
  }
  return { allContainers, keepOtherContainers };
}

/** -v counted by commander (`-vv` = 2); `true` from a plain boolean option counts 1. */
export function verbosity(value: unknown): number {
  if (typeof value === 'number') return value;
  return value === true ? 1 : 0;
}
