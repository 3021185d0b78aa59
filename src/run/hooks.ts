// Extension points around the destructive part of a host run: guards (may refuse the host, also shown
// by `plan`) and pre-apply actions (e.g. backups: a failure stops the host before anything is deleted).
import type { HostSpec } from '../inventory/types.js';
import type { HostPlan } from '../plan/host-plan.js';
import type { ProbeSection } from '../recipe/probe/section.js';
import type { Facts, RecipeOptions } from '../recipe/types.js';
import type { CommandEvent, ScriptContext } from '../transport/exec-script.js';
import type { Transport } from '../transport/transport.js';

export interface HookContext {
  host: HostSpec;
  transport: Transport;
  facts: Facts;
  plan: HostPlan;
  recipe: RecipeOptions;
  signal: AbortSignal;
  /** Where the commands a hook runs are recorded (--log-dir, -v, ndjson); absent: not recorded. */
  emit?: (event: CommandEvent) => void;
}

export interface GuardVerdict {
  /** Reasons to refuse the host, each naming its evidence. Overridden by --force where the guard allows. */
  refusals: string[];
  /** What the guard saw and why it let the host through ("API not reachable: proceeding"). */
  notes: string[];
  /** The guard's conclusion and its evidence, for `plan` (shown per host). */
  check?: GuardCheck;
}

/** `live` / `not-live` / `unknown` (the live-node guard), with every piece of evidence and sign of life. */
export interface GuardCheck {
  verdict: string;
  evidence: string[];
  signs?: string[];
}

export interface HostHooks {
  /** Read-only sections the guards need, run inside the discovery probe (no exec of their own); their output is in facts.custom by id. */
  probe?: ProbeSection[];
  /** Run after discovery in every mode, so `plan` shows what `run` would refuse. Read-only. */
  guards?: ((ctx: HookContext) => Promise<GuardVerdict>)[];
  /** Run once per host in `run`, after guards passed and before the first step; returns notes. Throw HostError to stop the host. */
  beforeApply?: ((ctx: HookContext) => Promise<string[]>)[];
}

/** Runs every guard; their refusals and notes join the plan (plan stays the single source of truth). */
export async function applyGuards(ctx: HookContext, hooks: HostHooks): Promise<HostPlan> {
  let plan = ctx.plan;
  for (const guard of hooks.guards ?? []) {
    const verdict = await guard({ ...ctx, plan });
    plan = {
      ...plan,
      refusals: [...plan.refusals, ...verdict.refusals],
      notes: [...(plan.notes ?? []), ...verdict.notes],
      ...(verdict.check ? { liveness: verdict.check } : {}),
    };
  }
  return plan;
}

/** The context a hook runs its commands in (execScript): recorded like the steps' commands. */
export function hookScript(ctx: HookContext): ScriptContext {
  return { host: ctx.host.name, transport: ctx.transport, signal: ctx.signal, emit: ctx.emit ?? (() => undefined) };
}
