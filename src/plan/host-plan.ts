// Planning is a pure function: facts + the step catalogue + options -> what will happen on one host.
import { listClusterData, type DataItem } from '../recipe/cluster-data.js';
import type { Artifact, Facts, RecipeOptions, Step, StepPlan } from '../recipe/types.js';

export interface HostPlan {
  steps: StepPlan[];
  /** Reasons the host must not be touched at all (guards). */
  refusals: string[];
  /** Failures already known from facts (e.g. docker daemon not answering). */
  failures: string[];
  /** Host-level notes from guards and hooks (evidence that let the host through, backup paths). */
  notes?: string[];
  /** The live-node guard's verdict (`live`, `not-live`, `unknown`) and its evidence, when it ran. */
  liveness?: { verdict: string; evidence: string[]; signs?: string[] };
  /** Cluster data the cleanup would delete (etcd, snapshots, local-path volumes): archived first by `run`. */
  data?: DataItem[];
}

/** Runs every step's planner over the same facts. */
export function planHost(facts: Facts, steps: readonly Step[], options: RecipeOptions): HostPlan {
  const planned = steps.map((step) => step.plan(facts, options));
  return {
    steps: planned,
    refusals: planned.flatMap((p) => (p.refusal ? [`${p.stepId}: ${p.refusal}`] : [])),
    failures: planned.flatMap((p) => (p.failure ? [`${p.stepId}: ${p.failure}`] : [])),
    data: listClusterData(facts),
  };
}

/** Everything the plan would remove, over all steps. */
export function plannedArtifacts(plan: HostPlan): Artifact[] {
  return plan.steps.flatMap((step) => step.artifacts);
}

/** A host is clean when no step has anything left to remove (deferred items go at reboot). */
export function isClean(plan: HostPlan): boolean {
  return plannedArtifacts(plan).length === 0 && plan.failures.length === 0;
}

/** Identity of an artifact across two probes (category + exact name). */
export function artifactKey(artifact: Artifact): string {
  return `${artifact.category}\u0000${artifact.name}`;
}
