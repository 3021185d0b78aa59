// The docker listings read from the Engine API (the host's /var/run/docker.sock through the SSH
// connection) instead of three docker CLI processes on the host (≈ 35–60 ms of CPU each). Pure:
// which requests, and how their JSON becomes exactly the section text the CLI would have printed,
// so one parser (docker.ts) reads both and the plan cannot depend on how the data came.
import { parseFail } from '../probe/section.js';
import type { JsonRecord } from './json-lines.js';

export const DOCKER_SOCKET = '/var/run/docker.sock';

/** Unversioned paths: every Engine API version answers them. */
export const DOCKER_API_PATHS = {
  'docker-containers': '/containers/json?all=1',
  'docker-volumes': '/volumes',
  'docker-images': '/images/json',
} as const;

export type DockerListingSection = keyof typeof DOCKER_API_PATHS;

/** The path to inspect one container (for its configured image name, see listedImageIsAnId). */
export function inspectPath(id: string): string {
  return `/containers/${encodeURIComponent(id)}/json`;
}

function record(section: string, value: unknown, what: string): JsonRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return parseFail(section, `the Engine API answered ${what} that is not an object`);
  return value as JsonRecord;
}

function list(section: string, value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) return parseFail(section, `the Engine API answered ${what} that is not an array`);
  return value;
}

function text(section: string, value: JsonRecord, key: string): string {
  const field = value[key];
  if (typeof field !== 'string') return parseFail(section, `the Engine API gave no string ${key}`);
  return field;
}

/**
 * The container list shows the image ID instead of the name it was created from once that name
 * points elsewhere (re-pulled, re-tagged, removed); `docker container inspect`'s Config.Image keeps
 * the name, and ownership reads it (rancher/ images), so such containers are inspected one by one.
 */
export function listedImageIsAnId(image: string, imageId: string): boolean {
  const hex = image.replace(/^sha256:/, '');
  return /^[0-9a-f]{12,64}$/.test(hex) && imageId.replace(/^sha256:/, '').startsWith(hex);
}

/** Config.Image from one container's inspect answer. */
export function configuredImage(body: unknown): string {
  const config = record('docker-containers', record('docker-containers', body, 'a container').Config, 'a container Config');
  return text('docker-containers', config, 'Image');
}

export interface ListedContainer {
  id: string;
  /** The JSON line docker-containers would hold (the CLI's inspect template), image as listed. */
  line: Record<string, unknown>;
  /** True when the listed image is an ID and Config.Image must be read (listedImageIsAnId). */
  needsImageName: boolean;
}

/** GET /containers/json?all=1 → one entry per container, in the CLI template's shape. */
export function listedContainers(body: unknown): ListedContainer[] {
  const section = 'docker-containers';
  return list(section, body, 'a container list').map((item) => {
    const c = record(section, item, 'a container');
    const id = text(section, c, 'Id');
    const names = list(section, c.Names ?? [], 'Names').map((n) => (typeof n === 'string' ? n : parseFail(section, 'a container name is not a string')));
    // Names also lists legacy link aliases (`/web/db`); the container's own name has one slash.
    const name = names.find((n) => /^\/[^/]+$/.test(n)) ?? names[0] ?? '';
    const image = text(section, c, 'Image');
    const imageId = typeof c.ImageID === 'string' ? c.ImageID : '';
    return {
      id,
      line: { ID: id, Name: name, Image: image, State: text(section, c, 'State'), Labels: c.Labels ?? null, Mounts: c.Mounts ?? null },
      needsImageName: listedImageIsAnId(image, imageId),
    };
  });
}

export function jsonLines(lines: readonly unknown[]): string {
  return lines.map((line) => `${JSON.stringify(line)}\n`).join('');
}

/** GET /volumes → docker-volumes lines, by name (the daemon's order follows a map: the plan's should
 * not); labels stay an object (the CLI joins them with commas). */
export function volumeLines(body: unknown): string {
  const section = 'docker-volumes';
  const volumes = record(section, body, 'a volume list').Volumes ?? [];
  const lines = list(section, volumes, 'Volumes').map((item) => {
    const v = record(section, item, 'a volume');
    return { Name: text(section, v, 'Name'), Driver: text(section, v, 'Driver'), Labels: v.Labels ?? {} };
  });
  return jsonLines(lines.sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0)));
}

/** GET /images/json → docker-images lines, one per `repo:tag` as `docker images` prints them. */
export function imageLines(body: unknown): string {
  const section = 'docker-images';
  return jsonLines(
    list(section, body, 'an image list').flatMap((item) => {
      const image = record(section, item, 'an image');
      const id = text(section, image, 'Id');
      const strings = (key: string): string[] => list(section, image[key] ?? [], key).filter((t): t is string => typeof t === 'string');
      const tags = strings('RepoTags').filter((t) => t !== '<none>:<none>');
      if (tags.length > 0) return tags.map((tag) => ({ ID: id, ...splitReference(tag) }));
      // Untagged: the CLI shows the repository of each digest with tag <none>, else <none> <none>.
      const digests = strings('RepoDigests').filter((d) => d !== '<none>@<none>');
      const repos = [...new Set(digests.map((d) => d.slice(0, d.indexOf('@'))))].filter((r) => r !== '');
      return repos.length > 0 ? repos.map((Repository) => ({ ID: id, Repository, Tag: '<none>' })) : [{ ID: id, Repository: '<none>', Tag: '<none>' }];
    }),
  );
}

/** `registry:5000/team/app:v1` → repository and tag (the tag follows the last colon after the last slash). */
export function splitReference(reference: string): { Repository: string; Tag: string } {
  const colon = reference.lastIndexOf(':');
  if (colon <= reference.lastIndexOf('/')) return { Repository: reference, Tag: '<none>' };
  return { Repository: reference.slice(0, colon), Tag: reference.slice(colon + 1) };
}
