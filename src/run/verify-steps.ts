// Verification: the same probe again, the same planner, expecting nothing left to remove.
import { artifactKey, type HostPlan } from '../plan/host-plan.js';
import { describeArtifacts } from '../report/describe-artifacts.js';
import type { StepResult } from './results.js';

/** Confirms each applied step against a fresh plan: what is still planned was not removed. */
export function reconcileSteps(applied: StepResult[], after: HostPlan): StepResult[] {
  return applied.map((step) => {
    const left = after.steps.find((plan) => plan.stepId === step.stepId)?.artifacts ?? [];
    if (step.status === 'skipped') return { ...step, left };
    const leftKeys = new Set(left.map(artifactKey));
    const removed = step.removed.filter((artifact) => !leftKeys.has(artifactKey(artifact)));
    if (left.length === 0) return { ...step, removed };
    const message = step.status === 'failed' ? step.message : `verification found left: ${describeArtifacts(left)}`;
    return { ...step, status: 'failed', removed, left, message };
  });
}
