// Sections marked `inline` run in the probe's own shell (no fork each): a stray `exit` would end the
// whole probe, a `set -f` or `cd` would change every later section, and a variable read but not set
// would see another section's value. These tests hold every built-in section to that, and show on
// this machine that running them inline gives what running each in a subshell gives.
import { spawnSync } from 'node:child_process';
import { FACTS } from '../../../src/recipe/probe/probe.js';
import { renderProbeScript } from '../../../src/recipe/probe/script.js';
import { SectionReader, type ProbeSection } from '../../../src/recipe/probe/section.js';
import { splitSections } from '../../../src/recipe/probe/split.js';

const NONCE = 'inlinetest012345';
const SECTIONS: ProbeSection[] = Object.values(FACTS).flatMap((fact) => fact.sections);

// What a section may read without setting it: the preamble's helpers and state, the environment.
const GLOBAL = /^(__ns_\w+|SSH_CONNECTION|HOME|PATH|DOCKER_HOST)$/;

/** Why `script` may not run inline: statements that outlive a function call, variables read unset. */
function inlineProblems(script: string): string[] {
  const code = script.replace(/^\s*#.*$/gm, '');
  const problems: string[] = [];
  for (const [pattern, what] of [
    [/(^|[\s;&|({])exit\b/, '`exit` ends the whole probe (use `return`)'],
    [/(^|[\s;&|({])set [-+][a-z]/, '`set` of a shell option outlives the section'],
    [/(^|[\s;&|({])(cd|trap|exec|shift|readonly|ulimit|umask)\b/, 'changes the shell for every later section'],
  ] as const) {
    if (pattern.test(code)) problems.push(what);
  }
  const assigned = new Set<string>();
  for (const m of code.matchAll(/(?:^|[\s;&|({])(\w+)=/g)) assigned.add(m[1]);
  for (const m of code.matchAll(/\bfor (\w+) in\b/g)) assigned.add(m[1]);
  for (const m of code.matchAll(/\bread (?:-r )?((?:\w+ ?)+)/g)) for (const name of m[1].trim().split(' ')) assigned.add(name);
  for (const m of code.matchAll(/\$\{?([A-Za-z_]\w*)/g)) {
    const name = m[1];
    if (!GLOBAL.test(name) && !assigned.has(name)) problems.push(`reads $${name} without setting it`);
  }
  return [...new Set(problems)];
}

describe('inline probe sections', () => {
  it('every built-in section runs inline and is safe to', () => {
    for (const section of SECTIONS) {
      expect({ id: section.id, inline: section.inline === true, problems: inlineProblems(section.script) }).toEqual({ id: section.id, inline: true, problems: [] });
    }
  });

  it('the check finds what would break the probe', () => {
    expect(inlineProblems('[ -e /x ] || exit 0')).toEqual(['`exit` ends the whole probe (use `return`)']);
    expect(inlineProblems('set -f; set -- $SSH_CONNECTION')).toEqual(['`set` of a shell option outlives the section']);
    expect(inlineProblems('cd /var/lib && ls')).toEqual(['changes the shell for every later section']);
    expect(inlineProblems('printf "%s" "$out"')).toEqual(['reads $out without setting it']);
    expect(inlineProblems('out=$(ls); for f in a; do read -r x y; done; echo "$out $f $x $y $__ns_clock"')).toEqual([]);
  });

  it('a subshell section may exit and keeps its variables; an inline one returns and the probe goes on', () => {
    const script = renderProbeScript(NONCE, [
      { id: 'apart', script: 'x=leaked; echo before; exit 3' },
      { id: 'inline', inline: true, script: 'echo "x=${x-unset}"; echo oops >&2; return 4' },
      { id: 'last', inline: true, script: 'echo still here' },
    ]);
    const run = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
    const sections = splitSections(run, NONCE, ['apart', 'inline', 'last']);
    expect(sections.get('apart')).toEqual({ status: 3, stdout: 'before\n', stderr: '' });
    expect(sections.get('inline')).toEqual({ status: 4, stdout: 'x=unset\n', stderr: 'oops\n' });
    expect(sections.get('last')).toEqual({ status: 0, stdout: 'still here\n', stderr: '' });
  });

  it('gives here, section by section, what the same sections give each in a subshell', () => {
    const apart = SECTIONS.map((section) => ({ ...section, inline: false }));
    const run = (sections: ProbeSection[]) => {
      const env = { ...process.env, SSH_CONNECTION: '127.0.0.1 40000 127.0.0.1 22' };
      const result = spawnSync('sh', ['-c', renderProbeScript(NONCE, sections)], { encoding: 'utf8', maxBuffer: 1 << 26, env });
      return splitSections(result, NONCE, sections.map((s) => s.id));
    };
    const inlined = run(SECTIONS);
    const separate = run(apart);
    // The clock and the process list move between two runs. `addresses` runs only where the links
    // section, inline, found no JSON (in a subshell its note is lost, so it runs): the ssh fact
    // read from either must be the same. Everything else must match.
    const volatile = new Set(['probe', 'processes', 'containerd-processes', 'mounts', 'addresses']);
    for (const { id } of SECTIONS.filter((s) => !volatile.has(s.id))) {
      expect({ id, ...inlined.get(id) }).toEqual({ id, ...separate.get(id) });
    }
    expect(inlined.get('probe')!.stdout.split('\n')[0]).toBe(separate.get('probe')!.stdout.split('\n')[0]);
    expect(inlined.get('addresses')!.status).toBe('skipped');
    expect(FACTS.ssh.parse(new SectionReader(inlined))).toMatchObject({ addressInterface: 'lo' });
    expect(FACTS.ssh.parse(new SectionReader(inlined))).toEqual(FACTS.ssh.parse(new SectionReader(separate)));
  });
});
