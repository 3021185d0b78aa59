// --junit FILE.xml: one testsuite per host, one testcase per step, failures with the reason.
import type { HostResult } from '../run/results.js';
import { statusLabel } from './status-label.js';

/**
 * An XML 1.0 attribute value: markup escaped, characters XML cannot carry at all dropped (the C0
 * controls but tab, newline and carriage return; lone surrogates; U+FFFE/U+FFFF), every other
 * character kept (astral ones too: emoji in a reason stay). Tab, newline and carriage return are
 * written as character references, since a parser turns them into spaces in an attribute otherwise.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
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
