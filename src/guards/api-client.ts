// One HTTPS GET to a Kubernetes API server over a stream we open ourselves (an SSH tunnel from the
// host, or a plain socket from here): TLS verified against the kubeconfig's CA, bounded in time.
import { request, type IncomingMessage } from 'node:http';
import { connect as netConnect, isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { withinBounds } from '../transport/deadline.js';
import type { ApiTarget } from './kubeconfig.js';

/** Opens the byte stream the TLS session runs over. */
export type OpenStream = (host: string, port: number) => Promise<Duplex>;

export interface ApiResponse {
  status: number;
  /** Parsed JSON, or undefined when the body was not JSON. */
  body: unknown;
  /** The server's `Date` header (ms): heartbeat ages are measured on the server's clock. */
  serverDate?: number;
}

/** The API server could not be asked (connect, TLS, timeout): `code` is socket/TLS-style. */
export class ApiUnreachable extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

const MAX_BODY_BYTES = 8 * 1024 * 1024; // a page of the node list (200 nodes) fits
const ignore = (): void => undefined;

/** A direct TCP connection from this machine (for --kubeconfig). */
export const openDirect: OpenStream = (host, port) =>
  new Promise((resolve, reject) => {
    const socket = netConnect(port, host);
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });

/** GET `path`; never hangs longer than timeoutMs; rejects only with ApiUnreachable. */
export async function apiGet(target: ApiTarget, path: string, open: OpenStream, options: { timeoutMs: number; signal?: AbortSignal }): Promise<ApiResponse> {
  const sockets: Duplex[] = [];
  const exchange = async (isOver: () => boolean): Promise<ApiResponse> => {
    const raw = await open(target.host, target.port);
    if (isOver()) raw.destroy(); // opened after the deadline: nobody will close it otherwise
    raw.on('error', ignore); // a late error after we gave up must not crash the run
    sockets.push(raw);
    const tls = await startTls(raw, target);
    tls.on('error', ignore);
    sockets.push(tls);
    return await sendGet(tls, target, path);
  };
  const failure = (code: 'ETIMEDOUT' | 'ABORTED') => new ApiUnreachable(code, code === 'ETIMEDOUT' ? `no answer within ${options.timeoutMs / 1000}s` : 'interrupted');
  try {
    return await withinBounds(exchange, options, failure, () => sockets.reverse().forEach((socket) => socket.destroy()));
  } catch (error) {
    throw toUnreachable(error);
  }
}

function startTls(raw: Duplex, target: ApiTarget): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      socket: raw,
      // SNI must not be an IP; the identity check then uses `host` (IP SANs).
      ...(isIP(target.serverName) ? {} : { servername: target.serverName }),
      host: target.serverName,
      ...(target.ca !== undefined ? { ca: target.ca } : {}),
      ...(target.cert !== undefined ? { cert: target.cert } : {}),
      ...(target.key !== undefined ? { key: target.key } : {}),
      rejectUnauthorized: !target.insecureSkipTlsVerify,
      ALPNProtocols: ['http/1.1'],
    });
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
    raw.once('error', reject);
  });
}

function sendGet(socket: TLSSocket, target: ApiTarget, path: string): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        createConnection: () => socket,
        method: 'GET',
        path,
        headers: {
          host: target.server.replace(/^https:\/\//, ''),
          accept: 'application/json',
          'user-agent': 'nodescrub (live-node guard)',
          ...(target.token !== undefined ? { authorization: `Bearer ${target.token}` } : {}),
        },
      },
      (res) => readBody(res).then(resolve, reject),
    );
    req.once('error', reject);
    req.end();
  });
}

function readBody(res: IncomingMessage): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    res.once('error', reject);
    res.once('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      const date = res.headers.date ? Date.parse(res.headers.date) : NaN;
      resolve({ status: res.statusCode ?? 0, body, ...(Number.isNaN(date) ? {} : { serverDate: date }) });
    });
  });
}

function toUnreachable(error: unknown): ApiUnreachable {
  if (error instanceof ApiUnreachable) return error;
  const err = error as NodeJS.ErrnoException;
  const code = typeof err?.code === 'string' ? err.code : 'EFAILED';
  return new ApiUnreachable(code, err?.message ?? String(error));
}
