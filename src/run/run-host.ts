// One host, start to end: connect -> discover -> plan -> [apply steps -> verify]. Emits events; never throws.
import { HostError } from '../errors.js';
import type { HostSpec } from '../inventory/types.js';
import { isClean, planHost, plannedArtifacts, type HostPlan } from '../plan/host-plan.js';
import type { Facts, RecipeOptions, Step, StepPlan } from '../recipe/types.js';
import { applyGuards, type HostHooks } from './hooks.js';
import type { ConnectFn } from '../transport/transport.js';
import { applyStep } from './apply-step.js';
import { rebootAndWait } from './reboot.js';
import type { EmitEvent, RunMode } from './events.js';
import { probeFacts, type RemoteContext } from './remote.js';
import { statusForFailure, type HostResult, type StepResult } from './results.js';
import { describeArtifacts } from '../report/describe-artifacts.js';
import { reconcileSteps } from './verify-steps.js';

export interface HostRunOptions {
  mode: RunMode;
  steps: readonly Step[];
  recipe: RecipeOptions;
  connect: ConnectFn;
  stepTimeoutMs: number;
  signal: AbortSignal;
  emit: EmitEvent;
  /** Reboot after a successful cleanup and verify again once the host is back. */
  reboot?: { timeoutMs: number };
  hooks?: HostHooks;
}

/** Runs one host to a HostResult; failures are confined to this host and reported, never thrown. */
export async function runHost(host: HostSpec, options: HostRunOptions): Promise<HostResult> {
  const started = Date.now();
  const { emit } = options;
  emit({ type: 'host-started', host: host.name });
  const state: { steps: StepResult[]; plan?: HostPlan } = { steps: [] };
  let ctx: RemoteContext | undefined;
  let result: HostResult;
  try {
    emit({ type: 'phase-started', host: host.name, phase: 'connect' });
    const transport = await options.connect(host, options.signal);
    emit({ type: 'phase-finished', host: host.name, phase: 'connect', ok: true, message: 'connected' });
    ctx = { host: host.name, transport, stepTimeoutMs: options.stepTimeoutMs, signal: options.signal, emit };
    result = await discoverAndAct(host, ctx, options, state);
  } catch (error) {
    const failure = error instanceof HostError ? error : new HostError('step-failed', `internal error: ${(error as Error).message}`);
    result = hostResult(host, statusForFailure(failure.kind), state, { failure: failure.kind, reason: failure.message });
  } finally {
    await ctx?.transport.close().catch(() => undefined);
  }
  result.durationMs = Date.now() - started;
  emit({ type: 'host-finished', host: host.name, result });
  return result;
}

async function discoverAndAct(
  host: HostSpec,
  ctx: RemoteContext,
  options: HostRunOptions,
  state: { steps: StepResult[]; plan?: HostPlan },
): Promise<HostResult> {
  const { plan, facts } = await discover(host, ctx, options);
  state.plan = plan;
  options.emit({ type: 'host-planned', host: host.name, plan });
  if (options.mode === 'plan') return hostResult(host, 'ok', state);
  if (options.mode === 'verify') {
    if (isClean(plan)) return hostResult(host, 'ok', state);
    const left = [...plan.failures, describeArtifacts(plannedArtifacts(plan))].filter(Boolean).join('; ');
    return hostResult(host, 'failed', state, { failure: 'step-failed', reason: `not clean: ${left}` });
  }
  if (plan.refusals.length > 0) {
    state.steps = plan.steps.map((step) => skipped(step, 'host refused'));
    return hostResult(host, 'refused', state, { failure: 'refused', reason: plan.refusals.join('; ') });
  }
  for (const action of options.hooks?.beforeApply ?? []) {
    const notes = await action({ host, transport: ctx.transport, facts, plan, recipe: options.recipe, signal: options.signal, emit: ctx.emit });
    state.plan = { ...plan, notes: [...(state.plan.notes ?? []), ...notes] };
    for (const note of notes) options.emit({ type: 'host-note', host: host.name, message: note });
  }
  await applySteps(ctx, plan, options, state);
  // Nothing sent (every step a no-op): the discovery probe a moment ago is the verification; a second
  // identical probe would only double the remote cost of a clean host. With --reboot the host still
  // verifies after it is back.
  if (state.steps.every((step) => step.status === 'noop')) confirmCleanAtDiscovery(ctx);
  else state.steps = reconcileSteps(state.steps, await verify(ctx, options));
  let failed = state.steps.find((step) => step.status === 'failed');
  if (!failed && options.reboot) {
    await rebootHost(host, ctx, options, options.reboot.timeoutMs);
    state.steps = reconcileSteps(state.steps, await verify(ctx, options));
    failed = state.steps.find((step) => step.status === 'failed');
  }
  if (!failed) return hostResult(host, 'ok', state);
  return hostResult(host, 'failed', state, { failure: 'step-failed', reason: `${failed.stepId}: ${failed.message ?? 'failed'}` });
}

async function discover(host: HostSpec, ctx: RemoteContext, options: HostRunOptions): Promise<{ plan: HostPlan; facts: Facts }> {
  options.emit({ type: 'phase-started', host: ctx.host, phase: 'discover' });
  const guarded = options.hooks && options.mode !== 'verify';
  const facts = await probeFacts(ctx, 'discover', options.steps, guarded ? (options.hooks?.probe ?? []) : []);
  let plan = planHost(facts, options.steps, options.recipe);
  if (options.hooks && guarded) {
    plan = await applyGuards({ host, transport: ctx.transport, facts, plan, recipe: options.recipe, signal: options.signal, emit: ctx.emit }, options.hooks);
    // What the guards saw (e.g. "API server not reachable: proceeding") is shown, not only stored.
    for (const note of plan.notes ?? []) options.emit({ type: 'host-note', host: host.name, message: note });
  }
  const count = plannedArtifacts(plan).length;
  options.emit({ type: 'phase-finished', host: ctx.host, phase: 'discover', ok: true, message: `${count} artifacts found` });
  return { plan, facts };
}

/** Steps in order; a failed step stops this host (later steps are skipped, e.g. no rm -rf after a failed unmount). */
async function applySteps(ctx: RemoteContext, plan: HostPlan, options: HostRunOptions, state: { steps: StepResult[] }) {
  let stopped: string | undefined;
  for (const step of plan.steps) {
    if (stopped) {
      state.steps.push(skipped(step, `not run: ${stopped} failed`));
      continue;
    }
    options.emit({ type: 'step-started', host: ctx.host, stepId: step.stepId, title: step.title, artifacts: step.artifacts });
    const result = step.failure ? failedFromFacts(step) : await applyStep(ctx, step);
    state.steps.push(result);
    options.emit({ type: 'step-finished', host: ctx.host, result });
    if (result.status === 'failed') stopped = step.stepId;
  }
}

/** Swaps ctx.transport for the connection made after the reboot (the old one died with the host). */
async function rebootHost(host: HostSpec, ctx: RemoteContext, options: HostRunOptions, timeoutMs: number): Promise<void> {
  options.emit({ type: 'phase-started', host: host.name, phase: 'reboot' });
  const started = Date.now();
  ctx.transport = await rebootAndWait(ctx, host, { connect: options.connect, timeoutMs });
  options.emit({ type: 'phase-finished', host: host.name, phase: 'reboot', ok: true, message: `back after ${Math.round((Date.now() - started) / 1000)}s with a new boot id` });
}

async function verify(ctx: RemoteContext, options: HostRunOptions): Promise<HostPlan> {
  options.emit({ type: 'phase-started', host: ctx.host, phase: 'verify' });
  const facts = await probeFacts(ctx, 'verify', options.steps);
  const after = planHost(facts, options.steps, options.recipe);
  const left = plannedArtifacts(after);
  const message = left.length === 0 ? 'verified clean' : `left: ${describeArtifacts(left)}`;
  options.emit({ type: 'phase-finished', host: ctx.host, phase: 'verify', ok: left.length === 0, message });
  return after;
}

function confirmCleanAtDiscovery(ctx: RemoteContext): void {
  ctx.emit({ type: 'phase-started', host: ctx.host, phase: 'verify' });
  ctx.emit({ type: 'phase-finished', host: ctx.host, phase: 'verify', ok: true, message: 'verified clean at discovery (no command sent)' });
}

function failedFromFacts(step: StepPlan): StepResult {
  return { stepId: step.stepId, title: step.title, status: 'failed', removed: [], left: [], deferred: [], notes: step.notes, message: step.failure, durationMs: 0 };
}

function skipped(step: StepPlan, message: string): StepResult {
  return { stepId: step.stepId, title: step.title, status: 'skipped', removed: [], left: [], deferred: [], notes: [], message, durationMs: 0 };
}

function hostResult(
  host: HostSpec,
  status: HostResult['status'],
  state: { steps: StepResult[]; plan?: HostPlan },
  extra: Pick<HostResult, 'failure' | 'reason'> = {},
): HostResult {
  return { name: host.name, address: host.address, status, ...extra, steps: state.steps, durationMs: 0, plan: state.plan };
}
