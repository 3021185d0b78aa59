// Docker: installed? then containers, volumes and images in JSON-per-line form. The container
// listing is also the daemon check: no separate `docker info`, because every docker CLI process
// costs ≈ 35 ms of the host's CPU before it talks to the daemon (most of the probe's cost; see
// BENCHMARKS.md). A dead daemon is a fact (bounded by `timeout`), not a hang: the listing fails and
// the other two are skipped.
import { bodyLines, firstErrorLine, parseFail, parseKeyValues, parseYesNo, type FactDefinition, type SectionOutput, type SectionReader } from '../probe/section.js';
import { optionalStringField, parseJsonLines, stringField } from './json-lines.js';
import type { DockerContainer, DockerFacts, DockerImage, DockerVolume } from './types.js';

// A paused container is frozen: it re-creates nothing and `docker rm -f` removes it, so it is not
// one to stop first (stopping a frozen container can fail and would block the host).
const RUNNING_STATES = ['running', 'restarting'];

function parseContainers(text: string): DockerContainer[] {
  return parseJsonLines('docker-containers', text).map((record, i) => {
    const id = stringField('docker-containers', record, 'ID', i + 1);
    if (!/^[0-9a-f]{64}$/.test(id)) parseFail('docker-containers', `container id is not 64 hex digits: ${JSON.stringify(id.slice(0, 80))}`, i + 1);
    const status = stringField('docker-containers', record, 'Status', i + 1);
    // `.State` exists since docker 20.10; before it, "Up …" in Status means running.
    const legacy = status.includes('(Paused)') ? 'paused' : status.startsWith('Up') ? 'running' : 'exited';
    const state = optionalStringField('docker-containers', record, 'State', i + 1) ?? legacy;
    if (!/^[a-z]+$/.test(state)) parseFail('docker-containers', `unknown container state ${JSON.stringify(state.slice(0, 40))}`, i + 1);
    const names = stringField('docker-containers', record, 'Names', i + 1);
    return {
      id,
      names: names === '' ? [] : names.split(','),
      image: stringField('docker-containers', record, 'Image', i + 1),
      state,
      running: RUNNING_STATES.includes(state),
    };
  });
}

function parseVolumes(text: string): DockerVolume[] {
  return parseJsonLines('docker-volumes', text).map((record, i) => ({
    name: stringField('docker-volumes', record, 'Name', i + 1),
    driver: stringField('docker-volumes', record, 'Driver', i + 1),
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

const LIST_TIMEOUT_S = 15;

/** A list section that failed after `docker ps` answered still means the daemon is not usable. */
function listOutput(read: SectionReader, id: string): { ok: true; text: string } | { ok: false; error: string } {
  const output = read.get(id);
  if (output.status === 0) return { ok: true, text: output.stdout };
  if (output.status === 'skipped') return parseFail(id, 'skipped although docker ps answered');
  return { ok: false, error: `${id.replace('docker-', 'docker listing ')} failed: ${firstErrorLine(output)}` };
}

export const dockerFact: FactDefinition<DockerFacts> = {
  sections: [
    {
      id: 'docker-cli',
      script: `if __ns_has docker; then echo 'cli yes'; else echo 'cli no'; fi
if [ -S /var/run/docker.sock ]; then echo 'socket yes'; else echo 'socket no'; fi
__ns_has docker || exit 127`,
      after: '__ns_docker_rc=$__ns_rc',
    },
    {
      id: 'docker-containers',
      runIf: '[ "$__ns_docker_rc" = 0 ]',
      script: `__ns_t ${LIST_TIMEOUT_S} docker ps -a --no-trunc --format '{{json .}}'`,
      after: '__ns_docker_rc=$__ns_rc', // a skipped listing leaves docker-cli's non-zero status
    },
    { id: 'docker-volumes', runIf: '[ "$__ns_docker_rc" = 0 ]', script: `__ns_t ${LIST_TIMEOUT_S} docker volume ls --format '{{json .}}'` },
    { id: 'docker-images', runIf: '[ "$__ns_docker_rc" = 0 ]', script: `__ns_t ${LIST_TIMEOUT_S} docker images --no-trunc --format '{{json .}}'` },
  ],
  parse(read) {
    const cliSection = read.get('docker-cli');
    const lines = bodyLines(cliSection.stdout);
    const header = parseKeyValues('docker-cli', lines, ['cli', 'socket']);
    const cli = parseYesNo('docker-cli', 'cli', header.get('cli') ?? '');
    const socket = parseYesNo('docker-cli', 'socket', header.get('socket') ?? '');
    if (!cli) return socket ? { status: 'unreachable', error: '/var/run/docker.sock exists but the docker CLI is not installed' } : { status: 'absent' };
    if (cliSection.status !== 0) parseFail('docker-cli', `status ${cliSection.status} although the docker CLI is installed`);
    const listing = read.get('docker-containers');
    if (listing.status === 'skipped') parseFail('docker-containers', 'skipped although the docker CLI is installed');
    if (listing.status !== 0) {
      const why = listing.status === 124 ? `docker ps timed out after ${LIST_TIMEOUT_S}s` : daemonErrorLine(listing);
      return { status: 'unreachable', error: `docker is installed but the daemon does not answer: ${why}` };
    }
    const volumes = listOutput(read, 'docker-volumes');
    const images = listOutput(read, 'docker-images');
    for (const list of [volumes, images]) if (!list.ok) return { status: 'unreachable', error: list.error };
    return {
      status: 'ok',
      containers: parseContainers(listing.stdout),
      volumes: volumes.ok ? parseVolumes(volumes.text) : [],
      images: images.ok ? parseImages(images.text) : [],
    };
  },
};

/** docker's own "Cannot connect…" / "Error response…" line beats a template error it prints first. */
function daemonErrorLine(output: SectionOutput): string {
  const lines = `${output.stderr}\n${output.stdout}`.split('\n').map((l) => l.trim());
  return lines.find((l) => /cannot connect|error response|is the docker daemon running|permission denied/i.test(l)) ?? firstErrorLine(output);
}
