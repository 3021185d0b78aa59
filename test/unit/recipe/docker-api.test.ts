// The Engine API path must give the docker fact exactly what the CLI path gives: the same parser reads
// both, so these feed API-shaped answers through the conversion and then through FACTS.docker.parse.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageLines, listedContainers, listedImageIsAnId, jsonLines, splitReference, volumeLines } from '../../../src/recipe/facts/docker-api.js';
import { dockerFact, listingsLeftToClient } from '../../../src/recipe/facts/docker.js';
import { renderProbeScript } from '../../../src/recipe/probe/script.js';
import { SectionReader, type SectionOutput } from '../../../src/recipe/probe/section.js';
import { splitSections } from '../../../src/recipe/probe/split.js';
import { ProbeParseError } from '../../../src/recipe/errors.js';

const ID_A = 'a'.repeat(64);
const ID_B = 'b'.repeat(64);
const IMG = `sha256:${'c'.repeat(64)}`;

function parse(sections: Record<string, SectionOutput>) {
  return dockerFact.parse(new SectionReader(new Map(Object.entries(sections))));
}
const okSection = (stdout: string): SectionOutput => ({ status: 0, stdout, stderr: '' });
const viaApi = okSection('cli yes\nsocket yes\nvia api\n');

describe('Engine API answers → the docker fact', () => {
  test('containers: own name (not a link alias), labels, volume mounts in order; state decides running', () => {
    const containers = listedContainers([
      {
        Id: ID_A,
        Names: ['/web/db-alias', '/kubelet'],
        Image: 'rancher/hyperkube:v1.20',
        ImageID: IMG,
        State: 'running',
        Labels: { 'io.rancher.rke.container.name': 'kubelet', 'a,b': 'x=y,z' },
        Mounts: [
          { Type: 'bind', Source: '/srv/a,b', Destination: '/x' },
          { Type: 'volume', Name: 'v2', Source: '/var/lib/docker/volumes/v2/_data', Destination: '/y' },
          { Type: 'volume', Name: 'v1', Destination: '/z' },
        ],
      },
      { Id: ID_B, Names: ['/paused'], Image: 'busybox', ImageID: IMG, State: 'paused', Labels: null, Mounts: [] },
    ]);
    expect(containers.map((c) => c.needsImageName)).toEqual([false, false]);
    const fact = parse({
      'docker-cli': viaApi,
      'docker-containers': okSection(jsonLines(containers.map((c) => c.line))),
      'docker-volumes': okSection(''),
      'docker-images': okSection(''),
    });
    expect(fact).toEqual({
      status: 'ok',
      containers: [
        { id: ID_A, names: ['kubelet'], image: 'rancher/hyperkube:v1.20', state: 'running', running: true, labels: { 'io.rancher.rke.container.name': 'kubelet', 'a,b': 'x=y,z' }, volumes: ['v2', 'v1'] },
        { id: ID_B, names: ['paused'], image: 'busybox', state: 'paused', running: false, labels: {}, volumes: [] },
      ],
      volumes: [],
      images: [],
    });
  });

  test('a container listed under its image ID needs its inspect for the configured name', () => {
    expect(listedImageIsAnId('sha256:' + 'c'.repeat(64), IMG)).toBe(true);
    expect(listedImageIsAnId('cccccccccccc', IMG)).toBe(true);
    expect(listedImageIsAnId('rancher/rke-tools:v0.1', IMG)).toBe(false);
    expect(listedImageIsAnId('deadbeefdead', IMG)).toBe(false); // hex-looking name of another image
  });

  test('volumes: labels exact even with commas (the CLI path can only give null there)', () => {
    const fact = parse({
      'docker-cli': viaApi,
      'docker-containers': okSection(''),
      'docker-volumes': okSection(volumeLines({ Volumes: [{ Name: 'data', Driver: 'local', Labels: { note: 'a,b=c' } }, { Name: 'bare', Driver: 'local', Labels: null }], Warnings: null })),
      'docker-images': okSection(''),
    });
    expect(fact.status === 'ok' && fact.volumes).toEqual([
      { name: 'bare', driver: 'local', labels: {} }, // by name, whatever order the daemon answered in
      { name: 'data', driver: 'local', labels: { note: 'a,b=c' } },
    ]);
    expect(volumeLines({ Volumes: null })).toBe('');
  });

  test('images: one row per tag like `docker images`; digest-only and dangling ones as the CLI shows them', () => {
    const lines = imageLines([
      { Id: IMG, RepoTags: ['registry:5000/team/app:v1', 'app:latest'], RepoDigests: [] },
      { Id: `sha256:${'d'.repeat(64)}`, RepoTags: null, RepoDigests: ['rancher/pause@sha256:' + 'e'.repeat(64)] },
      { Id: `sha256:${'f'.repeat(64)}`, RepoTags: ['<none>:<none>'], RepoDigests: ['<none>@<none>'] },
    ]);
    const fact = parse({ 'docker-cli': viaApi, 'docker-containers': okSection(''), 'docker-volumes': okSection(''), 'docker-images': okSection(lines) });
    expect(fact.status === 'ok' && fact.images).toEqual([
      { id: IMG, tags: ['registry:5000/team/app:v1', 'app:latest'] },
      { id: `sha256:${'d'.repeat(64)}`, tags: ['rancher/pause:<none>'] },
      { id: `sha256:${'f'.repeat(64)}`, tags: [] },
    ]);
    expect(splitReference('localhost:5000/x')).toEqual({ Repository: 'localhost:5000/x', Tag: '<none>' });
  });

  test('an answer of another shape fails the probe (one line), it is never read as "nothing there"', () => {
    expect(() => listedContainers({ message: 'page not found' })).toThrow(ProbeParseError);
    expect(() => imageLines([{ RepoTags: [] }])).toThrow(/docker-images: the Engine API gave no string Id/);
    expect(() => volumeLines([])).toThrow(ProbeParseError);
  });

  test('failures read as the CLI path reads them: a timeout names the request, an error the daemon\'s words', () => {
    const base = { 'docker-cli': viaApi, 'docker-containers': okSection(''), 'docker-images': okSection('') };
    expect(parse({ ...base, 'docker-volumes': { status: 124, stdout: '', stderr: 'no answer within 15 s' } })).toEqual({
      status: 'unreachable',
      error: 'docker answers GET /containers/json?all=1 on /var/run/docker.sock, but GET /volumes on /var/run/docker.sock gave no answer within 15 s',
    });
    expect(parse({ ...base, 'docker-containers': { status: 1, stdout: '', stderr: 'Error response from daemon: boom' }, 'docker-volumes': okSection('') })).toEqual({
      status: 'unreachable',
      error: 'docker is installed but the daemon does not answer: Error response from daemon: boom',
    });
    // The script chose the API but the client gave no listing: a bug, never "no containers".
    expect(() => parse({ ...base, 'docker-containers': { status: 'skipped', stdout: '', stderr: '' }, 'docker-volumes': okSection('') })).toThrow(/no API listing/);
  });
});

// The script asks for /var/run/docker.sock itself (it cannot be pointed elsewhere): where this machine
// has none, the offered cases must read `cli`, which is checked instead.
const hasDockerSocket = existsSync('/var/run/docker.sock') && statSync('/var/run/docker.sock').isSocket();

describe('the script chooses the Engine API only when offered and nothing points the CLI elsewhere', () => {
  const nonce = '0123456789abcdef';
  const bin = mkdtempSync(join(tmpdir(), 'nodescrub-docker-via-'));
  // A docker CLI stand-in that says it ran: the test is about which path the script takes.
  writeFileSync(join(bin, 'docker'), '#!/bin/sh\necho "{\\"ran\\":\\"$1\\"}"\n');
  chmodSync(join(bin, 'docker'), 0o755);
  afterAll(() => rmSync(bin, { recursive: true, force: true }));

  function run(offers: string[], env: Record<string, string> = {}) {
    const script = renderProbeScript(nonce, dockerFact.sections, { offers });
    const result = spawnSync('sh', ['-c', script], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin`, HOME: bin, ...env } });
    const sections = splitSections(result, nonce, dockerFact.sections.map((s) => s.id));
    return { via: /via (\w+)/.exec(sections.get('docker-cli')!.stdout)?.[1], volumes: sections.get('docker-volumes')!.status };
  }

  test('offered (and the socket is there): the listings are skipped, the client fills them; no socket: the CLI', () => {
    const offered = hasDockerSocket ? { via: 'api', volumes: 'skipped' } : { via: 'cli', volumes: 0 };
    expect(run(['docker-api'])).toEqual(offered);
    expect(run(['other', 'docker-api'])).toEqual(offered);
    expect(listingsLeftToClient({ status: 0, stdout: `cli yes\nsocket yes\nvia ${offered.via}\n`, stderr: '' })).toBe(hasDockerSocket);
  });
  test('not offered (or another word): the CLI lists', () => {
    expect(run([])).toEqual({ via: 'cli', volumes: 0 });
    expect(run(['docker-apis'])).toEqual({ via: 'cli', volumes: 0 });
    expect(() => renderProbeScript(nonce, dockerFact.sections, { offers: ["x' ; reboot ; '"] })).toThrow(/plain words/);
  });
  test('DOCKER_HOST or CLI contexts: the CLI, whose daemon the cleanup commands will reach', () => {
    expect(run(['docker-api'], { DOCKER_HOST: 'tcp://10.0.0.1:2375' })).toEqual({ via: 'cli', volumes: 0 });
    const home = mkdtempSync(join(tmpdir(), 'nodescrub-docker-home-'));
    spawnSync('mkdir', ['-p', join(home, '.docker', 'contexts', 'meta')]);
    expect(run(['docker-api'], { HOME: home })).toEqual({ via: 'cli', volumes: 0 });
    rmSync(home, { recursive: true, force: true });
  });
});
