// Port forwarding and file copy over one ssh2 client. A copy from a direct login uses SFTP; from a
// become host it streams `sudo cat` over an exec channel, so the file stays root-only on the host.
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { openExecChannel, sendChannelSignal } from './exec.js';
import type { ClientChannel, SFTPWrapper, SshClient } from './ssh2.js';
import type { TransferOptions } from '../transport/transport.js';

/** ssh2's open-failure reasons (RFC 4254 §5.1) and what a socket would have said instead. */
const OPEN_FAILURE_CODES: Record<number, string> = { 1: 'EFORWARDPROHIBITED', 2: 'ECONNREFUSED', 3: 'EFORWARDUNSUPPORTED', 4: 'ERESOURCE' };

/** A direct-tcpip channel from the remote side to host:port; failures carry a socket-like `code`. */
export function openForward(client: SshClient, host: string, port: number): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    try {
      client.forwardOut('127.0.0.1', 0, host, port, (error, channel) => (error ? reject(describeForwardFailure(error, host, port)) : resolve(channel)));
    } catch (error) {
      reject(error);
    }
  });
}

/** A direct-streamlocal channel to a Unix socket on the host, opened as the login user. */
export function openStreamLocal(client: SshClient, path: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    try {
      client.openssh_forwardOutStreamLocal(path, (error, channel) => (error ? reject(describeStreamLocalFailure(error, path)) : resolve(channel)));
    } catch (error) {
      reject(error);
    }
  });
}

function describeStreamLocalFailure(error: Error & { reason?: unknown }, path: string): Error {
  const description = error.message.replace(/^\(SSH\) Channel open failure: /, '');
  const code = (typeof error.reason === 'number' ? OPEN_FAILURE_CODES[error.reason] : undefined) ?? 'EFORWARD';
  return Object.assign(new Error(`opening ${path} through the host's sshd failed: ${description}`, { cause: error }), { code });
}

function describeForwardFailure(error: Error & { reason?: unknown }, host: string, port: number): Error {
  const description = error.message.replace(/^\(SSH\) Channel open failure: /, '');
  const byText = /refused/i.test(description) ? 'ECONNREFUSED' : /no route/i.test(description) ? 'EHOSTUNREACH' : /timed out/i.test(description) ? 'ETIMEDOUT' : undefined;
  const code = byText ?? (typeof error.reason === 'number' ? OPEN_FAILURE_CODES[error.reason] : undefined) ?? 'EFORWARD';
  const why = code === 'EFORWARDPROHIBITED' ? `the host's sshd refused port forwarding (${description})` : description;
  return Object.assign(new Error(`connecting to ${host}:${port} from the host failed: ${why}`, { cause: error }), { code });
}

/** SFTP download (parallel reads); the file as the login user sees it. Returns the bytes written. */
export async function sftpDownload(client: SshClient, remotePath: string, localPath: string, options: TransferOptions): Promise<number> {
  const sftp = await new Promise<SFTPWrapper>((resolve, reject) => {
    client.sftp((error, session) => (error ? reject(new Error(`SFTP unavailable: ${error.message}`)) : resolve(session)));
  });
  let bytes = 0;
  try {
    await cancellable(
      new Promise<void>((resolve, reject) => {
        sftp.fastGet(remotePath, localPath, { step: (total) => void (bytes = total) }, (error) =>
          error ? reject(new Error(`SFTP ${remotePath}: ${error.message}`)) : resolve(),
        );
      }),
      () => sftp.end(),
      options,
    );
  } catch (error) {
    await rm(localPath, { force: true });
    throw error;
  } finally {
    sftp.end();
  }
  return bytes;
}

export interface StreamCommand {
  /** The exact line to run (already sudo-wrapped); its stdout is the file. */
  command: string;
  stdin?: string;
}

/** Runs a command whose stdout is written, unaltered, to localPath. Throws with its stderr on failure. */
export async function streamToFile(
  client: SshClient,
  run: StreamCommand,
  localPath: string,
  options: TransferOptions,
): Promise<{ bytes: number; exitCode: number | null; stderr: string }> {
  const channel = await openExecChannel(client, run.command);
  const file = createWriteStream(localPath, { mode: 0o600 });
  let bytes = 0;
  let stderr = '';
  channel.on('data', (chunk: Buffer) => void (bytes += chunk.length));
  channel.stderr.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString('utf8')).slice(-8192)));
  channel.pipe(file);
  const closed = new Promise<number | null>((resolve) => {
    let exitCode: number | null = null;
    channel.on('exit', (code: number | null) => void (exitCode = typeof code === 'number' ? code : null));
    // 'exit' may have fired before this listener (see runOnChannel): 'close' repeats the status.
    channel.on('close', (code?: number | null) => resolve(exitCode ?? (typeof code === 'number' ? code : null)));
  });
  const written = new Promise<void>((resolve, reject) => {
    file.on('close', resolve);
    file.on('error', reject);
  });
  written.catch(() => undefined); // a cancelled copy destroys the file; its error is not news
  channel.end(run.stdin ?? '');
  try {
    const exitCode = await cancellable(closed, () => stopChannel(channel), options);
    await written;
    return { bytes, exitCode, stderr };
  } catch (error) {
    channel.unpipe(file);
    file.destroy();
    await rm(localPath, { force: true });
    throw error;
  }
}

/** TERM first (sudo relays only TERM/HUP/INT to the command; see become.ts), then KILL and close. */
function stopChannel(channel: ClientChannel): void {
  sendChannelSignal(channel, 'TERM');
  setTimeout(() => {
    sendChannelSignal(channel, 'KILL');
    try {
      channel.close();
    } catch {
      // the connection is gone already: nothing left to stop
    }
  }, 500).unref();
}

/** Races a transfer against its timeout and abort signal; `stop` tears the transfer down. */
async function cancellable<T>(work: Promise<T>, stop: () => void, options: TransferOptions): Promise<T> {
  if (options.signal?.aborted) {
    stop();
    throw new Error('transfer aborted');
  }
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const cancelled = new Promise<never>((_, reject) => {
    if (options.timeoutMs !== undefined) {
      timer = setTimeout(() => {
        stop();
        reject(new Error(`transfer timed out after ${Math.round(options.timeoutMs! / 1000)}s`));
      }, options.timeoutMs);
    }
    onAbort = () => {
      stop();
      reject(new Error('transfer aborted'));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, cancelled]);
  } finally {
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
  }
}
