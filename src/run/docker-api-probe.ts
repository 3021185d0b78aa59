// The probe's docker listings through the Engine API: the host's /var/run/docker.sock opened by its
// sshd (direct-streamlocal) while the probe script starts, one channel per request, all at once —
// no docker CLI process on the host and no round trip added. The script learns on its stdin whether
// the socket opened (the `docker-api` offer); when it did not (a become host, a sshd that forbids
// forwarding, no socket, no permission) the script lists with the CLI as before.
import type { Duplex } from 'node:stream';
import { configuredImage, DOCKER_API_PATHS, DOCKER_SOCKET, imageLines, inspectPath, jsonLines, listedContainers, volumeLines, type DockerListingSection } from '../recipe/facts/docker-api.js';
import { LIST_TIMEOUT_S } from '../recipe/facts/docker.js';
import { TIMED_OUT, type SectionOutput } from '../recipe/probe/section.js';
import { getOverSocket, SocketGetFailed, type SocketResponse } from '../transport/socket-http.js';
import type { Transport } from '../transport/transport.js';

export const DOCKER_API_OFFER = 'docker-api';

export interface ApiListing {
  output: SectionOutput;
  durationMs: number;
}

export interface DockerApiReading {
  /** The stdin line for the probe script: `docker-api` once the socket opened, else empty. */
  offers: Promise<string>;
  /** The listings as section outputs with how long each took (empty when the socket did not open).
   * Rejects only with a ProbeParseError: an answer that is not the Engine API's shape. */
  sections: Promise<Map<string, ApiListing>>;
}

/** Starts reading the docker listings over the socket; undefined when the transport cannot open one. */
export function readDockerApi(transport: Transport, signal: AbortSignal, timeoutMs = LIST_TIMEOUT_S * 1000): DockerApiReading | undefined {
  if (!transport.openUnixSocket) return undefined;
  const open = (): Promise<Duplex> => transport.openUnixSocket!(DOCKER_SOCKET);
  const first = open();
  first.catch(() => undefined);
  const opened = first.then(
    () => true,
    () => false,
  );
  const sections = opened.then(async (ok) => {
    if (!ok) return new Map<string, ApiListing>();
    // The stream already open serves the container list; the others open their own, concurrently.
    let reuse: Promise<Duplex> | undefined = first;
    const openOnce = (): Promise<Duplex> => {
      const stream = reuse ?? open();
      reuse = undefined;
      return stream;
    };
    const get = (path: string) => getOverSocket(openOnce, path, { timeoutMs, signal });
    const ids = Object.keys(DOCKER_API_PATHS) as DockerListingSection[];
    const timed = async (id: DockerListingSection): Promise<ApiListing> => {
      const started = Date.now();
      const output = await listing(id, get);
      return { output, durationMs: Date.now() - started };
    };
    const outputs = await Promise.all(ids.map(timed));
    return new Map(ids.map((id, i) => [id, outputs[i]]));
  });
  sections.catch(() => undefined); // awaited by the caller, unless the probe's exec failed first
  return { offers: opened.then((ok) => (ok ? DOCKER_API_OFFER : '') + '\n'), sections };
}

/** `GET <path> on /var/run/docker.sock` for a listing section, as reasons and the record name it. */
export function dockerApiRequest(id: string): string {
  return `GET ${DOCKER_API_PATHS[id as DockerListingSection] ?? id} on ${DOCKER_SOCKET}`;
}

type Get = (path: string) => Promise<SocketResponse>;

async function listing(id: DockerListingSection, get: Get): Promise<SectionOutput> {
  try {
    const body = await answer(get, DOCKER_API_PATHS[id]);
    if (id === 'docker-volumes') return { status: 0, stdout: volumeLines(body), stderr: '' };
    if (id === 'docker-images') return { status: 0, stdout: imageLines(body), stderr: '' };
    return { status: 0, stdout: await containerLines(body, get), stderr: '' };
  } catch (error) {
    if (error instanceof SocketGetFailed) {
      if (error.code === 'ETIMEDOUT') return { status: TIMED_OUT, stdout: '', stderr: error.message };
      // Worded as the CLI words it, so one reason reads the same whichever way the host was asked.
      return { status: 1, stdout: '', stderr: `Cannot connect to the Docker daemon at unix://${DOCKER_SOCKET}: ${error.message}` };
    }
    if (error instanceof DaemonError) return { status: 1, stdout: '', stderr: error.message };
    throw error; // a malformed answer: ProbeParseError, the host's probe fails (fail closed)
  }
}

class DaemonError extends Error {}

/** The JSON body of a 200 answer; the daemon's own message otherwise (`Error response from daemon: …`). */
async function answer(get: Get, path: string): Promise<unknown> {
  const response = await get(path);
  if (response.status === 200) return response.body;
  const message = typeof (response.body as { message?: unknown } | undefined)?.message === 'string' ? (response.body as { message: string }).message : `HTTP ${response.status}`;
  throw new DaemonError(`Error response from daemon: ${message}`);
}

/** Container lines; those listed under an image ID get Config.Image from their inspect (docker-api.ts). */
async function containerLines(body: unknown, get: Get): Promise<string> {
  const containers = listedContainers(body);
  await Promise.all(
    containers
      .filter((c) => c.needsImageName)
      .map(async (c) => {
        try {
          c.line.Image = configuredImage(await answer(get, inspectPath(c.id)));
        } catch (error) {
          // Removed since the list (kubelet's garbage collection): gone, as the CLI path treats it.
          if (error instanceof DaemonError && /no such container/i.test(error.message)) c.line.Image = '';
          else throw error;
        }
      }),
  );
  return jsonLines(containers.filter((c) => c.line.Image !== '').map((c) => c.line));
}
