// Every output format by name, in one table (as listr2 keeps its renderers): what each prints for a
// plan and for results, and the event stream it writes while the run goes. A new format is an entry
// here; the CLI's `--output` choices are this table's names.
import type { EmitEvent } from '../run/events.js';
import type { HostResult } from '../run/results.js';
import type { RunReport } from './json-report.js';
import { createNdjsonOutput } from './ndjson.js';
import { planToJson, renderPlanDetail, renderPlanTable } from './plan-text.js';
import { renderSummary } from './summary.js';

/** What a format writes at the end of a command, per stream. */
export interface FormatOutput {
  stdout?: string;
  stderr?: string;
}

export interface OutputFormat {
  /** Writes to stdout while the run goes (one JSON event per line for ndjson). */
  stream?: (write: (line: string) => void, mask: (text: string) => string) => EmitEvent;
  /** `plan`'s output; `detail` is --detail. */
  plan(results: HostResult[], detail: boolean): FormatOutput;
  /** The end of `verify` (counting what is left) and `run` (what was removed); `report` is the
   * versioned document --report writes (json prints exactly it). */
  results(results: HostResult[], report: RunReport): FormatOutput;
}

const counting = (report: RunReport) => (report.command === 'verify' ? 'left' : 'removed');

const FORMATS = {
  text: {
    plan: (results, detail) => ({ stdout: `${renderPlanTable(results)}\n${detail ? `\n${renderPlanDetail(results)}\n` : ''}` }),
    results: (results, report) => ({ stdout: `\n${renderSummary(results, counting(report))}\n` }),
  },
  json: {
    plan: (results) => ({ stdout: `${JSON.stringify(planToJson(results), null, 2)}\n` }),
    results: (results, report) => ({ stdout: `${JSON.stringify(report, null, 2)}\n`, stderr: `${renderSummary(results, counting(report))}\n` }),
  },
  ndjson: {
    stream: (write, mask) => createNdjsonOutput(write, mask),
    // stdout carries the events only: the human part goes to stderr.
    plan: (results) => ({ stderr: `${renderPlanTable(results)}\n` }),
    results: (results, report) => ({ stderr: `${renderSummary(results, counting(report))}\n` }),
  },
} satisfies Record<string, OutputFormat>;

export type OutputFormatName = keyof typeof FORMATS;

export const OUTPUT_FORMATS: Record<OutputFormatName, OutputFormat> = FORMATS;

export const OUTPUT_FORMAT_NAMES = Object.keys(FORMATS) as OutputFormatName[];
