import { FACTS } from '../../../src/recipe/probe/probe.js';
import { SectionReader } from '../../../src/recipe/probe/section.js';

describe('docker fact: a daemon that is down', () => {
  it("reports docker's own connection error, not the template error printed before it", () => {
    const read = new SectionReader(
      new Map([
        [
          'docker-info',
          {
            status: 1,
            stdout: 'cli yes\nsocket yes\n',
            stderr:
              'template: :1:2: executing "" at <.ServerVersion>: reflect: indirection through nil pointer\nCannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
          },
        ],
        ['docker-containers', { status: 'skipped', stdout: '', stderr: '' }],
        ['docker-volumes', { status: 'skipped', stdout: '', stderr: '' }],
        ['docker-images', { status: 'skipped', stdout: '', stderr: '' }],
      ]),
    );
    expect(FACTS.docker.parse(read)).toEqual({
      status: 'unreachable',
      error: 'docker is installed but the daemon does not answer: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
    });
  });
});
