// The one ownership rule (src/recipe/ownership.ts): the cluster's containers and volumes, and the
// near misses that belong to someone else.
import type { DockerContainer, DockerVolume } from '../../../src/recipe/facts/docker.js';
import { classifyDocker, clusterEvidence } from '../../../src/recipe/ownership.js';

let serial = 0;
function container(name: string, image: string, extra: Partial<DockerContainer> = {}): DockerContainer {
  serial += 1;
  const id = serial.toString(16).padStart(2, '0').repeat(32);
  return { id, names: [name], image, state: 'running', running: true, labels: {}, volumes: [], ...extra };
}

function volume(name: string, labels: Record<string, string> | null = {}): DockerVolume {
  return { name, driver: 'local', labels };
}

describe('clusterEvidence: the cluster\'s containers', () => {
  it.each([
    ['the agent under a random name', container('stoic_curie', 'rancher/rancher-agent:v2.8.5'), 'rancher-agent image'],
    ['the agent through a private registry, by digest', container('x', `registry.example:5000/rancher/rancher-agent@sha256:${'a'.repeat(64)}`), 'rancher-agent image'],
    ['a pod container', container('k8s_POD_coredns-abc_kube-system_uid_0', 'rancher/mirrored-pause:3.7'), 'k8s_ pod container'],
    ['a pod container of any image', container('k8s_app_web-1_default_uid_0', 'nginx:1.25'), 'k8s_ pod container'],
    ['a cri-dockerd container by label', container('web', 'nginx:1.25', { labels: { 'io.kubernetes.pod.name': 'web-1' } }), 'label io.kubernetes.pod.name'],
    ['an RKE container by label', container('anything', 'alpine:3', { labels: { 'io.rancher.rke.container.name': 'anything' } }), 'label io.rancher.rke.container.name'],
    ['kubelet on hyperkube', container('kubelet', 'rancher/hyperkube:v1.26.8-rancher1'), 'RKE system container'],
    ['etcd on mirrored-coreos-etcd', container('etcd', 'rancher/mirrored-coreos-etcd:v3.5.9'), 'RKE system container'],
    ['etcd on coreos-etcd from a mirror', container('etcd', 'harbor.local/library/rancher/coreos-etcd:v3.4.3-rancher1'), 'RKE system container'],
    ['nginx-proxy on rke-tools', container('nginx-proxy', 'rancher/rke-tools:v0.1.89'), 'RKE system container'],
    ['an rke- helper on rke-tools', container('rke-bundle-cert', 'rancher/rke-tools:v0.1.89'), 'RKE system container'],
    ['rke-etcd-backup on rke-tools', container('rke-etcd-backup', 'rancher/rke-tools:v0.1.89'), 'RKE system container'],
    ['etcd-rolling-snapshots on rke-tools', container('etcd-rolling-snapshots', 'rancher/rke-tools:v0.1.89'), 'RKE system container'],
  ])('%s', (_what, c, evidence) => {
    expect(clusterEvidence(c)).toBe(evidence);
  });
});

describe('clusterEvidence: near misses are not the cluster\'s', () => {
  it.each([
    ['the Rancher server (rancher/rancher is not the agent)', container('rancher', 'rancher/rancher:v2.8.5')],
    ['a registry named registry', container('registry', 'registry:2')],
    ['kubelet-backup running busybox', container('kubelet-backup', 'busybox:1.36')],
    ['kubelet running busybox (name without image)', container('kubelet', 'busybox:1.36')],
    ['etcd running quay.io/coreos/etcd outside RKE', container('etcd', 'quay.io/coreos/etcd:v3.5.9')],
    ['an rke- name on a foreign image', container('rke-notes', 'alpine:3')],
    ['a foreign name on an RKE image', container('my-tools', 'rancher/rke-tools:v0.1.89')],
    ['K8S_ in upper case', container('K8S_app_x_ns_uid_0', 'nginx:1.25')],
    ['k8s- with a dash', container('k8s-registry', 'registry:2')],
    ['k8s_ not at the start', container('my_k8s_app', 'nginx:1.25')],
    ['an io.k8s.* image label (OpenShift s2i)', container('web', 'ubi8/nginx', { labels: { 'io.k8s.description': 'nginx' } })],
    ['a label that only contains io.kubernetes.', container('web', 'nginx', { labels: { 'annotation.io.kubernetes.container.ports': '[]' } })],
    ['a label value that reads like one', container('web', 'nginx', { labels: { k: 'v,io.kubernetes.y=z' } })],
    ['rancher-agent-like image names', container('agent', 'rancher/rancher-agent-tools:v1')],
    ['a container named rancher-agent on busybox', container('rancher-agent', 'busybox:1.36')],
  ])('%s', (_what, c) => {
    expect(clusterEvidence(c)).toBeNull();
  });
});

describe('classifyDocker: volumes follow their users', () => {
  const kubelet = container('kubelet', 'rancher/hyperkube:v1.26.8-rancher1', { volumes: ['kubelet-data', 'shared'] });
  const pod = container('k8s_app_x_ns_uid_0', 'nginx', { volumes: ['pod-cache'], state: 'exited', running: false });
  const registry = container('registry', 'registry:2', { volumes: ['registry-data', 'shared'] });
  const rancher = container('rancher', 'rancher/rancher:v2.8.5', { volumes: ['rancher-data'], state: 'created', running: false });
  const owner = classifyDocker(
    [kubelet, pod, registry, rancher],
    [
      volume('kubelet-data'),
      volume('pod-cache'),
      volume('shared'),
      volume('registry-data', { 'io.kubernetes.pvc': 'x' }),
      volume('rancher-data'),
      volume('labelled-dangling', { 'io.rancher.rke.container.name': 'rke-tools' }),
      volume('anonymous-dangling'.padEnd(64, '0')),
      volume('ambiguous-dangling', null),
    ],
  );

  it('splits containers', () => {
    expect(owner.clusterContainers).toEqual([kubelet, pod]);
    expect(owner.foreignContainers).toEqual([registry, rancher]);
  });

  it('a volume used only by the cluster, or dangling with a cluster label, is the cluster\'s', () => {
    expect(owner.clusterVolumes.map((v) => v.name)).toEqual(['kubelet-data', 'pod-cache', 'labelled-dangling']);
  });

  it('a volume any foreign container uses never is (even shared with kubelet, even with a cluster label); a dangling one without a label is kept', () => {
    expect(owner.foreignVolumes.map((v) => [v.volume.name, v.why])).toEqual([
      ['shared', 'used by registry'],
      ['registry-data', 'used by registry'],
      ['rancher-data', 'used by rancher'],
      ['anonymous-dangling'.padEnd(64, '0'), 'dangling: no label says the cluster made it'],
      ['ambiguous-dangling', 'dangling: its label list cannot be read unambiguously'],
    ]);
  });
});
