// Containers and volumes that are not the cluster's survive (issue 15): a lab node whose docker also
// runs a registry (`registry:2`) and a Rancher server (`rancher/rancher:v2.8.5`), each with data in a
// named volume, is refused with both listed, and nothing on it changes, while another node in the
// same run is cleaned; --keep-other-containers cleans around them; --all-containers removes them.
import { labArgs, runCli } from './cli.js';
import { labExec, labSeed, labStatus, type LabStatus } from './lab.js';

const NODE = 'node2';
const OTHER = 'node1';

// Built from the seed's own image (no registry is reachable from the lab): the tags are what counts.
const SEED_FOREIGN = `set -e
img=$(docker images --format '{{.Repository}}:{{.Tag}}' | grep '^rancher/hyperkube:' | head -n 1)
docker tag "$img" registry:2
docker tag "$img" rancher/rancher:v2.8.5
docker volume create registry-data >/dev/null
docker volume create rancher-data >/dev/null
docker run -d --network none --name registry -v registry-data:/var/lib/registry registry:2 sleep 2147483647 >/dev/null
docker run -d --network none --name rancher -v rancher-data:/var/lib/rancher rancher/rancher:v2.8.5 sleep 2147483647 >/dev/null
docker exec registry sh -c 'echo layer-blob > /var/lib/registry/blob'
docker exec rancher sh -c 'echo cluster-db > /var/lib/rancher/db'`;

const REMOVE_FOREIGN = `docker rm -f registry rancher >/dev/null 2>&1
docker volume rm registry-data rancher-data >/dev/null 2>&1
docker rmi registry:2 rancher/rancher:v2.8.5 >/dev/null 2>&1
true`;

/** What survives on the node: the two containers' state, their volumes and the data in them. */
function foreignState(): string {
  return labExec(
    NODE,
    `docker ps -a --filter name=registry --filter name=rancher --format '{{.Names}} {{.Image}} {{.State}}' | sort
docker volume ls -q --filter name=registry-data --filter name=rancher-data | sort
cat /var/lib/docker/volumes/registry-data/_data/blob /var/lib/docker/volumes/rancher-data/_data/db 2>&1`,
  ).stdout;
}

const SURVIVED = 'rancher rancher/rancher:v2.8.5 running\nregistry registry:2 running\nrancher-data\nregistry-data\nlayer-blob\ncluster-db\n';

function statusOf(node: string): LabStatus {
  const [status] = labStatus([node]);
  return status;
}

interface PlanStep {
  id: string;
  refusal?: string;
  kept: { category: string; name: string; detail?: string }[];
}

describe("containers and volumes that are not the cluster's", () => {
  beforeAll(() => {
    labSeed([OTHER, NODE]);
    const seeded = labExec(NODE, SEED_FOREIGN);
    if (seeded.exitCode !== 0) throw new Error(`seeding the foreign containers failed: ${seeded.stderr}`);
  });

  afterAll(() => {
    labExec(NODE, REMOVE_FOREIGN);
  });

  it('plan shows them as not the cluster\'s (table, --detail, --json)', () => {
    expect(foreignState()).toBe(SURVIVED);
    const json = runCli(['plan', ...labArgs('--json', '--limit', NODE)]);
    expect(json.exitCode).toBe(0);
    const host = JSON.parse(json.stdout).hosts[0];
    const docker = host.steps.find((s: PlanStep) => s.id === 'docker') as PlanStep;
    expect(docker.refusal).toBe(
      "2 containers are not the cluster's: rancher (image rancher/rancher:v2.8.5; volumes rancher-data), registry (image registry:2; volumes registry-data) — refusing; " +
        "--all-containers removes them and their volumes too, --keep-other-containers cleans the cluster's around them",
    );
    expect(docker.kept.map((a) => `${a.category} ${a.detail}`).sort()).toEqual([
      'containers rancher (rancher/rancher:v2.8.5, running)',
      'containers registry (registry:2, running)',
      'volumes driver local; used by rancher',
      'volumes driver local; used by registry',
    ]);
    const detail = runCli(['plan', ...labArgs('--detail', '--limit', NODE)]);
    expect(detail.stdout).toMatch(/= volumes: registry-data \(driver local; used by registry — not the cluster's, kept\)/);
    expect(detail.stdout).toMatch(/= containers: [0-9a-f]{64} \(registry \(registry:2, running\) — not the cluster's, kept\)/);
    const table = runCli(['plan', ...labArgs('--limit', NODE)]);
    expect(table.stdout).toMatch(/node2\s+will-refuse\s.*2 containers are not the cluster's: rancher/);
  });

  it('run --yes refuses that node and changes nothing on it, and cleans the other node of the same run', () => {
    const before = statusOf(NODE);
    expect(before).toMatchObject({ clean: false, intact: true });
    const run = runCli(['run', ...labArgs('--yes', '--json', '--limit', `${OTHER},${NODE}`)]);
    expect(run.exitCode).toBe(2);
    const hosts = JSON.parse(run.stdout).hosts as { name: string; status: string; reason?: string }[];
    expect(hosts.find((h) => h.name === OTHER)).toMatchObject({ status: 'ok' });
    expect(hosts.find((h) => h.name === NODE)).toMatchObject({ status: 'refused' });
    expect(hosts.find((h) => h.name === NODE)?.reason).toMatch(/^docker: 2 containers are not the cluster's: rancher \(image rancher\/rancher:v2\.8\.5; volumes rancher-data\), registry \(image registry:2; volumes registry-data\) — refusing/);
    expect(statusOf(OTHER)).toMatchObject({ clean: true, intact: true });
    expect(statusOf(NODE)).toEqual(before);
    expect(foreignState()).toBe(SURVIVED);
  });

  it("run --keep-other-containers cleans the cluster's and leaves them running; verify does not count them", () => {
    const run = runCli(['run', ...labArgs('--yes', '--json', '--keep-other-containers', '--limit', NODE)]);
    expect(run.exitCode).toBe(0);
    const after = statusOf(NODE);
    expect(after.intact).toBe(true);
    expect(after.leftovers).toMatchObject({ containers: 2, volumes: 2, mounts: 0, directories: 0, interfaces: 0, iptables_chains: 0 });
    expect(foreignState()).toBe(SURVIVED);
    expect(runCli(['verify', ...labArgs('--limit', NODE)]).exitCode).toBe(0);
  });

  it('run --all-containers removes them and their volumes (the reference procedure)', () => {
    const run = runCli(['run', ...labArgs('--yes', '--json', '--all-containers', '--limit', NODE)]);
    expect(run.exitCode).toBe(0);
    expect(statusOf(NODE)).toMatchObject({ clean: true, intact: true });
    expect(labExec(NODE, 'docker ps -aq | wc -l; docker volume ls -q | wc -l').stdout).toBe('0\n0\n');
  });
});
