// `plan`, `verify` and `run`: the fixed stages connect -> discover -> show -> [confirm -> apply -> verify] -> report.
import { RunAbortedError } from '../../errors.js';
import { renderPlanTable } from '../../report/plan-text.js';
import { OUTPUT_FORMATS, type FormatOutput } from '../../report/output-formats.js';
import { exitCodeForOutcome, exitCodeForResults, EXIT } from '../exit-codes.js';
import { splitIntoBatches } from '../../run/batches.js';
import { executeFleet, type FleetRun, type Terminal } from '../fleet.js';
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
  writeOutput(OUTPUT_FORMATS[options.output].plan(results, options.detail), ctx);
  return exitCodeForResults(results, ctx.signal.aborted);
}

/** Read-only: is every host clean? Exit 0 only if so. */
export async function verifyCommand(options: FleetCliOptions, ctx: CommandContext): Promise<number> {
  const { hosts } = loadSelection(options);
  const outcome = await executeFleet('verify', hosts, options, ctx.terminal, ctx.signal);
  writeResults(outcome, options, ctx);
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
  writeResults(outcome, options, ctx);
  // Interrupted (Ctrl-C at --pause-on-fail's question too): the interruption line says what happened.
  if (outcome.stopped && !outcome.interrupted) ctx.terminal.stderr.write(`nodescrub: ${outcome.stopped}; remaining hosts were skipped\n`);
  return exitCodeForOutcome(outcome);
}

function writeResults(outcome: FleetRun, options: FleetCliOptions, ctx: CommandContext): void {
  writeOutput(OUTPUT_FORMATS[options.output].results(outcome.results, outcome.report), ctx);
  if (ctx.signal.aborted) ctx.terminal.stderr.write('nodescrub: interrupted: hosts not started are reported skipped\n');
}

function writeOutput(output: FormatOutput, ctx: CommandContext): void {
  if (output.stdout) ctx.terminal.stdout.write(output.stdout);
  if (output.stderr) ctx.terminal.stderr.write(output.stderr);
}
