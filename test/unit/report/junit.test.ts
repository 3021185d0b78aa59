import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { renderJunit } from '../../../src/report/junit.js';
import type { HostResult } from '../../../src/run/results.js';

const results: HostResult[] = [
  {
    name: 'node1',
    address: 'a',
    status: 'failed',
    failure: 'step-failed',
    reason: 'mounts: busy',
    durationMs: 2000,
    steps: [
      { stepId: 'docker', title: 'Docker', status: 'changed', removed: [], left: [], deferred: [], notes: [], durationMs: 100 },
      { stepId: 'mounts', title: 'Mounts', status: 'failed', message: 'umount "/var/lib/kubelet/<x>" & co: busy\u0001', removed: [], left: [], deferred: [], notes: [], durationMs: 100 },
      { stepId: 'directories', title: 'Dirs', status: 'skipped', message: 'not run', removed: [], left: [], deferred: [], notes: [], durationMs: 0 },
    ],
  },
  { name: 'node2', address: 'b', status: 'unreachable', failure: 'unreachable', reason: 'connection refused', durationMs: 5, steps: [] },
];

describe('junit', () => {
  it('is valid XML with a suite per host, a case per step and failures with the reason', () => {
    const xml = renderJunit(results);
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
    expect(doc.testsuites.tests).toBe('4');
    expect(doc.testsuites.failures).toBe('2');
    const [first, second] = doc.testsuites.testsuite;
    expect(first.name).toBe('node1');
    expect(first.testcase.map((c: { name: string }) => c.name)).toEqual(['docker', 'mounts', 'directories']);
    expect(first.testcase[1].failure.message).toBe('umount "/var/lib/kubelet/<x>" & co: busy');
    expect(second.testcase.failure.type).toBe('unreachable');
  });

  it('keeps every character XML can carry (astral ones too) and writes newlines in attributes as &#10;, so a parser gets them back', () => {
    const reason = 'refused: 🚫 the API server said\nNode "n1" Ready\r\n\tsince 10:00 — 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 & <tags>';
    const xml = renderJunit([{ name: 'nöde-🦊', address: 'a', status: 'refused', failure: 'refused', reason, durationMs: 1, steps: [] }]);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('said&#10;Node');
    expect(xml).not.toMatch(/said\nNode/);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', htmlEntities: true }).parse(xml);
    expect(doc.testsuites.testsuite.name).toBe('nöde-🦊');
    expect(doc.testsuites.testsuite.testcase.failure.message).toBe(reason);
  });

  it('drops only what XML 1.0 cannot carry: C0 controls, lone surrogates, U+FFFE and U+FFFF', () => {
    const xml = renderJunit([{ name: 'n', address: 'a', status: 'refused', failure: 'refused', reason: 'a\u0001b\uD800c\uFFFEd\uFFFFe', durationMs: 1, steps: [] }]);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('message="abcde"');
  });
});
