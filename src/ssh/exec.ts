// Runs one command on one SSH channel and always comes back: output, exit, timeout or abort.

import type { ClientChannel, SshClient } from './ssh2.js';

export const DEFAULT_OUTPUT_LIMIT_BYTES = 16 * 1024 * 1024;
/** TERM first (sudo relays it; see become.ts), then KILL and close this long after. */
const KILL_AFTER_MS = 500;
/** How long a killed channel may take to confirm its close before we stop waiting for it. */
const CLOSE_GRACE_MS = 2000;

export interface ChannelRunOptions {
  stdin?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Per stream; bytes past it are read and dropped so memory stays bounded. */
  outputLimitBytes?: number;
}

/** Flat outcome of one channel; `exitCode` null without a signal/timeout/abort means the channel was lost. */
export interface ChannelRunResult {
  exitCode: number | null;
  exitSignal?: string;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
}

/**
 * Opens an exec channel, writes stdin and closes it, collects both streams. On timeout or abort it
 * signals TERM, then KILL and closes the channel (OpenSSH signals the session's process group); if
 * the server never confirms the close it resolves anyway after a grace. Rejects only when the
 * channel cannot be opened.
 */
export async function runOnChannel(client: SshClient, command: string, options: ChannelRunOptions = {}): Promise<ChannelRunResult> {
  const started = Date.now();
  const limit = options.outputLimitBytes ?? DEFAULT_OUTPUT_LIMIT_BYTES;
  const channel = await openExecChannel(client, command);
  const stdout = collectOutput(channel, limit);
  const stderr = collectOutput(channel.stderr, limit);
  return new Promise((resolve) => {
    let exitCode: number | null = null;
    let exitSignal: string | undefined;
    let stopped: 'timeout' | 'abort' | undefined;
    let done = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (): void => {
      if (done) return;
      done = true;
      timers.forEach(clearTimeout);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({
        exitCode,
        ...(exitSignal ? { exitSignal } : {}),
        stdout: stdout.text(),
        stderr: stderr.text(),
        stdoutTruncated: stdout.truncated(),
        stderrTruncated: stderr.truncated(),
        timedOut: stopped === 'timeout',
        aborted: stopped === 'abort',
        durationMs: Date.now() - started,
      });
    };
    const stop = (why: 'timeout' | 'abort'): void => {
      if (done || stopped) return;
      stopped = why;
      sendChannelSignal(channel, 'TERM');
      timers.push(
        setTimeout(() => {
          sendChannelSignal(channel, 'KILL');
          channel.close();
          timers.push(setTimeout(finish, CLOSE_GRACE_MS));
        }, KILL_AFTER_MS),
      );
    };
    const onAbort = (): void => stop('abort');
    const record = (code?: number | null, signalName?: string): void => {
      if (exitCode !== null || exitSignal !== undefined) return;
      if (typeof code === 'number') exitCode = code;
      else if (signalName) exitSignal = signalName;
    };
    channel.on('exit', record);
    // A fast command's exit-status can arrive in the same read as the exec confirmation: ssh2 then
    // emits 'exit' before this listener exists (we resume after a microtask). ssh2 repeats the exit
    // status as the arguments of 'close' (deferred until the output is read), so take it from there.
    channel.on('close', (code?: number | null, signalName?: string) => {
      record(code, signalName);
      finish();
    });
    channel.on('error', () => undefined); // a write after close; the close event still follows
    if (options.timeoutMs !== undefined && options.timeoutMs > 0) {
      timers.push(setTimeout(() => stop('timeout'), options.timeoutMs));
    }
    if (options.signal?.aborted) stop('abort');
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    channel.end(options.stdin ?? '');
  });
}

export function openExecChannel(client: SshClient, command: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    try {
      client.exec(command, (error, channel) => (error ? reject(error) : resolve(channel)));
    } catch (error) {
      reject(error);
    }
  });
}

interface OutputCollector {
  text(): string;
  truncated(): boolean;
}

function collectOutput(stream: NodeJS.ReadableStream, limit: number): OutputCollector {
  const chunks: Buffer[] = [];
  let size = 0;
  let dropped = false;
  stream.on('data', (chunk: Buffer) => {
    const room = limit - size;
    if (room <= 0) return void (dropped = true);
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (kept !== chunk) dropped = true;
    chunks.push(kept);
    size += kept.length;
  });
  return { text: () => Buffer.concat(chunks).toString('utf8'), truncated: () => dropped };
}

// ssh2's channel.signal() is a no-op once stdin is closed (EOF), but SSH allows a signal request
// after EOF and OpenSSH honours it, so fall back to ssh2's protocol object (pinned ssh2 1.17 shape).
interface ChannelInternals {
  outgoing?: { id: number; state: string };
  _client?: { _protocol?: { signal?: (id: number, name: string) => void } };
}

/** Sends a signal request on a session channel even after its stdin was closed. */
export function sendChannelSignal(channel: ClientChannel, name: string): void {
  const internals = channel as unknown as ChannelInternals;
  try {
    if (channel.writable) return channel.signal(name);
    const { outgoing } = internals;
    const protocol = internals._client?._protocol;
    if (outgoing && (outgoing.state === 'open' || outgoing.state === 'eof') && typeof protocol?.signal === 'function') {
      protocol.signal(outgoing.id, name);
    }
  } catch {
    // The connection is already gone: closing the channel is all that is left to do.
  }
}
