// Wires one fleet pass: connector, observers (tree or lines, logs, report), scheduler.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { HostSpec } from '../inventory/types.js';
import { builtinSteps, loadUserRecipe } from '../recipe/index.js';
import { createHostLogs } from '../report/host-logs.js';
import { completeReport, createReportWriter, startReport, type ReportHost, type RunReport } from '../report/json-report.js';
import { readReport } from '../report/read-report.js';
import { renderJunit } from '../report/junit.js';
import { createLineOutput } from '../report/line-output.js';
import { OUTPUT_FORMATS } from '../report/output-formats.js';
import { startTaskTree, treeLines, type TaskTree } from '../report/task-tree.js';
import { fanOut, type EmitEvent, type RunMode } from '../run/events.js';
import { runFleet, type FleetOutcome } from '../run/scheduler.js';
import { buildHostHooks, type AdminKubeconfig } from '../guards/index.js';
import { createConnector } from './connect.js';
import type { FleetCliOptions } from './options.js';
import { interruptFromTerminal } from './interrupt.js';
import { readAdminKubeconfig } from './read-kubeconfig.js';
import { confirmTyped } from './prompt.js';
import { checkLocalPaths } from './local-paths.js';

/** A pass's outcome with its complete report (what --report holds at the end, and --json prints). */
export type FleetRun = FleetOutcome & { report: RunReport };

export interface Terminal {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Live tree only on a TTY stderr, outside CI. */
  interactive: boolean;
}

/** True when the live listr2 tree can be drawn: stderr is a TTY and CI is not set. */
export function isInteractive(stderr: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stderr.isTTY) && !env.CI && env.TERM !== 'dumb';
}

export async function executeFleet(
  mode: RunMode,
  hosts: readonly HostSpec[],
  options: FleetCliOptions,
  terminal: Terminal,
  signal: AbortSignal,
): Promise<FleetRun> {
  checkLocalPaths(options, mode);
  const started = startReport(mode, reportedOptions(options));
  const carried = carriedHosts(options);
  const steps = options.recipe ? loadUserRecipe(options.recipe, builtinSteps) : builtinSteps;
  const observers: EmitEvent[] = [];
  const hooks = mode === 'verify' ? undefined : buildHostHooks(options.guards, options.stepTimeout, adminKubeconfig(options));
  let tree: TaskTree | undefined;
  const connector = createConnector(hosts, options, (host, message) => emit({ type: 'warning', host, message }));
  await connector.unlockKeys(signal);
  if (options.quiet) {
    // -q: nothing while it runs but warnings; the summary and any --output document still come.
    observers.push((event) => {
      if (event.type === 'warning') terminal.stderr.write(`${connector.mask(`${event.host ? `${event.host}: ` : ''}warning: ${event.message}`)}\n`);
    });
  } else if (terminal.interactive) {
    const lines = treeLines(mode, steps.map((step) => step.id), options.reboot);
    tree = startTaskTree(hosts.map((h) => h.name), lines, mode, terminal.stderr, { concurrency: options.concurrency, mask: connector.mask });
    observers.push(tree.observe);
  } else {
    const write = (line: string) => terminal.stderr.write(`${connector.mask(line)}\n`);
    observers.push(createLineOutput(write, { verbose: options.verbose }));
  }
  const stream = OUTPUT_FORMATS[options.output].stream;
  if (stream) observers.push(stream((line) => terminal.stdout.write(line), connector.mask));
  if (options.logDir) observers.push(createHostLogs(options.logDir, connector.mask));
  const report = options.report && mode !== 'plan' ? createReportWriter(options.report, started, undefined, carried) : undefined;
  if (report) observers.push(report.observe);
  const emit = fanOut(observers);
  try {
    const outcome = await runFleet(hosts, {
      mode,
      steps,
      recipe: { removeImages: options.removeImages, force: options.force, allContainers: options.allContainers, keepOtherContainers: options.keepOtherContainers },
      connect: connector.connect,
      concurrency: options.concurrency,
      stepTimeoutMs: options.stepTimeout,
      reboot: options.reboot && mode === 'run' ? { timeoutMs: options.rebootTimeout } : undefined,
      hooks,
      batches: options.batches,
      maxFail: options.maxFail,
      maxUnreachable: options.maxUnreachable,
      pauseMs: options.pauseMs,
      confirmContinue: options.pauseOnFail && terminal.stdout.isTTY ? (question) => askToContinue(question, signal) : undefined,
      signal,
      emit,
    });
    report?.finish(outcome);
    if (options.junit && mode !== 'plan') writeFileSync(options.junit, connector.mask(renderJunit(outcome.results)));
    return { ...outcome, report: completeReport(started, outcome, undefined, carried) };
  } finally {
    await tree?.finished;
    await connector.close();
  }
}

/** `--retry-failed X --report X`: the hosts of X are kept (read before X is rewritten), so the ok
 * ones are not lost from the record; any other --report holds this pass alone. */
function carriedHosts(options: FleetCliOptions): ReportHost[] {
  if (!options.retryFailed || !options.report || resolve(options.retryFailed) !== resolve(options.report)) return [];
  return readReport(options.retryFailed).hosts;
}

/** --pause-on-fail's question. Ctrl-C there interrupts the run (exit 130); Ctrl-D or any answer but `yes` stops it (exit 3). */
async function askToContinue(question: string, signal: AbortSignal): Promise<boolean> {
  const answer = await confirmTyped(`${question} Type "yes": `, { signal });
  if (answer === 'interrupted' && !signal.aborted) interruptFromTerminal();
  return answer === 'yes';
}

/** The options a report records: what was asked, never credentials (there are none on the command line). */
function reportedOptions(options: FleetCliOptions): Record<string, unknown> {
  const { inventory, hosts, limit, concurrency, stepTimeout, connectTimeout, hostKeyPolicy, removeImages, force, allContainers, keepOtherContainers, batches, maxFail, maxUnreachable, retryFailed, shard, reboot } = options;
  return { inventory, hosts, limit, concurrency, stepTimeoutMs: stepTimeout, connectTimeoutMs: connectTimeout, hostKeyPolicy, removeImages, force, allContainers, keepOtherContainers, batches, maxFail, maxUnreachable, retryFailed, shard, reboot };
}

// --kubeconfig is read when the hooks are built, as before: after the recipe, before connecting.
function adminKubeconfig(options: FleetCliOptions): AdminKubeconfig | undefined {
  return options.guards.kubeconfig === undefined ? undefined : readAdminKubeconfig(options.guards.kubeconfig);
}
