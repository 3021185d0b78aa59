// --junit FILE.xml: one testsuite per host, one testcase per step, failures with the reason.
import type { HostResult } from '../run/results.js';
import { statusLabel } from './status-label.js';

/** XML 1.0 text: escape markup and drop characters XML cannot carry at all. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

export function renderJunit(results: readonly HostResult[]): string {
  const suites = results.map(renderSuite);
  const tests = suites.reduce((n, s) => n + s.tests, 0);
  const failures = suites.reduce((n, s) => n + s.failures, 0);
  const time = seconds(results.reduce((n, r) => n + r.durationMs, 0));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="nodescrub" tests="${tests}" failures="${failures}" time="${time}">`,
    ...suites.map((s) => s.xml),
    '</testsuites>',
    '',
  ].join('\n');
}

function renderSuite(result: HostResult): { xml: string; tests: number; failures: number } {
  const cases: string[] = [];
  let failures = 0;
  const host = escapeXml(result.name);
  if (result.steps.length === 0 || (result.status !== 'ok' && !result.steps.some((s) => s.status === 'failed'))) {
    // Host-level outcome (unreachable, auth, refused, skipped...) as its own test case.
    const failed = result.status !== 'ok' && result.status !== 'skipped';
    if (failed) failures += 1;
    const body = failed
      ? `<failure type="${escapeXml(statusLabel(result))}" message="${escapeXml(result.reason ?? '')}"/>`
      : result.status === 'skipped'
        ? `<skipped message="${escapeXml(result.reason ?? '')}"/>`
        : '';
    cases.push(`    <testcase classname="${host}" name="host" time="${seconds(result.durationMs)}">${body}</testcase>`);
  }
  for (const step of result.steps) {
    let body = '';
    if (step.status === 'failed') {
      failures += 1;
      body = `<failure type="step-failed" message="${escapeXml(step.message ?? 'failed')}"/>`;
    } else if (step.status === 'skipped') {
      body = `<skipped message="${escapeXml(step.message ?? '')}"/>`;
    }
    cases.push(`    <testcase classname="${host}" name="${escapeXml(step.stepId)}" time="${seconds(step.durationMs)}">${body}</testcase>`);
  }
  const xml = [
    `  <testsuite name="${host}" tests="${cases.length}" failures="${failures}" time="${seconds(result.durationMs)}">`,
    ...cases,
    '  </testsuite>',
  ].join('\n');
  return { xml, tests: cases.length, failures };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
