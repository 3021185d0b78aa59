// The probe's docker listings through the Engine API: the host's /var/run/docker.sock opened by its
// sshd (direct-streamlocal), one channel per request, all opened together with the probe's own exec
// channel — no docker CLI process on the host and no round trip added. The probe script is told up
// front (the `docker-api` offer) to leave the listings to this; if the socket cannot be opened (a sshd
// that forbids forwarding, no socket, no permission) the listings come from the CLI in a second exec
// (runProbe in remote.ts), so only such hosts pay for it.
import type { Duplex } from 'node:stream';
import { configuredImage, DOCKER_API_PATHS, DOCKER_SOCKET, imageLines, inspectPath, jsonLines, listedContainers, volumeLines, type DockerListingSection } from '../recipe/facts/docker-api.js';
import { LIST_TIMEOUT_S } from '../recipe/facts/docker.js';
import { TIMED_OUT, type SectionOutput } from '../recipe/probe/section.js';
import { getOverSocket, SocketGetFailed, type SocketResponse } from '../transport/socket-http.js';
import type { Transport } from '../transport/transport.js';

/** The word in the probe script's offers that makes it leave the docker listings to the client. */
export const DOCKER_API_OFFER = 'docker-api';

export interface ApiListing {
  output: SectionOutput;
  durationMs: number;
}

/**
 * The listings by section id with how long each took, or `unavailable` with why when the socket
 * could not be opened. Rejects only with a ProbeParseError: an answer not of the Engine API's shape.
 */
export type DockerApiListings = { available: true; listings: Map<DockerListingSection, ApiListing> } | { available: false; why: string };

/** Starts reading the docker listings over the socket; undefined when the transport cannot open one. */
export function readDockerApi(transport: Transport, signal: AbortSignal, timeoutMs = LIST_TIMEOUT_S * 1000): Promise<DockerApiListings> | undefined {
  const openSocket = transport.openUnixSocket?.bind(transport);
  if (!openSocket) return undefined;
  let openFailure: string | undefined;
  const open = (): Promise<Duplex> =>
    openSocket(DOCKER_SOCKET).catch((error: unknown) => {
      openFailure ??= (error as Error).message;
      throw error;
    });
  const get = (path: string) => getOverSocket(open, path, { timeoutMs, signal });
  const ids = Object.keys(DOCKER_API_PATHS) as DockerListingSection[];
  const timed = async (id: DockerListingSection): Promise<ApiListing> => {
    const started = Date.now();
    const output = await listing(id, get);
    return { output, durationMs: Date.now() - started };
  };
  const reading = Promise.all(ids.map(timed)).then((outputs): DockerApiListings => {
    if (openFailure !== undefined) return { available: false, why: openFailure };
    return { available: true, listings: new Map(ids.map((id, i) => [id, outputs[i]])) };
  });
  reading.catch(() => undefined); // awaited by the caller, unless the probe's exec failed first
  return reading;
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
