// Fixture plumbing for the recipe tests (pyinfra style): JSON files under test/fixtures/recipe,
// walked by one generic test. NODESCRUB_UPDATE_FIXTURES=1 rewrites `expected` from the code (then
// review the diff: a fixture is a claim about behaviour, not a snapshot to accept blindly).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Facts } from '../../../src/recipe/types.js';
import type { SectionOutput } from '../../../src/recipe/probe/section.js';

export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/recipe');
export const UPDATE = process.env.NODESCRUB_UPDATE_FIXTURES === '1';

export interface FixtureCase {
  group: string;
  name: string;
  file: string;
}

/** Every `<kind>/<group>/<case>.json`, sorted, for describe.each. */
export function listCases(kind: 'facts' | 'steps'): FixtureCase[] {
  const base = join(FIXTURES, kind);
  return readdirSync(base)
    .sort()
    .flatMap((group) =>
      readdirSync(join(base, group))
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => ({ group, name: f.replace(/\.json$/, ''), file: join(base, group, f) })),
    );
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

export function writeJson(file: string, value: unknown): void {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** A section as written in a fixture: `lines` (joined, final newline added) or raw `stdout`. */
export interface SectionFixture {
  status?: number | 'skipped';
  stdout?: string;
  lines?: string[];
  stderr?: string;
}

export function toSectionOutput(section: SectionFixture): SectionOutput {
  const stdout = section.stdout ?? (section.lines ? section.lines.map((l) => `${l}\n`).join('') : '');
  return { status: section.status ?? 0, stdout, stderr: section.stderr ?? '' };
}

/** The facts of a host with nothing of the cluster on it; step fixtures override whole fact keys. */
export function emptyHostFacts(): Facts {
  return readJson<Facts>(join(FIXTURES, 'empty-host.facts.json'));
}
