// The probe for real: run by /bin/sh (and by busybox sh with busybox tools) on this machine, it must
// change nothing and its output must parse. Plus the captured sandbox output, parsed whole.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProbeScript, parseProbeOutput, ProbeParseError } from '../../../src/recipe/index.js';
import { CLEANUP_DIRECTORIES } from '../../../src/recipe/catalogue.js';
import { FACTS, splitProbeOutput } from '../../../src/recipe/probe/probe.js';
import { markerPrefix, redactSections, splitSections } from '../../../src/recipe/probe/split.js';
import { FIXTURES, readJson } from './fixtures.js';

const NONCE = 'probetest0123456';
const hasBusybox = spawnSync('busybox', ['true']).status === 0;

function sh(command: string): string {
  return spawnSync('sh', ['-c', command], { encoding: 'utf8' }).stdout;
}

/** What the probe could conceivably change: mounts, links, rules, the catalogue's paths, backups. */
function snapshot(): string {
  const rules = ['iptables-save', 'ip6tables-save', 'iptables-legacy-save', 'iptables-nft-save']
    .map((c) => sh(`${c} 2>/dev/null | grep -v '^#'`))
    .join('\n');
  const paths = CLEANUP_DIRECTORIES.map((p) => `${p}:${sh(`ls -ld ${p} 2>/dev/null`)}`).join('\n');
  // Network namespaces that integration labs add or remove meanwhile (their files under /run/netns
  // are mount points) are no change of the probe's: it never creates one.
  const mounts = sh("awk '$5 != \"/run/netns\" && $5 !~ /^\\/run\\/netns\\// ' /proc/self/mountinfo");
  return [mounts, sh('ip -o link show'), rules, paths, sh('ls -la /var/backups 2>&1')].join('\n---\n');
}

function runProbe(shell: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(shell[0], [...shell.slice(1), '-c', buildProbeScript(NONCE)], { env, encoding: 'utf8', maxBuffer: 1 << 26 });
}

describe('the probe script', () => {
  it('is valid POSIX sh (dash, and busybox ash when present)', () => {
    const script = buildProbeScript(NONCE);
    expect(spawnSync('sh', ['-n', '-c', script]).status).toBe(0);
    if (hasBusybox) expect(spawnSync('busybox', ['sh', '-n', '-c', script]).status).toBe(0);
  });

  it('runs here read-only, and parseProbeOutput accepts the real output', () => {
    const before = snapshot();
    const run = runProbe(['sh']);
    expect(snapshot()).toEqual(before);
    const facts = parseProbeOutput(run, NONCE);
    expect(facts.directories.entries.map((e) => e.path)).toEqual([...CLEANUP_DIRECTORIES]);
    expect(facts.mounts.mounts.some((m) => m.mountPoint === '/')).toBe(true);
    expect(facts.interfaces.available && facts.interfaces.links.some((l) => l.name === 'lo')).toBe(true);
    expect(['absent', 'unreachable', 'ok']).toContain(facts.docker.status);
  });

  (hasBusybox ? it : it.skip)('runs under busybox sh with busybox ip/rm/du/stat/timeout, read-only, and parses', () => {
    const bin = mkdtempSync(join(tmpdir(), 'nodescrub-busybox-'));
    try {
      for (const applet of ['ip', 'rm', 'du', 'stat', 'timeout', 'grep', 'head', 'cat', 'date', 'id']) {
        symlinkSync(spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).stdout.trim(), join(bin, applet));
      }
      const before = snapshot();
      const run = runProbe(['busybox', 'sh'], { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` });
      expect(snapshot()).toEqual(before);
      const facts = parseProbeOutput(run, NONCE);
      expect(facts.tools.rmOneFileSystem).toBe(false);
      expect(facts.interfaces.available && facts.interfaces.source).toBe('oneline');
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('refuses a nonce that could break out of the script', () => {
    expect(() => buildProbeScript("x'; reboot; '")).toThrow(ProbeParseError);
    expect(() => parseProbeOutput({ stdout: '', stderr: '' }, 'short')).toThrow(ProbeParseError);
  });
});

describe('parseProbeOutput on captured output', () => {
  const raw = readFileSync(join(FIXTURES, 'probe/sandbox-dirty.stdout'), 'utf8');
  const rawErr = readFileSync(join(FIXTURES, 'probe/sandbox-dirty.stderr'), 'utf8');
  const parse = (stdout: string, nonce = 'sandboxprobe01', stderr = rawErr) => parseProbeOutput({ stdout, stderr }, nonce);

  it('gives, fact by fact, what the per-fact fixtures expect', () => {
    const facts = parse(raw);
    for (const key of Object.keys(FACTS)) {
      // The sandbox has the docker CLI but no daemon; the docker dirty-host fixture is a live daemon.
      const name = key === 'docker' ? 'weird-daemon-dead' : 'dirty-host';
      const fixture = readJson<{ expected: unknown }>(join(FIXTURES, 'facts', key, `${name}.json`));
      expect({ key, value: facts[key as keyof typeof facts] }).toEqual({ key, value: fixture.expected });
    }
  });

  it('ignores login noise before the first and after the last section', () => {
    expect(() => parse(`Welcome!\nLast login: yesterday\n${raw}logout\n`)).not.toThrow();
  });

  it('refuses text between sections, a wrong nonce and a truncated output', () => {
    const between = raw.replace('@@nodescrub:sandboxprobe01:begin:tools', 'noise\n@@nodescrub:sandboxprobe01:begin:tools');
    expect(() => parse(between)).toThrow('unexpected text before section tools');
    expect(() => parse(raw, 'othernonce0001')).toThrow('lacks section');
    expect(() => parse(raw.slice(0, raw.length / 2))).toThrow(ProbeParseError);
  });

  it('treats a marker with another nonce, or not at a line start, as data; a real one out of place is refused', () => {
    const end = '@@nodescrub:sandboxprobe01:end:probe:0';
    const data = rawErr.replace(end, `@@nodescrub:othernonce:end:probe:0\n x ${end}\n${end}`);
    expect(() => parse(raw, 'sandboxprobe01', data)).not.toThrow();
    expect(() => parse(raw.replace(end, `${end}\n${end}`))).toThrow('out of place');
    expect(() => parse(raw, 'sandboxprobe01', rawErr.replace(end, `${end}\n${end}`))).toThrow('out of place on stderr');
  });

  it("gives each section its own stderr, read from the exec's stderr stream between the same markers", () => {
    const facts = splitProbeOutput({ stdout: raw, stderr: rawErr }, 'sandboxprobe01');
    const failed = [...facts.entries()].filter(([, o]) => o.stderr !== '');
    expect(failed.length).toBeGreaterThan(0);
    for (const [id, output] of failed) expect(rawErr).toContain(`@@nodescrub:sandboxprobe01:begin:${id}\n${output.stderr}\n@@nodescrub:sandboxprobe01:end:${id}:`);
    expect(raw).not.toContain(failed[0][1].stderr);
  });

  it('ignores text on stderr outside sections (a sudo warning, a profile) but refuses a stderr cut short or disagreeing', () => {
    expect(() => parse(raw, 'sandboxprobe01', `sudo: unable to resolve host x\n${rawErr.replace('@@nodescrub:sandboxprobe01:begin:tools', 'profile noise\n@@nodescrub:sandboxprobe01:begin:tools')}bye\n`)).not.toThrow();
    expect(() => parse(raw, 'sandboxprobe01', rawErr.slice(0, rawErr.indexOf('@@nodescrub:sandboxprobe01:begin:tools')))).toThrow('section tools is missing from the probe\'s stderr');
    expect(() => parse(raw, 'sandboxprobe01', rawErr.slice(0, rawErr.lastIndexOf('@@nodescrub:sandboxprobe01:end:')))).toThrow('ends inside section');
    expect(() => parse(raw, 'sandboxprobe01', rawErr.replace('end:probe:0', 'end:probe:1'))).toThrow('section probe: stdout and stderr disagree');
    expect(() => parse(raw, 'sandboxprobe01', '')).toThrow("missing from the probe's stderr");
  });
});

describe('redactSections (what may be logged of a probe)', () => {
  const prefix = markerPrefix(NONCE);
  const output = (body: string) =>
    `${prefix}begin:a\nkeep me\n\n${prefix}end:a:0\n${prefix}begin:secret\n${body}\n${prefix}end:secret:0\n`;
  const stderr = `${prefix}begin:a\n\n${prefix}end:a:0\n${prefix}begin:secret\nerr\n${prefix}end:secret:0\n`;

  it('replaces only the listed section bodies by their size, leaving markers, stderr and other sections', () => {
    const text = output('-----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----');
    const redacted = redactSections(text, NONCE, ['secret']);
    expect(redacted).not.toContain('PRIVATE KEY');
    expect(redacted).toContain('keep me');
    expect(redacted).toContain(`${prefix}begin:secret\n[59 bytes not logged: may hold credentials]\n${prefix}end:secret:0\n`);
    expect(splitSections({ stdout: redacted, stderr }, NONCE, ['a', 'secret']).get('a')!.stdout).toBe('keep me\n');
    expect(redactSections(text, NONCE, ['absent'])).toBe(text);
  });

  it('redacts to the end when the output stops inside the section', () => {
    const cut = output('SECRET-KEY-MATERIAL').split(`${prefix}end:secret`)[0];
    expect(redactSections(cut, NONCE, ['secret'])).not.toContain('SECRET');
  });

  it('ignores a begin marker that is not at a line start', () => {
    const text = `noise ${prefix}begin:secret\nSECRET\n`;
    expect(redactSections(text, NONCE, ['secret'])).toBe(text);
  });
});
