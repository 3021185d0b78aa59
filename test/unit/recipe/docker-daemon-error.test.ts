import { FACTS } from '../../../src/recipe/probe/probe.js';
import { SectionReader } from '../../../src/recipe/probe/section.js';

describe('docker fact: a daemon that is down', () => {
  it("reports docker's own connection error, not a warning the CLI printed before it", () => {
    const read = new SectionReader(
      new Map([
        ['docker-cli', { status: 0, stdout: 'cli yes\nsocket yes\n', stderr: '' }],
        [
          'docker-containers',
          {
            status: 1,
            stdout: '',
            stderr:
              'WARNING: Error loading config file: /root/.docker/config.json: unexpected end of JSON input\nCannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
          },
        ],
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
