import type { HostPlan } from '../../../src/plan/host-plan.js';
import type { StepResult } from '../../../src/run/results.js';
import { describeArtifacts } from '../../../src/report/describe-artifacts.js';
import { reconcileSteps } from '../../../src/run/verify-steps.js';

const step = (over: Partial<StepResult>): StepResult => ({
  stepId: 'docker',
  title: 'Docker',
  status: 'changed',
  removed: [],
  left: [],
  deferred: [],
  notes: [],
  durationMs: 1,
  ...over,
});

const after = (artifacts: HostPlan['steps'][number]['artifacts']): HostPlan => ({
  steps: [{ stepId: 'docker', title: 'Docker', artifacts, commands: [], notes: [] }],
  refusals: [],
  failures: [],
});

describe('reconcileSteps', () => {
  const a = { category: 'containers' as const, name: 'aaa' };
  const b = { category: 'containers' as const, name: 'bbb' };

  it('confirms removal when nothing is left', () => {
    const [result] = reconcileSteps([step({ removed: [a, b] })], after([]));
    expect(result.status).toBe('changed');
    expect(result.removed).toEqual([a, b]);
  });

  it('fails a step whose artifacts are still there, naming them, and counts only what went', () => {
    const [result] = reconcileSteps([step({ removed: [a, b] })], after([b]));
    expect(result.status).toBe('failed');
    expect(result.removed).toEqual([a]);
    expect(result.left).toEqual([b]);
    expect(result.message).toBe('verification found left: 1 containers (bbb)');
  });

  it('keeps the original failure message of a failed step', () => {
    const [result] = reconcileSteps([step({ status: 'failed', message: 'umount exited 32' })], after([a]));
    expect(result.message).toBe('umount exited 32');
  });

  it('bounds the description of long leftovers', () => {
    const many = Array.from({ length: 10 }, (_, i) => ({ category: 'mounts' as const, name: `/m${i}` }));
    expect(describeArtifacts(many)).toBe('10 mounts (/m0, /m1, /m2, +7 more)');
  });
});
