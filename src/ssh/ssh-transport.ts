// The Transport over one ssh2 connection: every command of a host goes through this one client.

import type { HostSpec } from '../inventory/types.js';
import { HostError } from '../errors.js';
import { describeSudoRefusal, detectSudoRefusal, needsSudo, wrapCommand } from './become.js';
import { ChannelLimit } from './channel-limit.js';
import { classifySshError } from './classify.js';
import { runOnChannel, type ChannelRunResult } from './exec.js';
import { maskSecrets } from './mask.js';
import type { SshClient } from './ssh2.js';
import { rm } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import { shellQuote } from '../transport/shell-quote.js';
import { openForward, openStreamLocal, sftpDownload, streamToFile } from './transfer.js';
import type { ExecOptions, ExecResult, Transport, TransferOptions } from '../transport/transport.js';

/** ExecResult plus what only the SSH layer knows; all extra fields are optional per the contract. */
export interface SshExecResult extends ExecResult {
  /** The exact line sent (after sh/sudo wrapping); never contains a secret. */
  remoteCommand: string;
  stdoutTruncated?: boolean;
  stderrTruncated?: boolean;
}

export interface SshTransportSettings {
  host: HostSpec;
  client: SshClient;
  secrets: readonly string[];
  becomePassword?: string;
  maxChannels: number;
  outputLimitBytes: number;
  /** For the "connection lost" reason when keepalives go unanswered. */
  keepalive?: { intervalMs: number; countMax: number };
  /** Called once after close (releases a jump lease). */
  onClose?: () => void | Promise<void>;
}

/** One host's open connection: commands share it, capped at maxChannels at a time. */
export class SshTransport implements Transport {
  /** Values to mask in anything shown or stored about this host. */
  readonly secrets: readonly string[];
  readonly host: HostSpec;
  #settings: SshTransportSettings;
  #limit: ChannelLimit;
  #closed = false;
  #closedByUs = false;
  #lostReason: string | undefined;
  #closing: Promise<void> | undefined;

  constructor(settings: SshTransportSettings) {
    this.#settings = settings;
    this.host = settings.host;
    this.secrets = settings.secrets;
    this.#limit = new ChannelLimit(settings.maxChannels);
    if (!needsSudo(settings.host)) {
      this.openUnixSocket = async (path: string): Promise<Duplex> => {
        this.#assertOpen();
        return openStreamLocal(settings.client, path);
      };
    }
    const { host } = settings;
    const endpoint = `${host.address}:${host.port}`;
    settings.client.on('error', (error: Error) => {
      const context = { target: `${host.user}@${endpoint}`, endpoint, phase: 'session' as const };
      this.#lostReason ??= classifySshError(error, { ...context, ...(settings.keepalive ? { keepalive: settings.keepalive } : {}) }).reason;
    });
    settings.client.on('close', () => {
      this.#lostReason ??= 'closed by the server';
      this.#closed = true;
    });
  }

  /** Whether the connection is gone (closed by us or lost). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Runs a command (sh -c, or sudo when the host has become); see SshExecResult. */
  async exec(command: string, options: ExecOptions = {}): Promise<SshExecResult> {
    const become = needsSudo(this.host);
    const wrapped = wrapCommand(command, { enabled: become, ...(this.#settings.becomePassword !== undefined ? { password: this.#settings.becomePassword } : {}) }, options.stdin);
    const started = Date.now();
    const release = await this.#limit.acquire(options.signal);
    if (release === undefined) return this.#notRun(command, wrapped.command, started);
    let run: ChannelRunResult;
    try {
      this.#assertOpen();
      run = await runOnChannel(this.#settings.client, wrapped.command, {
        ...(wrapped.stdin !== undefined ? { stdin: wrapped.stdin } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        outputLimitBytes: this.#settings.outputLimitBytes,
      });
    } catch (error) {
      throw this.#lostError(error);
    } finally {
      release();
    }
    if (run.exitCode === null && run.exitSignal === undefined && !run.timedOut && !run.aborted) throw this.#lostError();
    const refusal = become ? detectSudoRefusal(run.exitCode, run.stderr) : undefined;
    if (refusal) throw new HostError('auth-failed', describeSudoRefusal(refusal, this.host));
    const mask = (text: string): string => maskSecrets(text, this.secrets);
    return {
      command,
      remoteCommand: wrapped.command,
      exitCode: run.exitCode,
      ...(run.exitSignal ? { exitSignal: run.exitSignal } : {}),
      stdout: mask(run.stdout),
      stderr: mask(run.stderr),
      timedOut: run.timedOut,
      aborted: run.aborted,
      durationMs: Date.now() - started,
      ...(run.stdoutTruncated ? { stdoutTruncated: true } : {}),
      ...(run.stderrTruncated ? { stderrTruncated: true } : {}),
    };
  }

  /**
   * A TCP stream to host:port opened by the remote sshd (direct-tcpip), i.e. from the host's own
   * network. Not counted against maxChannels: sshd's MaxSessions limits sessions, not forwards.
   */
  async forwardOut(host: string, port: number): Promise<Duplex> {
    this.#assertOpen();
    return openForward(this.#settings.client, host, port);
  }

  /**
   * A stream to a Unix socket on the host (OpenSSH's direct-streamlocal), as the LOGIN user; absent
   * on a become host (a daemon's socket is root's; going through sudo is what exec is for). Like
   * forwardOut, not a session, so not counted against maxChannels.
   */
  readonly openUnixSocket?: (path: string) => Promise<Duplex>;

  /**
   * Copies a remote file here. A direct login uses SFTP; a become host streams `sudo cat` over an
   * exec channel instead, so a root-only file (a backup holding keys) never has to be chowned or
   * made readable to the login user. Bytes are written unaltered (no masking, no output cap).
   */
  async fetchFile(remotePath: string, localPath: string, options: TransferOptions = {}): Promise<{ bytes: number }> {
    const release = await this.#limit.acquire(options.signal);
    if (release === undefined) throw new Error('transfer aborted');
    try {
      this.#assertOpen();
      if (!needsSudo(this.host)) return { bytes: await sftpDownload(this.#settings.client, remotePath, localPath, options) };
      const password = this.#settings.becomePassword;
      const wrapped = wrapCommand(`cat -- ${shellQuote(remotePath)}`, { enabled: true, ...(password !== undefined ? { password } : {}) });
      const run = await streamToFile(this.#settings.client, wrapped, localPath, options);
      if (run.exitCode !== 0) await rm(localPath, { force: true });
      const refusal = detectSudoRefusal(run.exitCode, run.stderr);
      if (refusal) throw new HostError('auth-failed', describeSudoRefusal(refusal, this.host));
      if (run.exitCode !== 0) {
        throw new Error(`cat ${remotePath} exited ${run.exitCode ?? 'without a status'}: ${maskSecrets(run.stderr.trim(), this.secrets) || 'no message'}`);
      }
      return { bytes: run.bytes };
    } finally {
      release();
    }
  }

  /** Ends the SSH connection (a shared bastion connection stays up); idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    const { client } = this.#settings;
    this.#closedByUs = true;
    if (!this.#closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          client.destroy();
          resolve();
        }, 2000);
        client.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        client.end();
      });
    }
    this.#closed = true;
    await this.#settings.onClose?.();
  }

  #assertOpen(): void {
    if (this.#closed) throw this.#lostError();
  }

  #lostError(cause?: unknown): HostError {
    if (this.#closedByUs) return new HostError('unreachable', `connection to ${this.host.user}@${this.host.address}:${this.host.port} is closed`);
    const causeMessage = typeof cause === 'object' && cause !== null && 'message' in cause ? String(cause.message) : undefined;
    const why = this.#lostReason ?? causeMessage ?? 'channel closed without an exit status';
    const target = `${this.host.user}@${this.host.address}:${this.host.port}`;
    return new HostError('unreachable', `connection to ${target} lost: ${why}`, cause === undefined ? undefined : { cause });
  }

  #notRun(command: string, remoteCommand: string, started: number): SshExecResult {
    const durationMs = Date.now() - started;
    return { command, remoteCommand, exitCode: null, stdout: '', stderr: '', timedOut: false, aborted: true, durationMs };
  }
}
