// `plan`, `verify` and `run`: the fixed stages connect -> discover -> show -> [confirm -> apply -> verify] -> report.
import { RunAbortedError } from '../../errors.js';
import { planToJson, renderPlanDetail, renderPlanTable } from '../../plan/render-plan.js';
import { renderSummary } from '../../report/summary.js';
import { computeTotals, toReportHost } from '../../report/json-report.js';
import type { HostResult } from '../../run/results.js';
import { exitCodeForOutcome, exitCodeForResults, EXIT } from '../exit-codes.js';
import { splitIntoBatches } from '../../run/batches.js';
import { executeFleet, type Terminal } from '../fleet.js';
import type { FleetCliOptions } from '../options.js';
import { confirmTyped } from '../prompt.js';
import { loadSelection } from '../select-hosts.js';

export interface CommandContext {
  terminal: Terminal;
  signal: AbortSignal;
}

/** Read-only: what `run` would remove on each host, and the commands it would send. */
export async function planCommand(options: FleetCliOptions, ctx: CommandContext): Promise<number> {
  const { hosts } = loadSelection(options);
  const { results } = await executeFleet('plan', hosts, options, ctx.terminal, ctx.signal);
  if (options.output === 'ndjson') {
    ctx.terminal.stderr.write(`${renderPlanTable(results)}\n`);
  } else if (options.json) {
    ctx.terminal.stdout.write(`${JSON.stringify(planToJson(results), null, 2)}\n`);
  } else {
    ctx.terminal.stdout.write(`${renderPlanTable(results)}\n`);
    if (options.detail) ctx.terminal.stdout.write(`\n${renderPlanDetail(results)}\n`);
  }
  return exitCodeForResults(results, ctx.signal.aborted);
}

/** Read-only: is every host clean? Exit 0 only if so. */
export async function verifyCommand(options: FleetCliOptions, ctx: CommandContext): Promise<number> {
  const { hosts } = loadSelection(options);
  const outcome = await executeFleet('verify', hosts, options, ctx.terminal, ctx.signal);
  writeResults(outcome.results, options, ctx, 'nodescrub-verify');
  return exitCodeForOutcome(outcome);
}

/** The cleanup. Without --yes: show the plan and ask for a typed `yes` on a TTY; refuse otherwise. */
export async function runCommand(options: FleetCliOptions, ctx: CommandContext): Promise<number> {
  const { hosts } = loadSelection(options);
  if (!options.yes) {
    if (!ctx.terminal.stdout.isTTY || !process.stdin.isTTY) {
      throw new RunAbortedError('refusing to run without confirmation: no TTY to ask on; add --yes to run non-interactively');
    }
    const firstBatch = splitIntoBatches(hosts, options.batches ?? [])[0] ?? [];
    const { results: planned } = await executeFleet('plan', firstBatch, options, ctx.terminal, ctx.signal);
    ctx.terminal.stdout.write(`${renderPlanTable(planned)}\n`);
    if (firstBatch.length < hosts.length) ctx.terminal.stdout.write(`(plan of the first batch: ${firstBatch.length} of ${hosts.length} hosts)\n`);
    if (ctx.signal.aborted) return EXIT.interrupted;
    const answer = await confirmTyped(`Clean ${hosts.length} host(s) as shown above? Type "yes" to continue: `, { signal: ctx.signal });
    if (answer === 'interrupted') {
      ctx.terminal.stderr.write('nodescrub: interrupted at the confirmation; nothing was changed\n');
      return EXIT.interrupted;
    }
    if (answer === 'eof') throw new RunAbortedError('not confirmed (end of input); nothing was changed');
    if (answer === 'no') throw new RunAbortedError('not confirmed; nothing was changed');
  }
  const outcome = await executeFleet('run', hosts, options, ctx.terminal, ctx.signal);
  writeResults(outcome.results, options, ctx, 'nodescrub-run');
  // Interrupted (Ctrl-C at --pause-on-fail's question too): the interruption line says what happened.
  if (outcome.stopped && !outcome.interrupted) ctx.terminal.stderr.write(`nodescrub: ${outcome.stopped}; remaining hosts were skipped\n`);
  return exitCodeForOutcome(outcome);
}

function writeResults(results: HostResult[], options: FleetCliOptions, ctx: CommandContext, kind: string): void {
  const counting = kind === 'nodescrub-verify' ? 'left' : 'removed';
  if (options.output === 'ndjson') {
    ctx.terminal.stderr.write(`${renderSummary(results, counting)}\n`);
  } else if (options.json) {
    ctx.terminal.stdout.write(`${JSON.stringify(resultsDocument(kind, results), null, 2)}\n`);
    ctx.terminal.stderr.write(`${renderSummary(results, counting)}\n`);
  } else {
    ctx.terminal.stdout.write(`\n${renderSummary(results, counting)}\n`);
  }
  if (ctx.signal.aborted) ctx.terminal.stderr.write('nodescrub: interrupted: hosts not started are reported skipped\n');
}

/** `--json` for run/verify: the report's host shape (documented in README), not the internal result. */
function resultsDocument(kind: string, results: HostResult[]) {
  const hosts = results.map(toReportHost);
  return { version: 1, kind, hosts, totals: computeTotals(hosts) };
}
