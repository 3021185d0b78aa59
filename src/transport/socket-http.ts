// One plain HTTP/1.1 GET over a stream we open ourselves (a Unix socket on the host, reached through
// the SSH connection): a daemon's API read without starting a process on the host. Bounded in time
// and size; every failure is a SocketGetFailed with a socket-like code, never a hang.
import { request, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { withinBounds } from './deadline.js';

export interface SocketResponse {
  status: number;
  /** Parsed JSON, or undefined when the body was not JSON. */
  body: unknown;
}

export class SocketGetFailed extends Error {
  /** `ETIMEDOUT`, `ABORTED`, `ETOOBIG`, or what opening or reading the stream reported. */
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

export interface SocketGetOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** A larger body is refused, not truncated (default 64 MiB: 10,000 containers with labels fit). */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
const ignore = (): void => undefined;

/** GET `path` on a fresh stream from `open`; the stream is closed afterwards whatever happened. */
export async function getOverSocket(open: () => Promise<Duplex>, path: string, options: SocketGetOptions): Promise<SocketResponse> {
  let stream: Duplex | undefined;
  const exchange = async (isOver: () => boolean): Promise<SocketResponse> => {
    const opened = await open();
    opened.on('error', ignore); // a late error after we gave up must not crash the run
    if (isOver()) opened.destroy();
    stream = opened;
    return await sendGet(opened, path, options.maxBytes ?? DEFAULT_MAX_BYTES);
  };
  const failure = (code: 'ETIMEDOUT' | 'ABORTED') => new SocketGetFailed(code, code === 'ETIMEDOUT' ? `no answer within ${options.timeoutMs / 1000} s` : 'interrupted');
  try {
    return await withinBounds(exchange, options, failure, () => stream?.destroy());
  } catch (error) {
    throw toFailure(error);
  }
}

function sendGet(stream: Duplex, path: string, maxBytes: number): Promise<SocketResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        createConnection: () => stream,
        method: 'GET',
        path,
        // The Docker CLI sends this host name for a Unix socket; the daemon ignores it.
        headers: { host: 'docker', accept: 'application/json', connection: 'close', 'user-agent': 'nodescrub (probe)' },
      },
      (res) => readBody(res, maxBytes).then(resolve, reject),
    );
    req.once('error', reject);
    req.end();
  });
}

function readBody(res: IncomingMessage, maxBytes: number): Promise<SocketResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        res.destroy();
        reject(new SocketGetFailed('ETOOBIG', `the answer is larger than ${Math.round(maxBytes / 1048576)} MiB`));
      } else chunks.push(chunk);
    });
    res.once('error', reject);
    res.once('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      resolve({ status: res.statusCode ?? 0, body });
    });
  });
}

function toFailure(error: unknown): SocketGetFailed {
  if (error instanceof SocketGetFailed) return error;
  const err = error as NodeJS.ErrnoException;
  return new SocketGetFailed(typeof err?.code === 'string' ? err.code : 'EFAILED', err?.message ?? String(error), { cause: error });
}
