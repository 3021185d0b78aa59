// Small helpers every step shares: building a StepPlan, bounding a command, path containment.
import type { ToolFacts } from '../facts/host.js';
import type { Artifact, StepPlan } from '../types.js';

export interface StepHead {
  id: string;
  title: string;
}

export interface PlanParts {
  artifacts?: Artifact[];
  commands?: string[];
  notes?: string[];
  deferred?: Artifact[];
  kept?: Artifact[];
}

/** A plan with work to do, or the noop (with `reason`) when there are no commands. */
export function makePlan(step: StepHead, parts: PlanParts, noopReason: string): StepPlan {
  const plan: StepPlan = {
    stepId: step.id,
    title: step.title,
    artifacts: parts.artifacts ?? [],
    commands: parts.commands ?? [],
    notes: parts.notes ?? [],
  };
  if (parts.deferred && parts.deferred.length > 0) plan.deferred = parts.deferred;
  if (parts.kept && parts.kept.length > 0) plan.kept = parts.kept;
  if (plan.commands.length === 0) plan.noop = noopReason;
  return plan;
}

/** Nothing may be done on this host: the guard's reason, no commands. */
export function refusePlan(step: StepHead, reason: string, notes: string[] = [], kept: Artifact[] = []): StepPlan {
  const plan: StepPlan = { stepId: step.id, title: step.title, artifacts: [], commands: [], refusal: reason, notes };
  if (kept.length > 0) plan.kept = kept;
  return plan;
}

/** The step cannot do its work: known from facts, reported as a failure. */
export function failPlan(step: StepHead, reason: string, notes: string[] = []): StepPlan {
  return { stepId: step.id, title: step.title, artifacts: [], commands: [], failure: reason, notes };
}

/** Prefixes a command with the host's own timeout so a dead daemon fails instead of hanging. */
export function bounded(tools: ToolFacts, seconds: number, command: string): string {
  if (tools.timeout === 'gnu') return `timeout ${seconds} ${command}`;
  if (tools.timeout === 'busybox-t') return `timeout -t ${seconds} ${command}`;
  return command;
}

/** Path containment on segment boundaries: /var/lib/kubelet/x is below /var/lib/kubelet, /var/lib/kubeletfoo is not. */
export function isAtOrBelow(path: string, tree: string): boolean {
  return path === tree || path.startsWith(tree.endsWith('/') ? tree : `${tree}/`);
}

/** "3 containers", "1 container". */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
