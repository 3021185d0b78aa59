// Hostile or broken remote output: every parser returns typed facts or throws ProbeParseError with a
// one-line message — never another exception — and every step plans whatever facts came out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { buildProbeScript, builtinSteps, parseProbeOutput, ProbeParseError } from '../../../src/recipe/index.js';
import { FACTS } from '../../../src/recipe/probe/probe.js';
import { SectionReader, type SectionOutput } from '../../../src/recipe/probe/section.js';
import { unsafeNameReason } from '../../../src/recipe/quote.js';
import type { Facts } from '../../../src/recipe/types.js';
import { FIXTURES, listCases, readJson, toSectionOutput, type SectionFixture } from './fixtures.js';

/** Real section outputs from every fact fixture: the seeds that mutations start from. */
const seeds = new Map<string, SectionOutput[]>();
for (const c of listCases('facts')) {
  const { sections } = readJson<{ sections: Record<string, SectionFixture> }>(c.file);
  for (const [id, s] of Object.entries(sections)) seeds.set(id, [...(seeds.get(id) ?? []), toSectionOutput(s)]);
}

const line = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.constantFrom('', 'COMMIT', '*filter', ':KUBE-X - [0:0]', '-A KUBE-X -j "', 'format json', 'format oneline', '[', '{}', 'cli yes', 'restore yes', 'dir /etc/ceph absent - - -', '\\'),
);

/** A seed output mutated: truncated, a line dropped, a junk line inserted, a character replaced. */
function mutated(id: string): fc.Arbitrary<SectionOutput> {
  const pool = seeds.get(id) ?? [{ status: 0, stdout: '', stderr: '' }];
  return fc.record({ seed: fc.constantFrom(...pool), cut: fc.nat(), at: fc.nat(), junk: line, mode: fc.nat(4), status: fc.constantFrom<number | 'skipped'>(0, 0, 0, 1, 124, 127, 'skipped') }).map(({ seed, cut, at, junk, mode, status }) => {
    const lines = seed.stdout.split('\n');
    const i = lines.length === 0 ? 0 : at % lines.length;
    let stdout = seed.stdout;
    if (mode === 0) stdout = seed.stdout.slice(0, cut % (seed.stdout.length + 1));
    if (mode === 1) stdout = [...lines.slice(0, i), ...lines.slice(i + 1)].join('\n');
    if (mode === 2) stdout = [...lines.slice(0, i), junk, ...lines.slice(i)].join('\n');
    if (mode === 3 && stdout.length > 0) stdout = stdout.slice(0, cut % stdout.length) + junk.slice(0, 1) + stdout.slice((cut % stdout.length) + 1);
    return { status: mode === 4 ? status : seed.status, stdout, stderr: mode === 4 ? junk : seed.stderr };
  });
}

function expectParseErrorOnly(run: () => unknown): unknown {
  try {
    return run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProbeParseError);
    expect((error as Error).message).not.toContain('\n');
    expect((error as Error).message).not.toContain('internal parse error');
    return undefined;
  }
}

describe.each(Object.keys(FACTS))('fact %s on mutated output', (key) => {
  const fact = FACTS[key as keyof typeof FACTS];
  const ids = fact.sections.map((s) => s.id);

  it('yields a typed fact or a ProbeParseError', () => {
    const outputs = fc.tuple(...ids.map((id) => mutated(id)));
    fc.assert(
      fc.property(outputs, (list) => {
        expectParseErrorOnly(() => fact.parse(new SectionReader(new Map(ids.map((id, i) => [id, list[i]])))));
      }),
      { numRuns: 300 },
    );
  });

  it('yields a typed fact or a ProbeParseError on random text', () => {
    const outputs = fc.tuple(...ids.map(() => fc.record({ status: fc.constantFrom<number | 'skipped'>(0, 1, 'skipped'), stdout: fc.array(line, { maxLength: 8 }).map((l) => l.join('\n')), stderr: fc.string() })));
    fc.assert(
      fc.property(outputs, (list) => {
        expectParseErrorOnly(() => fact.parse(new SectionReader(new Map(ids.map((id, i) => [id, list[i]])))));
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseProbeOutput and planning on broken output', () => {
  const nonce = 'sandboxprobe01';
  const raw = readFileSync(join(FIXTURES, 'probe/sandbox-dirty.stdout'), 'utf8');
  const rawErr = readFileSync(join(FIXTURES, 'probe/sandbox-dirty.stderr'), 'utf8');

  it('random text is a ProbeParseError, never a crash', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => void expectParseErrorOnly(() => parseProbeOutput({ stdout: text, stderr: text }, nonce))));
  });

  it('the real output cut anywhere parses or is refused; whatever parses plans without throwing', () => {
    fc.assert(
      fc.property(fc.nat(raw.length), fc.nat(raw.length), fc.string({ maxLength: 3 }), (cut, at, junk) => {
        const outputs = [
          { stdout: raw.slice(0, cut), stderr: rawErr },
          { stdout: raw.slice(0, at) + junk + raw.slice(at), stderr: rawErr },
          { stdout: raw, stderr: rawErr.slice(0, Math.min(cut, rawErr.length)) },
          { stdout: raw, stderr: rawErr.slice(0, at % (rawErr.length + 1)) + junk + rawErr.slice(at % (rawErr.length + 1)) },
        ];
        for (const output of outputs) {
          const facts = expectParseErrorOnly(() => parseProbeOutput(output, nonce)) as Facts | undefined;
          if (!facts) continue;
          for (const step of builtinSteps) {
            for (const options of [{ removeImages: true, force: false }, { removeImages: false, force: true }]) {
              const plan = step.plan(facts, options);
              for (const artifact of plan.artifacts) expect(unsafeNameReason(artifact.name)).toBeNull();
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('the script embeds no nonce it was not given', () => {
    expect(buildProbeScript('abcdefgh12345678')).not.toContain('sandboxprobe01');
  });
});
