// Remote execution helpers shared by the host stages: probe and step scripts, with timeouts mapped to errors.
import { HostError } from '../errors.js';
import { buildProbeScript, parseProbeOutput } from '../recipe/index.js';
import type { ProbeSection } from '../recipe/probe/section.js';
import { redactSections } from '../recipe/probe/split.js';
import type { Facts, Step } from '../recipe/types.js';
import { execScript, type ScriptContext } from '../transport/exec-script.js';
import type { ExecResult } from '../transport/transport.js';
import { dockerApiRequest, readDockerApi } from './docker-api-probe.js';
import type { EmitEvent } from './events.js';
import { makeNonce } from './nonce.js';

/** A host's connection during a run (replaced after a reboot), with the step timeout and the event sink. */
export interface RemoteContext extends ScriptContext {
  stepTimeoutMs: number;
  emit: EmitEvent;
}

/**
 * Runs one script under the step timeout (recorded like every command) and turns a timeout or an
 * abort into a HostError: the host stops there. `loggable` strips what the record must not carry.
 */
export async function execStepScript(ctx: RemoteContext, stepId: string, script: string, loggable?: (stdout: string) => string, stdin?: Promise<string>): Promise<ExecResult> {
  const result = await execScript(ctx, stepId, script, { timeoutMs: ctx.stepTimeoutMs, ...(loggable ? { loggable } : {}), ...(stdin ? { stdin } : {}) });
  if (result.aborted) throw new HostError('aborted', `interrupted during ${stepId}`);
  if (result.timedOut) {
    throw new HostError('timed-out', `${stepId} timed out after ${formatSeconds(ctx.stepTimeoutMs)} (remote command killed)`);
  }
  return result;
}

/**
 * Gathers every fact in one remote execution: the built-in sections, the user steps' own probes and
 * `sections` (what the guards read, at discovery only); those land in facts.custom by id.
 */
export async function probeFacts(ctx: RemoteContext, stepId: string, steps: readonly Step[], sections: readonly ProbeSection[] = []): Promise<Facts> {
  const nonce = makeNonce();
  const extra = [...steps.flatMap((step) => (step.probe ? [step.probe] : [])), ...sections];
  const secret = extra.filter((section) => section.secret).map((section) => section.id);
  const loggable = secret.length > 0 ? (stdout: string) => redactSections(stdout, nonce, secret) : undefined;
  // The docker listings over the Engine API socket, concurrently with the script (docker-api-probe.ts).
  const docker = readDockerApi(ctx.transport, ctx.signal);
  const script = buildProbeScript(nonce, extra, { readOffers: docker !== undefined });
  const result = await execStepScript(ctx, stepId, script, loggable, docker?.offers);
  try {
    const fromApi = docker ? await docker.sections : undefined;
    for (const [id, { output, durationMs }] of fromApi ?? []) {
      // Recorded like a command, so -vv and --log-dir show what the listings were built from.
      const command = `${dockerApiRequest(id)} (Engine API, through the SSH connection)`;
      ctx.emit({ type: 'command', host: ctx.host, stepId, command, exitCode: output.status === 'skipped' ? null : output.status, stdout: output.stdout, stderr: output.stderr, durationMs, request: true });
    }
    return parseProbeOutput(result.stdout, nonce, extra, fromApi && new Map([...fromApi].map(([id, { output }]) => [id, output])));
  } catch (error) {
    if (result.exitSignal || result.exitCode === null) {
      // The output is cut short because the command died: say that, not what the parser tripped on.
      const how = result.exitSignal ? `by signal ${result.exitSignal}` : 'without an exit status';
      throw new HostError('step-failed', `${stepId}: the remote probe was killed ${how} before it finished`, { cause: error });
    }
    const stderr = firstLine(result.stderr);
    const why = (error as Error).message + (stderr ? ` (stderr: ${stderr})` : '');
    throw new HostError('step-failed', `${stepId}: could not read the host's state: ${why}`, { cause: error });
  }
}

export function firstLine(text: string): string {
  return text.split('\n').map((line) => line.trim()).find((line) => line.length > 0) ?? '';
}

export function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}
