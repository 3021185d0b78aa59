// Remote execution helpers shared by the host stages: probe and step scripts, with timeouts mapped to errors.
import { HostError } from '../errors.js';
import { DOCKER_LISTINGS, listingsLeftToClient } from '../recipe/facts/docker.js';
import { buildDockerCliScript, buildProbeScript, DOCKER_CLI_SECTIONS, readFacts, splitProbeOutput } from '../recipe/probe/probe.js';
import type { ProbeSection, SectionOutput } from '../recipe/probe/section.js';
import { redactSections, splitSections, withoutMarkers } from '../recipe/probe/split.js';
import type { Facts, Step } from '../recipe/types.js';
import { execScript, type ScriptContext } from '../transport/exec-script.js';
import type { ExecResult } from '../transport/transport.js';
import { DOCKER_API_OFFER, dockerApiRequest, readDockerApi, type DockerApiListings } from './docker-api-probe.js';
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
export async function execStepScript(ctx: RemoteContext, stepId: string, script: string, loggable?: (stdout: string) => string): Promise<ExecResult> {
  const result = await execScript(ctx, stepId, script, { timeoutMs: ctx.stepTimeoutMs, ...(loggable ? { loggable } : {}) });
  if (result.aborted) throw new HostError('aborted', `interrupted during ${stepId}`);
  if (result.timedOut) {
    throw new HostError('timed-out', `${stepId} timed out after ${formatSeconds(ctx.stepTimeoutMs)} (remote command killed)`);
  }
  return result;
}

/**
 * Gathers every fact in one remote execution: the built-in sections, the user steps' own probes and
 * `sections` (what the guards read, at discovery only); those land in facts.custom by id. The docker
 * listings come from the Engine API beside it when the connection can open the socket.
 */
export async function probeFacts(ctx: RemoteContext, stepId: string, steps: readonly Step[], sections: readonly ProbeSection[] = []): Promise<Facts> {
  const nonce = makeNonce();
  const extra = [...steps.flatMap((step) => (step.probe ? [step.probe] : [])), ...sections];
  const secret = extra.filter((section) => section.secret).map((section) => section.id);
  const loggable = secret.length > 0 ? (stdout: string) => redactSections(stdout, nonce, secret) : undefined;
  // Started with the exec, so both go out in the same flight (docker-api-probe.ts).
  const docker = readDockerApi(ctx.transport, ctx.signal);
  const script = buildProbeScript(nonce, extra, docker ? { offers: [DOCKER_API_OFFER] } : {});
  const result = await execStepScript(ctx, stepId, script, loggable);
  try {
    const outputs = splitProbeOutput(result, nonce, extra);
    if (docker && listingsLeftToClient(outputs.get('docker-cli'))) {
      for (const [id, output] of await dockerListings(ctx, stepId, docker)) outputs.set(id, output);
    }
    return readFacts(outputs, extra);
  } catch (error) {
    if (result.exitSignal || result.exitCode === null) {
      // The output is cut short because the command died: say that, not what the parser tripped on.
      const how = result.exitSignal ? `by signal ${result.exitSignal}` : 'without an exit status';
      throw new HostError('step-failed', `${stepId}: the remote probe was killed ${how} before it finished`, { cause: error });
    }
    const stderr = firstLine(withoutMarkers(result.stderr, nonce));
    const why = (error as Error).message + (stderr ? ` (stderr: ${stderr})` : '');
    throw new HostError('step-failed', `${stepId}: could not read the host's state: ${why}`, { cause: error });
  }
}

/**
 * The listings the script left to us: from the Engine API, each recorded like a command (so -vv and
 * --log-dir show what they were built from); when the socket could not be opened, with the docker
 * CLI in a second exec — the only case that costs this host a round trip more.
 */
async function dockerListings(ctx: RemoteContext, stepId: string, reading: Promise<DockerApiListings>): Promise<Map<string, SectionOutput>> {
  const api = await reading;
  if (api.available) {
    for (const [id, { output, durationMs }] of api.listings) {
      const command = `${dockerApiRequest(id)} (Engine API, through the SSH connection)`;
      ctx.emit({ type: 'command', host: ctx.host, stepId, command, exitCode: output.status === 'skipped' ? null : output.status, stdout: output.stdout, stderr: output.stderr, durationMs, request: true });
    }
    return new Map([...api.listings].map(([id, { output }]) => [id, output]));
  }
  const nonce = makeNonce();
  const result = await execStepScript(ctx, stepId, buildDockerCliScript(nonce));
  const outputs = splitSections(result, nonce, DOCKER_CLI_SECTIONS.map((s) => s.id));
  return new Map(DOCKER_LISTINGS.map((id) => [id, outputs.get(id)!]));
}

export function firstLine(text: string): string {
  return text.split('\n').map((line) => line.trim()).find((line) => line.length > 0) ?? '';
}

export function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}
