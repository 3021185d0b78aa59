// The one table of output formats: every name the CLI accepts has a renderer, each writes to the
// stream its documentation promises, and an unknown name is a usage error naming the choices.
import { describe, expect, it } from '@jest/globals';
import { normalizeFleetOptions } from '../../../src/cli/options.js';
import { OUTPUT_FORMAT_NAMES, OUTPUT_FORMATS } from '../../../src/report/output-formats.js';
import type { HostResult } from '../../../src/run/results.js';
import { completeReport, startReport } from '../../../src/report/json-report.js';

const results: HostResult[] = [{ name: 'node1', address: '127.0.0.1', status: 'ok', steps: [], durationMs: 5, plan: { steps: [], refusals: [], failures: [] } }];

const report = (command: string) => completeReport(startReport(command, { limit: 'node1' }), { results, interrupted: false });

describe('output formats', () => {
  it('has text, json and ndjson, and the CLI accepts exactly those names', () => {
    expect(OUTPUT_FORMAT_NAMES).toEqual(['text', 'json', 'ndjson']);
    for (const name of OUTPUT_FORMAT_NAMES) expect(normalizeFleetOptions({ output: name }).output).toBe(name);
    expect(() => normalizeFleetOptions({ output: 'xml' })).toThrow('--output: expected one of text, json, ndjson, got "xml"');
  });

  it('every name resolves to a renderer that prints a plan and results', () => {
    for (const name of OUTPUT_FORMAT_NAMES) {
      const format = OUTPUT_FORMATS[name];
      expect(format.plan(results, false)).toBeDefined();
      expect(format.results(results, report('run'))).toBeDefined();
    }
  });

  it('--json means json, but a streaming --output wins', () => {
    expect(normalizeFleetOptions({ json: true }).output).toBe('json');
    expect(normalizeFleetOptions({ json: true, output: 'ndjson' }).output).toBe('ndjson');
  });

  it('text prints the table (and the detail) on stdout; json one document on stdout; ndjson only stderr', () => {
    const text = OUTPUT_FORMATS.text.plan(results, true);
    expect(text.stdout).toContain('node1');
    expect(text.stderr).toBeUndefined();
    const verify = report('verify');
    const json = OUTPUT_FORMATS.json.results(results, verify);
    // run/verify --json print the very document --report writes (retry-failed and report merge take it).
    expect(JSON.parse(json.stdout!)).toEqual(verify);
    expect(JSON.parse(json.stdout!)).toMatchObject({ version: 1, kind: 'nodescrub-report', command: 'verify', complete: true, hosts: [{ name: 'node1', status: 'ok' }] });
    expect(json.stderr).toContain('node1');
    const ndjson = OUTPUT_FORMATS.ndjson.results(results, report('run'));
    expect(ndjson.stdout).toBeUndefined();
    expect(ndjson.stderr).toContain('node1');
  });

  it('only ndjson streams events, one JSON object per line', () => {
    expect(OUTPUT_FORMATS.text.stream).toBeUndefined();
    const lines: string[] = [];
    const observe = OUTPUT_FORMATS.ndjson.stream!((line) => lines.push(line), (t) => t);
    observe({ type: 'host-started', host: 'node1' });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ type: 'host-started', host: 'node1' });
  });
});
