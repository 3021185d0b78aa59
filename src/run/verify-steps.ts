// Verification: the same probe again, the same planner, expecting nothing left to remove.
import { artifactKey, type HostPlan } from '../plan/host-plan.js';
import type { Artifact } from '../recipe/types.js';
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

/** "2 containers (abc, def), 1 mounts (/var/lib/kubelet)" — bounded so a huge leftover stays one line. */
export function describeArtifacts(artifacts: Artifact[]): string {
  const byCategory = new Map<string, string[]>();
  for (const artifact of artifacts) {
    const names = byCategory.get(artifact.category) ?? [];
    names.push(artifact.name);
    byCategory.set(artifact.category, names);
  }
  return [...byCategory]
    .map(([category, names]) => {
      const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? `, +${names.length - 3} more` : '');
      return `${names.length} ${category} (${shown})`;
    })
    .join('; ');
}
