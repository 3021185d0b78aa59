// The layering of src/, read from the imports themselves: no cycles, pure layers stay pure, ssh2 only
// under src/ssh, and one remote-command path (execScript) — so a shortcut fails here, not in review.
import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(import.meta.dirname ?? dirname(new URL(import.meta.url).pathname), '../../src');

/** Which top-level folders each layer must not import (type-only imports count: they couple too). */
const FORBIDDEN: Record<string, string[]> = {
  // recipe may use transport's pure shell quoting (the one quoting function), nothing that talks.
  recipe: ['ssh', 'run', 'report', 'cli', 'guards', 'plan'],
  inventory: ['ssh', 'run', 'report', 'cli', 'guards', 'plan', 'recipe', 'transport'],
  transport: ['ssh', 'run', 'report', 'cli', 'guards', 'plan', 'recipe'],
  plan: ['ssh', 'run', 'report', 'cli', 'transport'],
};

/** Cycles known and scheduled for removal: listed here so no new one sneaks in (none today). */
const KNOWN_CYCLES: string[][] = [];

type Graph = Map<string, { imports: Set<string>; packages: Set<string>; text: string }>;

const IMPORT = /^\s*(?:import|export)\s+(?:type\s+)?[^'";]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** Files (relative to `root`) → the files and packages they import. */
function readGraph(root: string): Graph {
  const graph: Graph = new Map();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.d.ts')) graph.set(relative(root, path), parseImports(root, path, readFileSync(path, 'utf8')));
    }
  };
  walk(root);
  return graph;
}

function parseImports(root: string, file: string, text: string) {
  const imports = new Set<string>();
  const packages = new Set<string>();
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2] ?? match[3];
    if (!spec.startsWith('.')) {
      packages.add(spec);
      continue;
    }
    let target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
    if (!existsSync(target) && existsSync(join(target.replace(/\.ts$/, ''), 'index.ts'))) target = join(target.replace(/\.ts$/, ''), 'index.ts');
    imports.add(relative(root, target));
  }
  return { imports, packages, text };
}

/** Strongly connected components of more than one file (Tarjan), each sorted. */
export function findCycles(edges: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!edges.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

const layerOf = (file: string) => file.split('/')[0].replace(/\.ts$/, '');

/** `file imports target` lines for every import a layer must not make. */
export function layerViolations(graph: Graph): string[] {
  return [...graph].flatMap(([file, { imports }]) =>
    [...imports].filter((target) => FORBIDDEN[layerOf(file)]?.includes(layerOf(target))).map((target) => `${file} imports ${target}`),
  );
}

/** Files outside src/transport and src/ssh that run a command on a transport without execScript. */
export function directExecs(graph: Graph): string[] {
  const DIRECT = /\btransport\??\.exec\s*\(|\bfresh\??\.exec\s*\(/;
  return [...graph].filter(([file, { text }]) => !['transport', 'ssh'].includes(layerOf(file)) && DIRECT.test(text)).map(([file]) => file);
}

const graph = readGraph(SRC);
const edges = new Map([...graph].map(([file, { imports }]) => [file, imports]));

describe('architecture of src/', () => {
  it('has no import cycle between files (beyond the listed known ones)', () => {
    const known = new Set(KNOWN_CYCLES.map((c) => [...c].sort().join(' <-> ')));
    expect(findCycles(edges).map((c) => c.join(' <-> ')).filter((c) => !known.has(c))).toEqual([]);
  });

  it('keeps recipe, inventory, plan and transport free of the layers above them', () => {
    expect(layerViolations(graph)).toEqual([]);
  });

  it('imports ssh2 only under src/ssh', () => {
    expect([...graph].filter(([file, { packages }]) => packages.has('ssh2') && layerOf(file) !== 'ssh').map(([file]) => file)).toEqual([]);
  });

  it('sends every remote command through execScript (no direct transport.exec outside transport/ and ssh/)', () => {
    expect(directExecs(graph)).toEqual([]);
  });
});

describe('the checks themselves can fail', () => {
  const fake = (files: Record<string, { imports?: string[]; packages?: string[]; text?: string }>): Graph =>
    new Map(Object.entries(files).map(([f, v]) => [f, { imports: new Set(v.imports ?? []), packages: new Set(v.packages ?? []), text: v.text ?? '' }]));

  it('finds a three-file cycle and ignores a chain', () => {
    const g = fake({ 'a.ts': { imports: ['b.ts'] }, 'b.ts': { imports: ['c.ts'] }, 'c.ts': { imports: ['a.ts'] }, 'd.ts': { imports: ['a.ts'] } });
    expect(findCycles(new Map([...g].map(([f, v]) => [f, v.imports])))).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it('flags recipe importing ssh and transport importing run', () => {
    const g = fake({ 'recipe/x.ts': { imports: ['ssh/y.ts', 'errors.ts', 'transport/shell-quote.ts'] }, 'transport/t.ts': { imports: ['run/r.ts'] }, 'run/r.ts': { imports: ['ssh/y.ts'] } });
    expect(layerViolations(g)).toEqual(['recipe/x.ts imports ssh/y.ts', 'transport/t.ts imports run/r.ts']);
  });

  it('flags a guard calling ctx.transport.exec directly, not a regex .exec', () => {
    const g = fake({
      'guards/g.ts': { text: 'const r = await ctx.transport.exec(script, {});' },
      'guards/ok.ts': { text: 'const m = /x/.exec(line); await execScript(hookScript(ctx), "id", s, { timeoutMs });' },
      'ssh/s.ts': { text: 'this.transport.exec(x)' },
    });
    expect(directExecs(g)).toEqual(['guards/g.ts']);
  });

  it('reads real imports: the graph knows run/remote.ts uses transport/exec-script.ts', () => {
    expect(graph.get('run/remote.ts')?.imports.has('transport/exec-script.ts')).toBe(true);
    expect(graph.get('ssh/open-client.ts')?.packages.has('ssh2') || graph.get('ssh/ssh2.ts')?.packages.has('ssh2')).toBe(true);
  });
});
