// plan output lists what a step keeps because it is not the cluster's: table notes, --detail, --json.
import { planToJson, renderPlanDetail, renderPlanTable } from '../../../src/report/plan-text.js';
import type { StepPlan } from '../../../src/recipe/types.js';
import type { HostResult } from '../../../src/run/results.js';

const id = 'c3'.repeat(32);
const kept = [
  { category: 'containers' as const, name: id, detail: 'registry (registry:2, running)' },
  { category: 'volumes' as const, name: 'registry-data', detail: 'driver local; used by registry' },
];

function host(step: StepPlan, refusals: string[] = []): HostResult {
  return { name: 'node2', address: '10.0.0.2', status: 'ok', steps: [], durationMs: 0, plan: { steps: [step], refusals, failures: [] } };
}

const keptStep: StepPlan = { stepId: 'docker', title: 'Remove docker containers', artifacts: [], commands: [], noop: "already clean: no containers or volumes of the cluster's", notes: [], kept };

describe("plan output: what is not the cluster's", () => {
  it('--detail lists each kept thing as not the cluster\'s', () => {
    const text = renderPlanDetail([host(keptStep)]);
    expect(text).toContain(`    = containers: ${id} (registry (registry:2, running) — not the cluster's, kept)`);
    expect(text).toContain("    = volumes: registry-data (driver local; used by registry — not the cluster's, kept)");
  });

  it('--json carries them as kept', () => {
    const json = planToJson([host(keptStep)]) as { hosts: { steps: { kept: unknown[] }[] }[] };
    expect(json.hosts[0].steps[0].kept).toEqual(kept);
  });

  it('the table counts them in the notes; a refusal already names them', () => {
    expect(renderPlanTable([host(keptStep)])).toContain("docker: keeps 1 container, 1 volume not the cluster's");
    const refused: StepPlan = { ...keptStep, noop: undefined, refusal: "1 container is not the cluster's: registry …" };
    const table = renderPlanTable([host(refused, [`docker: ${refused.refusal}`])]);
    expect(table).toContain("docker: 1 container is not the cluster's: registry …");
    expect(table).not.toContain('keeps');
  });
});
