// The one generic test: every fact fixture (section output -> typed fact or parse error) and every
// step fixture (facts -> exact StepPlan) under test/fixtures/recipe.
import { ProbeParseError } from '../../../src/recipe/errors.js';
import { FACTS } from '../../../src/recipe/probe/probe.js';
import { SectionReader } from '../../../src/recipe/probe/section.js';
import { builtinSteps } from '../../../src/recipe/steps/index.js';
import type { Facts, RecipeOptions, StepPlan } from '../../../src/recipe/types.js';
import { unsafeNameReason } from '../../../src/recipe/quote.js';
import { emptyHostFacts, listCases, readJson, toSectionOutput, UPDATE, writeJson, type SectionFixture } from './fixtures.js';

interface FactFixture {
  description: string;
  sections: Record<string, SectionFixture>;
  expected?: unknown;
  error?: string;
}

interface StepFixture {
  description: string;
  options?: Partial<RecipeOptions>;
  facts: Partial<Facts>;
  expected: StepPlan;
}

const factCases = listCases('facts');
const stepCases = listCases('steps');

describe('fixture coverage', () => {
  const groups = [...new Set([...factCases.map((c) => `facts/${c.group}`), ...stepCases.map((c) => `steps/${c.group}`)])];
  it.each(groups)('%s has an empty, a dirty and a weird host case', (key) => {
    const [kind, group] = key.split('/');
    const names = (kind === 'facts' ? factCases : stepCases).filter((c) => c.group === group).map((c) => c.name);
    for (const prefix of ['empty', 'dirty', 'weird']) expect(names.some((n) => n.startsWith(prefix))).toBe(true);
  });

  it('covers every fact and every built-in step', () => {
    expect(new Set(factCases.map((c) => c.group))).toEqual(new Set(Object.keys(FACTS)));
    expect(new Set(stepCases.map((c) => c.group))).toEqual(new Set(builtinSteps.map((s) => s.id)));
  });
});

describe.each(factCases)('fact $group: $name', ({ group, file }) => {
  const fixture = readJson<FactFixture>(file);
  const fact = FACTS[group as keyof typeof FACTS];
  const parse = () =>
    fact.parse(new SectionReader(new Map(Object.entries(fixture.sections).map(([id, s]) => [id, toSectionOutput(s)]))));

  it(fixture.description, () => {
    if (fixture.error !== undefined) {
      expect(parse).toThrow(ProbeParseError);
      expect(parse).toThrow(fixture.error);
      return;
    }
    const actual = parse();
    if (UPDATE) writeJson(file, { ...fixture, expected: actual });
    expect(actual).toEqual(fixture.expected);
  });
});

describe.each(stepCases)('step $group: $name', ({ group, file }) => {
  const fixture = readJson<StepFixture>(file);
  const step = builtinSteps.find((s) => s.id === group);
  const facts: Facts = { ...emptyHostFacts(), ...fixture.facts };
  const options: RecipeOptions = { removeImages: false, force: false, ...fixture.options };

  it(fixture.description, () => {
    if (!step) throw new Error(`no step ${group}`);
    const plan = step.plan(facts, options);
    if (UPDATE) writeJson(file, { ...fixture, expected: plan });
    expect(plan).toEqual(fixture.expected);
    // Invariants every plan keeps, whatever the fixture says.
    expect(plan.noop !== undefined).toBe(plan.commands.length === 0 && !plan.refusal && !plan.failure);
    if (plan.refusal || plan.failure) expect(plan.commands).toEqual([]);
    for (const artifact of plan.artifacts) expect(unsafeNameReason(artifact.name)).toBeNull();
    expect(step.plan(facts, options)).toEqual(plan); // pure: same facts, same plan
  });
});
