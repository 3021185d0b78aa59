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
});
