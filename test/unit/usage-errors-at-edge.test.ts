// Flag text is parsed at the edge (src/cli/flag-values.ts and the cli/read-* files): the engine takes
// typed values, so a usage error can only come from there — never from deep inside a run.
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(import.meta.dirname ?? dirname(new URL(import.meta.url).pathname), '../../src');

/** The layers that receive typed values only. */
const ENGINE = ['run', 'inventory', 'guards', 'plan'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('usage errors at the edge', () => {
  it('no file of run/, inventory/, guards/ or plan/ mentions UsageError', () => {
    const offenders = ENGINE.flatMap((layer) => filesUnder(join(SRC, layer)))
      .filter((file) => /\bUsageError\b/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(SRC, file));
    expect(offenders).toEqual([]);
  });
});
