import { builtinSteps, checkRecipeDocument, placeUserSteps } from '../../../src/recipe/index.js';
import type { Facts } from '../../../src/recipe/types.js';

const ids = builtinSteps.map((s) => s.id);

describe('user recipe (--recipe)', () => {
  it('reports every problem with its path', () => {
    const { problems } = checkRecipeDocument(
      { steps: [{ id: 'Bad Id', probe: '', apply: 'x', category: 'pets', colour: 1 }, { id: 'docker', probe: 'p', apply: 'a', before: 'nope' }] },
      ids,
    );
    expect(problems).toEqual([
      'steps[0].colour: unknown key',
      'steps[0].probe: expected a non-empty string',
      'steps[0].id: expected [a-z0-9-]+, got "Bad Id"',
      'steps[0].category: expected one of services, containers, volumes, images, mounts, directories, interfaces, iptables, got "pets"',
      'steps[1].id: "docker" is already a step',
      'steps[1].before: no built-in step "nope"',
    ]);
    expect(checkRecipeDocument('steps: nope', ids).problems).toEqual(['steps: expected a list of steps']);
  });

  it('places steps before/after built-in ones, default first', () => {
    const { specs } = checkRecipeDocument(
      { steps: [{ id: 'first', probe: 'p', apply: 'a' }, { id: 'late', probe: 'p', apply: 'a', after: 'nftables' }, { id: 'pre-mounts', probe: 'p', apply: 'a', before: 'mounts' }] },
      ids,
    );
    const order = placeUserSteps(builtinSteps, specs).map((s) => s.id);
    expect(order[0]).toBe('first');
    expect(order[order.length - 1]).toBe('late');
    expect(order.indexOf('pre-mounts')).toBe(order.indexOf('mounts') - 1);
  });

  it('plans from its own probe output: one quoted command per name, noop when empty, failure when the probe failed', () => {
    const { specs } = checkRecipeDocument({ steps: [{ id: 'agent', probe: 'ls /x', apply: 'rm -f /x/{}', category: 'directories' }] }, ids);
    const [step] = placeUserSteps([], specs);
    const facts = (stdout: string, status = 0) => ({ custom: { 'user-agent': { status, stdout, stderr: 'boom' } } }) as unknown as Facts;
    const plan = step.plan(facts("a\nit's $(x)\n"), { removeImages: false, force: false });
    expect(plan.artifacts).toEqual([{ category: 'directories', name: 'a' }, { category: 'directories', name: "it's $(x)" }]);
    expect(plan.commands).toEqual(["rm -f /x/a", "rm -f /x/'it'\\''s $(x)'"]);
    expect(step.plan(facts(''), { removeImages: false, force: false }).noop).toBe('already clean: the probe printed nothing');
    expect(step.plan(facts('', 2), { removeImages: false, force: false }).failure).toBe('probe exited 2: boom');
    expect(step.probe).toEqual({ id: 'user-agent', script: 'ls /x' });
  });
});
