// Docker: installed? then containers, volumes and images. Every docker CLI process costs ≈ 35 ms of
// the host's CPU before it talks to the daemon (most of the probe's cost; see BENCHMARKS.md), so:
// the container id listing is also the daemon check (no separate `docker info`), and the one
// `docker container inspect` over all ids runs only when there are containers. A dead daemon is a
// fact (bounded by `timeout`), not a hang: the listing fails and the other two are skipped.
//
// Why inspect and not `docker ps --format '{{json .}}'`: ps prints Labels and Mounts as strings
// joined with commas, and both may hold commas (dockershim's `annotation.io.kubernetes.*` label
// values are JSON; a bind path may be `/srv/a,b`), so which container uses which volume, and which
// labels it carries, could not be read back exactly — and that decides what may be removed.
import { ok, fail, type Result } from '../../errors.js';
import { bodyLines, firstErrorLine, noAnswer, parseFail, TIMED_OUT, parseKeyValues, parseYesNo, type FactDefinition, type SectionOutput, type SectionReader } from '../probe/section.js';
import { DOCKER_API_PATHS, DOCKER_SOCKET } from './docker-api.js';
import { parseJsonLines, stringField, type JsonRecord } from './json-lines.js';

export interface DockerContainer {
  /** Full 64-hex id. */
  id: string;
  names: string[];
  image: string;
  /** `running`, `exited`, `created`, `paused`, `restarting`, `dead`, … */
  state: string;
  /** Running or restarting: something to stop first (a paused one is frozen and is not). */
  running: boolean;
  /** `Config.Labels` (the image's labels included): evidence of who made it (src/recipe/ownership.ts). */
  labels: Record<string, string>;
  /** Names of the docker volumes it mounts, in mount order (bind and tmpfs mounts are not volumes). */
  volumes: string[];
}

export interface DockerVolume {
  name: string;
  driver: string;
  /** Its labels; null when `docker volume ls` printed a label list that cannot be split unambiguously
   * (docker joins `key=value` pairs with commas and a value may hold commas). */
  labels: Record<string, string> | null;
}

export interface DockerImage {
  /** `sha256:<64 hex>`. */
  id: string;
  /** `repo:tag` references (none for a dangling image). */
  tags: string[];
}

export type DockerFacts =
  | { status: 'absent' }
  | { status: 'unreachable'; error: string }
  | { status: 'ok'; containers: DockerContainer[]; volumes: DockerVolume[]; images: DockerImage[] };

// A paused container is frozen: it re-creates nothing and `docker rm -f` removes it, so it is not
// one to stop first (stopping a frozen container can fail and would block the host).
const RUNNING_STATES = ['running', 'restarting'];

/** One JSON object per container; only what the plan needs (never Env: it holds the agent's token). */
const INSPECT_TEMPLATE =
  '{"ID":{{json .Id}},"Name":{{json .Name}},"Image":{{json .Config.Image}},"State":{{json .State.Status}},' +
  '"Labels":{{json .Config.Labels}},"Mounts":{{json .Mounts}}}';

/** A container removed between `docker ps` and `docker container inspect` (kubelet's garbage
 * collection) is simply gone: docker prints this per missing id and exits 1. */
const VANISHED = /^Error: No such container: [0-9a-f]{64}$/;

function parseLabels(section: string, value: unknown, line: number): Record<string, string> {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) return parseFail(section, 'Labels is not an object', line);
  const labels: Record<string, string> = {};
  for (const [key, text] of Object.entries(value as JsonRecord)) {
    if (typeof text !== 'string') return parseFail(section, `label ${JSON.stringify(key.slice(0, 80))} is not a string`, line);
    labels[key] = text;
  }
  return labels;
}

/** The names of the volume mounts; bind and tmpfs mounts are checked for shape and skipped. */
function parseMountedVolumes(section: string, value: unknown, line: number): string[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) return parseFail(section, 'Mounts is not an array', line);
  return value.flatMap((mount: unknown) => {
    if (typeof mount !== 'object' || mount === null || Array.isArray(mount)) return parseFail(section, 'a mount is not an object', line);
    const type = stringField(section, mount as JsonRecord, 'Type', line);
    return type === 'volume' ? [stringField(section, mount as JsonRecord, 'Name', line)] : [];
  });
}

function parseContainers(text: string): DockerContainer[] {
  const section = 'docker-containers';
  return parseJsonLines(section, text).map((record, i) => {
    const line = i + 1;
    const id = stringField(section, record, 'ID', line);
    if (!/^[0-9a-f]{64}$/.test(id)) parseFail(section, `container id is not 64 hex digits: ${JSON.stringify(id.slice(0, 80))}`, line);
    const state = stringField(section, record, 'State', line);
    if (!/^[a-z]+$/.test(state)) parseFail(section, `unknown container state ${JSON.stringify(state.slice(0, 40))}`, line);
    const name = stringField(section, record, 'Name', line).replace(/^\//, '');
    return {
      id,
      names: name === '' ? [] : [name],
      image: stringField(section, record, 'Image', line),
      state,
      running: RUNNING_STATES.includes(state),
      labels: parseLabels(section, record.Labels, line),
      volumes: parseMountedVolumes(section, record.Mounts, line),
    };
  });
}

/**
 * `docker volume ls` prints a volume's labels as `k=v,k2=v2` (map order). A value may itself hold
 * commas, so the list is only trusted when every comma-separated part is `key=value` with a plain
 * label key; otherwise null (no label evidence at all: the volume is then judged on its users alone).
 * What cannot be caught: a value that itself reads `…,io.kubernetes.x=y` (only written on purpose).
 */
export function parseLabelList(text: string): Record<string, string> | null {
  if (text === '') return {};
  const labels: Record<string, string> = {};
  for (const part of text.split(',')) {
    const match = /^([A-Za-z0-9][A-Za-z0-9._/-]*)=([^=]*)$/.exec(part);
    if (!match || match[1] in labels) return null;
    labels[match[1]] = match[2];
  }
  return labels;
}

function parseVolumes(text: string): DockerVolume[] {
  return parseJsonLines('docker-volumes', text).map((record, i) => ({
    name: stringField('docker-volumes', record, 'Name', i + 1),
    driver: stringField('docker-volumes', record, 'Driver', i + 1),
    // The CLI prints labels joined with commas; the Engine API (docker-api.ts) gives the object.
    labels: typeof record.Labels === 'string' ? parseLabelList(record.Labels) : parseLabels('docker-volumes', record.Labels, i + 1),
  }));
}

/** One entry per image id; every `repo:tag` row of it becomes a tag (`<none>` rows add none). */
function parseImages(text: string): DockerImage[] {
  const images = new Map<string, DockerImage>();
  parseJsonLines('docker-images', text).forEach((record, i) => {
    const id = stringField('docker-images', record, 'ID', i + 1);
    if (!/^sha256:[0-9a-f]{64}$/.test(id)) parseFail('docker-images', `image id is not sha256:<64 hex>: ${JSON.stringify(id.slice(0, 80))}`, i + 1);
    const repository = stringField('docker-images', record, 'Repository', i + 1);
    const tag = stringField('docker-images', record, 'Tag', i + 1);
    const image = images.get(id) ?? { id, tags: [] };
    if (repository !== '<none>') image.tags.push(`${repository}:${tag}`);
    images.set(id, image);
  });
  return [...images.values()];
}

/** Per listing, CLI or API request (the client bounds those, see run/docker-api-probe.ts). */
export const LIST_TIMEOUT_S = 15;

/** How the listings were read: the docker CLI on the host, or the Engine API over the SSH connection. */
type Via = 'cli' | 'api';

/** What a listing is called in a reason: the command the operator would type, or the API request. */
function listingName(id: 'docker-containers' | 'docker-volumes' | 'docker-images', via: Via): string {
  if (via === 'api') return `GET ${DOCKER_API_PATHS[id]} on ${DOCKER_SOCKET}`;
  return { 'docker-containers': 'docker ps', 'docker-volumes': 'docker volume ls', 'docker-images': 'docker images' }[id];
}

/** A list section that failed after the container listing answered still means the daemon is not usable. */
function listOutput(read: SectionReader, id: 'docker-volumes' | 'docker-images', via: Via): Result<string> {
  const output = read.get(id);
  if (output.status === 0) return ok(output.stdout);
  if (output.status === 'skipped') return parseFail(id, 'skipped although the container listing answered');
  const name = listingName(id, via);
  if (output.status === TIMED_OUT) return fail(`docker answers ${listingName('docker-containers', via)}, but ${noAnswer(name, LIST_TIMEOUT_S)}`);
  return fail(`${name} failed: ${firstErrorLine(output)}`);
}

/**
 * Main-shell statement before docker-cli: the listings come from the Engine API when the client
 * offered it, docker is installed with its socket there (a host without them — an RKE2, K3s or
 * kubeadm node on containerd — needs no socket opened and no fallback exec; a docker whose socket is
 * gone gets the CLI's own error) and nothing points the CLI elsewhere (DOCKER_HOST, CLI contexts):
 * then the API is the daemon the cleanup's docker commands reach.
 */
const CHOOSE_VIA = `__ns_docker_via=cli
case " $__ns_offers " in *" docker-api "*) __ns_has docker && [ -S /var/run/docker.sock ] && [ -z "\${DOCKER_HOST-}" ] && [ ! -e "\${HOME:-/}/.docker/contexts" ] && __ns_docker_via=api ;; esac`;

/** The docker-cli section says the script left the listings to the client (the Engine API offer). */
export function listingsLeftToClient(cli: SectionOutput | undefined): boolean {
  return cli?.status !== 'skipped' && bodyLines(cli?.stdout ?? '').includes('via api');
}

/** The sections the client fills when the script left them to it. */
export const DOCKER_LISTINGS = ['docker-containers', 'docker-volumes', 'docker-images'] as const;

export const dockerFact: FactDefinition<DockerFacts> = {
  sections: [
    {
      id: 'docker-cli',
      before: CHOOSE_VIA,
      inline: true,
      script: `if __ns_has docker; then echo 'cli yes'; else echo 'cli no'; fi
if [ -S /var/run/docker.sock ]; then echo 'socket yes'; else echo 'socket no'; fi
echo "via $__ns_docker_via"
__ns_has docker || return 127`,
      after: '__ns_docker_rc=$__ns_rc',
    },
    // With the API the listings are skipped here and filled in by the client (parseProbeOutput).
    {
      id: 'docker-containers',
      runIf: '[ "$__ns_docker_rc" = 0 ] && [ "$__ns_docker_via" = cli ]',
      inline: true,
      // `return` alone keeps the failed listing's status (124 for a timeout).
      script: `__ns_ids=$(__ns_t ${LIST_TIMEOUT_S} docker ps -aq --no-trunc) || return
[ -n "$__ns_ids" ] || return 0
__ns_t ${LIST_TIMEOUT_S} docker container inspect --format '${INSPECT_TEMPLATE}' $__ns_ids`,
      after: '__ns_docker_rc=$__ns_rc', // a skipped listing leaves docker-cli's non-zero status
    },
    { id: 'docker-volumes', inline: true, runIf: '[ "$__ns_docker_rc" = 0 ] && [ "$__ns_docker_via" = cli ]', script: `__ns_t ${LIST_TIMEOUT_S} docker volume ls --format '{{json .}}'` },
    { id: 'docker-images', inline: true, runIf: '[ "$__ns_docker_rc" = 0 ] && [ "$__ns_docker_via" = cli ]', script: `__ns_t ${LIST_TIMEOUT_S} docker images --no-trunc --format '{{json .}}'` },
  ],
  parse(read) {
    const cliSection = read.get('docker-cli');
    // `via` is absent from probes older than the Engine API path (captured fixtures): the CLI.
    const all = bodyLines(cliSection.stdout);
    const viaLine = all.find((l) => l.startsWith('via '));
    const via: Via = viaLine === 'via api' ? 'api' : viaLine === undefined || viaLine === 'via cli' ? 'cli' : parseFail('docker-cli', `unknown ${viaLine}`);
    const lines = all.filter((l) => l !== viaLine);
    const header = parseKeyValues('docker-cli', lines, ['cli', 'socket']);
    const cli = parseYesNo('docker-cli', 'cli', header.get('cli') ?? '');
    const socket = parseYesNo('docker-cli', 'socket', header.get('socket') ?? '');
    if (!cli) return socket ? { status: 'unreachable', error: '/var/run/docker.sock exists but the docker CLI is not installed' } : { status: 'absent' };
    if (cliSection.status !== 0) parseFail('docker-cli', `status ${cliSection.status} although the docker CLI is installed`);
    const listing = read.get('docker-containers');
    if (listing.status === 'skipped') parseFail('docker-containers', via === 'api' ? 'the probe chose the Engine API but no API listing was given' : 'skipped although the docker CLI is installed');
    if (listing.status !== 0 && !onlyVanished(listing)) {
      const what = via === 'cli' ? 'docker ps (or docker container inspect)' : listingName('docker-containers', via);
      const why = listing.status === TIMED_OUT ? noAnswer(what, LIST_TIMEOUT_S) : daemonErrorLine(listing);
      return { status: 'unreachable', error: `docker is installed but the daemon does not answer: ${why}` };
    }
    const volumes = listOutput(read, 'docker-volumes', via);
    const images = listOutput(read, 'docker-images', via);
    for (const list of [volumes, images]) if (!list.ok) return { status: 'unreachable', error: list.error };
    return {
      status: 'ok',
      containers: parseContainers(listing.stdout),
      volumes: volumes.ok ? parseVolumes(volumes.value) : [],
      images: images.ok ? parseImages(images.value) : [],
    };
  },
};

/** Status 1 and nothing on stderr but "No such container" lines: those went, the rest were printed. */
function onlyVanished(output: SectionOutput): boolean {
  const lines = bodyLines(output.stderr.trim());
  return output.status === 1 && lines.length > 0 && lines.every((l) => VANISHED.test(l.trim()));
}

/** docker's own "Cannot connect…" / "Error response…" line beats a template error it prints first. */
function daemonErrorLine(output: SectionOutput): string {
  const lines = `${output.stderr}\n${output.stdout}`.split('\n').map((l) => l.trim());
  return lines.find((l) => /cannot connect|error response|is the docker daemon running|permission denied/i.test(l)) ?? firstErrorLine(output);
}
