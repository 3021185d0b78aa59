// The docker step's handling of what is not the cluster's: the refusal line and the images kept.
import type { DockerContainer } from '../../../src/recipe/facts/docker.js';
import { foreignRefusal, isImageOfKept } from '../../../src/recipe/steps/docker-kept.js';

function container(name: string, image: string, volumes: string[] = []): DockerContainer {
  return { id: 'ab'.repeat(32), names: [name], image, state: 'running', running: true, labels: {}, volumes };
}

describe('foreignRefusal', () => {
  it('names each container with image and volumes, sorted by name', () => {
    expect(foreignRefusal([container('registry', 'registry:2', ['registry-data']), container('ci', 'gitlab/gitlab-runner:v16')])).toBe(
      "2 containers are not the cluster's: ci (image gitlab/gitlab-runner:v16; no volumes), registry (image registry:2; volumes registry-data) — refusing; " +
        "--all-containers removes them and their volumes too, --keep-other-containers cleans the cluster's around them",
    );
  });

  it('stays one bounded line on a host full of them', () => {
    const many = Array.from({ length: 13 }, (_, i) => container(`job-${String(i).padStart(2, '0')}`, 'busybox'));
    const line = foreignRefusal(many);
    expect(line).toMatch(/^13 containers are not the cluster's: job-00 .* job-09 \(image busybox; no volumes\), \+3 more — refusing;/);
    expect(line).not.toContain('job-10');
  });
});

describe('isImageOfKept', () => {
  const image = { id: `sha256:${'1'.repeat(64)}`, tags: ['registry:2', 'registry:latest'] };
  it.each([
    ['registry:2', true],
    ['registry', true],
    ['docker.io/library/registry:2', true],
    [`sha256:${'1'.repeat(64)}`, true],
    ['111111111111', true],
    ['registry:3', false],
    ['myregistry:2', false],
  ])('%s → %s', (reference, kept) => {
    expect(isImageOfKept(image, [container('r', reference)])).toBe(kept);
  });
});
