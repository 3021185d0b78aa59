// Applies one planned step: runs its commands as one script and reads back each command's status.
import type { StepPlan } from '../recipe/types.js';
import type { StepResult } from './results.js';
import { execStepScript, firstLine, type RemoteContext } from './remote.js';
import { makeNonce } from './nonce.js';
import { buildStepScript, parseStepOutput } from './step-script.js';

/** Result of the commands only; verification (a fresh probe) decides what was really removed. */
export async function applyStep(ctx: RemoteContext, plan: StepPlan): Promise<StepResult> {
  const started = Date.now();
  const base = { stepId: plan.stepId, title: plan.title, left: [], deferred: plan.deferred ?? [], notes: plan.notes };
  if (plan.commands.length === 0) {
    return { ...base, status: 'noop', removed: [], message: plan.noop ?? 'nothing to do', durationMs: 0 };
  }
  const nonce = makeNonce();
  const result = await execStepScript(ctx, plan.stepId, buildStepScript(plan.commands, nonce));
  const { outcomes } = parseStepOutput(result.stdout, plan.commands, nonce);
  const failed = outcomes.find((outcome) => outcome.exitCode !== 0);
  const durationMs = Date.now() - started;
  if (failed || outcomes.length < plan.commands.length || result.exitCode !== 0) {
    const what = failed ? `\`${oneLine(failed.command)}\` exited ${failed.exitCode}` : `script exited ${result.exitCode}`;
    const stderr = firstLine(result.stderr);
    return {
      ...base,
      status: 'failed',
      removed: [],
      message: `${what}${stderr ? `: ${stderr}` : ''}`,
      durationMs,
    };
  }
  const lazy = result.stderr.split('\n').filter((line) => line.startsWith('nodescrub: '));
  return { ...base, notes: [...plan.notes, ...lazy], status: 'changed', removed: plan.artifacts, durationMs };
}

function oneLine(command: string): string {
  const line = command.replace(/\s+/g, ' ').trim();
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
