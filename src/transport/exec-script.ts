// The one path by which a command reaches a host: every script (probe, step, guard, backup, reboot)
// runs here, so each one becomes a `command` event — logged (--log-dir, -v, ndjson) and masked alike.
import type { ExecResult, Transport } from './transport.js';

/** What the host logs, -v and ndjson receive for each command sent. */
export interface CommandEvent {
  type: 'command';
  host: string;
  stepId: string;
  command: string;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Not a shell command but a request to a daemon's API over the connection (`command` names it). */
  request?: boolean;
}

/** The connection a script runs on and where its record goes. */
export interface ScriptContext {
  host: string;
  transport: Transport;
  signal: AbortSignal;
  emit: (event: CommandEvent) => void;
}

export interface ScriptOptions {
  timeoutMs: number;
  /** The output may hold credentials (kubeconfigs, keys): the record gets its size, not its bytes. */
  secret?: boolean;
  /** Turns stdout into what the record may carry (e.g. secret probe sections removed). */
  loggable?: (stdout: string) => string;
}

/**
 * Runs `script` on the host and records it. A failed, timed-out or aborted command is a result
 * (see `timedOut`, `aborted`), never an exception: each caller says what that means for it.
 */
export async function execScript(ctx: ScriptContext, stepId: string, script: string, options: ScriptOptions): Promise<ExecResult> {
  const result = await ctx.transport.exec(script, { timeoutMs: options.timeoutMs, signal: ctx.signal });
  ctx.emit({
    type: 'command',
    host: ctx.host,
    stepId,
    command: script,
    exitCode: result.exitCode,
    stdout: loggableStdout(result.stdout, options),
    stderr: result.stderr,
    durationMs: result.durationMs,
  });
  return result;
}

function loggableStdout(stdout: string, options: ScriptOptions): string {
  if (options.secret) return `[${stdout.length} bytes not logged: may hold credentials]`;
  return options.loggable ? options.loggable(stdout) : stdout;
}
