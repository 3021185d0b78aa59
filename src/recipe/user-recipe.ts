// --recipe FILE: user steps of the same shape as the built-in ones — a read-only probe whose output
// lines are the artifacts, an apply command per artifact, verification by the same probe.
//
//   steps:
//     - id: stop-myagent            # [a-z0-9-]+, unique
//       title: Stop my monitoring agent
//       before: stop-services       # or after: <step id>; default: before the first built-in step
//       category: services          # how its artifacts are counted
//       probe: systemctl is-active --quiet myagent && echo myagent   # prints one name per line
//       apply: systemctl stop {}    # {} is replaced by the quoted name; run once per name
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { UsageError } from '../errors.js';
import { shellQuote } from './quote.js';
import type { Artifact, Category, Step, StepPlan } from './types.js';

const CATEGORIES: readonly Category[] = ['services', 'containers', 'volumes', 'images', 'mounts', 'directories', 'interfaces', 'iptables'];
const KEYS = ['id', 'title', 'before', 'after', 'category', 'probe', 'apply'];

interface UserStepSpec {
  id: string;
  title: string;
  before?: string;
  after?: string;
  category: Category;
  probe: string;
  apply: string;
}

/** Reads and checks the file; every problem at once as `FILE: steps[i].field: message`. */
export function loadUserRecipe(file: string, builtin: readonly Step[]): Step[] {
  let doc: unknown;
  try {
    doc = yaml.load(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file}: cannot read the recipe (${(error as Error).message.split('\n')[0]})`);
  }
  const { specs, problems } = checkRecipeDocument(doc, builtin.map((s) => s.id));
  if (problems.length > 0) throw new UsageError(problems.map((p) => `${file}: ${p}`).join('\n'));
  return placeUserSteps(builtin, specs);
}

/** Pure validation of a parsed document. */
export function checkRecipeDocument(doc: unknown, builtinIds: readonly string[]): { specs: UserStepSpec[]; problems: string[] } {
  const problems: string[] = [];
  const steps = (doc as { steps?: unknown } | null)?.steps;
  if (!doc || typeof doc !== 'object' || !Array.isArray(steps)) return { specs: [], problems: ['steps: expected a list of steps'] };
  for (const key of Object.keys(doc)) if (key !== 'steps') problems.push(`${key}: unknown key`);
  const ids = new Set(builtinIds);
  const specs: UserStepSpec[] = [];
  steps.forEach((raw, i) => {
    const at = `steps[${i}]`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return problems.push(`${at}: expected a mapping`);
    const step = raw as Record<string, unknown>;
    for (const key of Object.keys(step)) if (!KEYS.includes(key)) problems.push(`${at}.${key}: unknown key`);
    for (const key of ['id', 'probe', 'apply']) {
      if (typeof step[key] !== 'string' || (step[key] as string).trim() === '') problems.push(`${at}.${key}: expected a non-empty string`);
    }
    const id = String(step.id ?? '');
    if (typeof step.id === 'string' && !/^[a-z0-9-]+$/.test(id)) problems.push(`${at}.id: expected [a-z0-9-]+, got ${JSON.stringify(id)}`);
    else if (ids.has(id)) problems.push(`${at}.id: "${id}" is already a step`);
    ids.add(id);
    const category = step.category ?? 'services';
    if (!CATEGORIES.includes(category as Category)) problems.push(`${at}.category: expected one of ${CATEGORIES.join(', ')}, got ${JSON.stringify(category)}`);
    if (step.before !== undefined && step.after !== undefined) problems.push(`${at}: give before or after, not both`);
    for (const key of ['before', 'after'] as const) {
      if (step[key] !== undefined && !builtinIds.includes(String(step[key]))) problems.push(`${at}.${key}: no built-in step ${JSON.stringify(step[key])}`);
    }
    specs.push({ id, title: String(step.title ?? id), before: step.before as string | undefined, after: step.after as string | undefined, category: category as Category, probe: String(step.probe), apply: String(step.apply) });
  });
  return { specs, problems };
}

/** Inserts user steps before/after the named built-in step (default: before everything). */
export function placeUserSteps(builtin: readonly Step[], specs: readonly UserStepSpec[]): Step[] {
  const steps = [...builtin];
  for (const spec of specs) {
    const anchor = spec.before ?? spec.after;
    const index = anchor === undefined ? 0 : steps.findIndex((s) => s.id === anchor) + (spec.after ? 1 : 0);
    steps.splice(index, 0, toStep(spec));
  }
  return steps;
}

function toStep(spec: UserStepSpec): Step {
  return {
    id: spec.id,
    title: spec.title,
    description: `user step from --recipe: probe \`${spec.probe}\`, apply \`${spec.apply}\` per name`,
    probe: { id: `user-${spec.id}`, script: spec.probe },
    plan: (facts): StepPlan => {
      const output = facts.custom?.[`user-${spec.id}`];
      const base = { stepId: spec.id, title: spec.title, notes: [] as string[] };
      if (!output) return { ...base, artifacts: [], commands: [], failure: 'its probe did not run' };
      if (output.status !== 0) {
        return { ...base, artifacts: [], commands: [], failure: `probe exited ${output.status}: ${output.stderr.trim().split('\n')[0] ?? ''}` };
      }
      const names = [...new Set(output.stdout.split('\n').map((l) => l.trim()).filter(Boolean))];
      const unsafe = names.find((n) => /[\u0000-\u001f\u007f]/.test(n));
      if (unsafe !== undefined) return { ...base, artifacts: [], commands: [], refusal: `probe printed a name with control characters` };
      if (names.length === 0) return { ...base, artifacts: [], commands: [], noop: 'already clean: the probe printed nothing' };
      const artifacts: Artifact[] = names.map((name) => ({ category: spec.category, name }));
      // With {} the command runs once per name (quoted); without, once for all.
      const commands = spec.apply.includes('{}') ? names.map((name) => spec.apply.split('{}').join(shellQuote(name))) : [spec.apply];
      return { ...base, artifacts, commands };
    },
  };
}
