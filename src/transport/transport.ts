// What a transport must provide, nothing else (as pyinfra's connectors/base.py): everything above
// src/transport/ talks to a host through these types; src/ssh/ implements them with ssh2.
import type { Duplex } from 'node:stream';
import type { HostSpec } from '../inventory/types.js';

export interface ExecOptions {
  /** Written to the remote command's stdin, then stdin is closed. */
  stdin?: string;
  /** Kill the remote command (signal + channel close) after this long; the result has timedOut. */
  timeoutMs?: number;
  /** Abort a running command the same way as a timeout; the result has aborted. */
  signal?: AbortSignal;
}

/** Flat result, execa-style: a failed command is a result, not an exception. */
export interface ExecResult {
  command: string;
  exitCode: number | null;
  /** Remote signal name when the command died from one. */
  exitSignal?: string;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
}

/** Cancellation for a long transfer: a stalled or unwanted copy ends, the partial file is removed. */
export interface TransferOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** One open connection to one host, reused for every command sent to it. */
export interface Transport {
  /** Runs `command` through the remote user's shell (wrapped in sudo when the host has become). */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Closes the connection (and nothing else: a shared jump connection stays up). */
  close(): Promise<void>;
  /**
   * A TCP stream to `host:port` as seen FROM the remote host (SSH direct-tcpip): asks a service on
   * the host's own network. Optional: transports without it make callers say they could not ask.
   */
  forwardOut?(host: string, port: number): Promise<Duplex>;
  /**
   * A stream to a Unix socket on the host, opened by the remote sshd as the login user (OpenSSH's
   * direct-streamlocal): talks to a daemon's API without starting a process there. Optional.
   */
  openUnixSocket?(path: string): Promise<Duplex>;
  /** Copies a remote file to `localPath` (readable by root on a become host), byte for byte. */
  fetchFile?(remotePath: string, localPath: string, options?: TransferOptions): Promise<{ bytes: number }>;
}

/** Opens the one connection a host run uses; a transport folder (src/ssh/) provides it. */
export type ConnectFn = (host: HostSpec, signal: AbortSignal) => Promise<Transport>;
