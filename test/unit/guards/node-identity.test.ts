// Which Node object is this host: every source of the node name, their order of authority, and the
// read script that gathers them (run for real on the stand-in host).
import { afterEach, describe, expect, it } from '@jest/globals';
import { buildReadScript, emptyKubeletFiles, parseReadOutput, type KubeletFiles } from '../../../src/guards/kubelet-files.js';
import { envWords, flagValue, kubeconfigsFromFlags, nodeNameClues } from '../../../src/guards/node-identity.js';
import { makeFakeHost, type FakeHost } from '../../fixtures/guards/host.js';

/** A KubeletFiles with the given files (path -> text), command lines and RKE1 container. */
function filesWith(options: { files?: Record<string, string>; cmdlines?: KubeletFiles['cmdlines']; container?: string[] } = {}): KubeletFiles {
  const files = emptyKubeletFiles();
  for (const [path, text] of Object.entries(options.files ?? {})) files.files.set(path, text);
  files.cmdlines.push(...(options.cmdlines ?? []));
  if (options.container) files.kubeletContainer = { args: options.container, running: true };
  return files;
}
const names = (files: KubeletFiles) => nodeNameClues(files).map((c) => c.name);

describe('flagValue and envWords', () => {
  it('--flag=value and --flag value; the last one wins', () => {
    expect(flagValue(['kubelet', '--hostname-override=a'], '--hostname-override')).toBe('a');
    expect(flagValue(['kubelet', '--hostname-override', 'b'], '--hostname-override')).toBe('b');
    expect(flagValue(['--hostname-override=a', '--hostname-override', 'b'], '--hostname-override')).toBe('b');
    expect(flagValue(['--hostname-override-x=a', '--hostname-overrid', 'b'], '--hostname-override')).toBeUndefined();
    expect(flagValue(['--hostname-override'], '--hostname-override')).toBeUndefined(); // no value follows
  });

  it('KEY="…" / KEY=\'…\' / export KEY=…: the words, quotes stripped', () => {
    const text = '# comment\nKUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///run/containerd/containerd.sock --hostname-override=worker-7"\nexport OTHER=\'--a b\'\n';
    expect(envWords(text, 'KUBELET_KUBEADM_ARGS')).toEqual(['--container-runtime-endpoint=unix:///run/containerd/containerd.sock', '--hostname-override=worker-7']);
    expect(envWords(text, 'OTHER')).toEqual(['--a', 'b']);
    expect(envWords(text, 'MISSING')).toEqual([]);
  });
});

describe('nodeNameClues: each source', () => {
  it('the kubelet process: --hostname-override=v and --hostname-override v', () => {
    expect(nodeNameClues(filesWith({ cmdlines: [{ pid: 41, comm: 'kubelet', args: ['/usr/bin/kubelet', '--v=2', '--hostname-override=proc-eq'] }] }))).toEqual([
      { name: 'proc-eq', source: 'kubelet --hostname-override (pid 41)' },
    ]);
    expect(nodeNameClues(filesWith({ cmdlines: [{ pid: 42, comm: 'kubelet', args: ['kubelet', '--hostname-override', 'proc-sp', '--v=2'] }] }))).toEqual([
      { name: 'proc-sp', source: 'kubelet --hostname-override (pid 42)' },
    ]);
  });

  it('a kubelet process names the node only by --hostname-override (its --node-name does not exist), k3s/rke2 by --node-name', () => {
    expect(names(filesWith({ cmdlines: [{ pid: 1, comm: 'kubelet', args: ['kubelet', '--node-name=nope'] }] }))).toEqual([]);
    expect(nodeNameClues(filesWith({ cmdlines: [{ pid: 7, comm: 'k3s-server', args: ['/usr/local/bin/k3s', 'server', '--node-name', 'k3s-cmd'] }] }))).toEqual([
      { name: 'k3s-cmd', source: 'k3s-server --node-name (pid 7)' },
    ]);
    expect(names(filesWith({ cmdlines: [{ pid: 8, comm: 'rke2', args: ['/usr/bin/rke2', 'agent', '--node-name=rke2-cmd'] }] }))).toEqual(['rke2-cmd']);
  });

  it("the RKE1 kubelet container's arguments (docker inspect)", () => {
    expect(nodeNameClues(filesWith({ container: ['/opt/rke-tools/entrypoint.sh', 'kubelet', '--hostname-override=10.0.0.9', '--kubeconfig=/etc/kubernetes/ssl/kubecfg-kube-node.yaml'] }))).toEqual([
      { name: '10.0.0.9', source: "the RKE1 kubelet container's --hostname-override (docker inspect kubelet)" },
    ]);
  });

  it('kubeadm-flags.env (KUBELET_KUBEADM_ARGS, quoted), /etc/default/kubelet and /etc/sysconfig/kubelet (KUBELET_EXTRA_ARGS)', () => {
    expect(nodeNameClues(filesWith({ files: { '/var/lib/kubelet/kubeadm-flags.env': 'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --hostname-override=worker-7 --pod-infra-container-image=registry.k8s.io/pause:3.9"\n' } }))).toEqual([
      { name: 'worker-7', source: '--hostname-override in /var/lib/kubelet/kubeadm-flags.env (KUBELET_KUBEADM_ARGS)' },
    ]);
    expect(nodeNameClues(filesWith({ files: { '/etc/default/kubelet': "KUBELET_EXTRA_ARGS='--node-ip=10.1.1.1 --hostname-override worker-8'\n" } }))).toEqual([
      { name: 'worker-8', source: '--hostname-override in /etc/default/kubelet (KUBELET_EXTRA_ARGS)' },
    ]);
    expect(names(filesWith({ files: { '/etc/sysconfig/kubelet': 'KUBELET_EXTRA_ARGS=--hostname-override=worker-9\n' } }))).toEqual(['worker-9']);
  });

  it('the kubelet config file: hostnameOverride', () => {
    expect(nodeNameClues(filesWith({ files: { '/var/lib/kubelet/config.yaml': 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nhostnameOverride: from-config\n' } }))).toEqual([
      { name: 'from-config', source: 'hostnameOverride in /var/lib/kubelet/config.yaml' },
    ]);
  });

  it('k3s config.yaml node-name; a drop-in overrides it and a later drop-in an earlier one', () => {
    const main = { '/etc/rancher/k3s/config.yaml': 'node-name: k3s-main\ntoken: x\n' };
    expect(nodeNameClues(filesWith({ files: main }))).toEqual([{ name: 'k3s-main', source: 'node-name in /etc/rancher/k3s/config.yaml' }]);
    const dropins = {
      ...main,
      '/etc/rancher/k3s/config.yaml.d/10-first.yaml': 'node-name: k3s-first\n',
      '/etc/rancher/k3s/config.yaml.d/50-second.yaml': 'node-name: k3s-second\n',
      '/etc/rancher/k3s/config.yaml.d/90-labels.yaml': 'node-label: [a=b]\n', // latest, but says nothing about the name
    };
    expect(nodeNameClues(filesWith({ files: dropins }))).toEqual([
      { name: 'k3s-second', source: 'node-name in /etc/rancher/k3s/config.yaml.d/50-second.yaml' },
      { name: 'k3s-first', source: 'node-name in /etc/rancher/k3s/config.yaml.d/10-first.yaml' },
      { name: 'k3s-main', source: 'node-name in /etc/rancher/k3s/config.yaml' },
    ]);
  });

  it('rke2 config.yaml node-name', () => {
    expect(nodeNameClues(filesWith({ files: { '/etc/rancher/rke2/config.yaml': 'server: https://10.0.0.1:9345\nnode-name: "rke2-cfg"\n' } }))).toEqual([
      { name: 'rke2-cfg', source: 'node-name in /etc/rancher/rke2/config.yaml' },
    ]);
  });

  it('the installer environment: K3S_NODE_NAME in /etc/systemd/system/k3s.service.env, RKE2_NODE_NAME in /etc/default/rke2-agent', () => {
    expect(nodeNameClues(filesWith({ files: { '/etc/systemd/system/k3s.service.env': "K3S_TOKEN='secret'\nK3S_NODE_NAME='k3s-env'\n" } }))).toEqual([
      { name: 'k3s-env', source: 'K3S_NODE_NAME in /etc/systemd/system/k3s.service.env' },
    ]);
    expect(names(filesWith({ files: { '/etc/systemd/system/k3s-agent.service.env': 'K3S_NODE_NAME=agent-env\n' } }))).toEqual(['agent-env']);
    expect(names(filesWith({ files: { '/etc/default/rke2-agent': 'RKE2_NODE_NAME="rke2-env"\n' } }))).toEqual(['rke2-env']);
  });

  it('files elsewhere say nothing (a node-name in an unrelated YAML, a kubeconfig)', () => {
    expect(names(filesWith({ files: { '/etc/rancher/k3s/registries.yaml': 'node-name: no\n', '/etc/kubernetes/kubelet.conf': 'hostnameOverride: no\n' } }))).toEqual([]);
  });
});

describe('nodeNameClues: order of authority and validity', () => {
  const everything = () =>
    filesWith({
      cmdlines: [
        { pid: 100, comm: 'k3s-server', args: ['/usr/local/bin/k3s', 'server', '--node-name=k3s-cmd'] },
        { pid: 101, comm: 'kubelet', args: ['kubelet', '--hostname-override=proc-name'] },
      ],
      container: ['kubelet', '--hostname-override', 'container-name'],
      files: {
        '/etc/rancher/k3s/config.yaml': 'node-name: k3s-main\n',
        '/etc/rancher/k3s/config.yaml.d/20-x.yaml': 'node-name: k3s-dropin\n',
        '/var/lib/kubelet/config.yaml': 'hostnameOverride: kubelet-config\n',
        '/etc/default/kubelet': 'KUBELET_EXTRA_ARGS=--hostname-override=default-extra\n',
        '/var/lib/kubelet/kubeadm-flags.env': 'KUBELET_KUBEADM_ARGS="--hostname-override=kubeadm-flags"\n',
      },
    });

  it('what runs (command lines in /proc order), the RKE1 container, kubeadm flags, package flags, kubelet config, then k3s/rke2 drop-ins before the main file', () => {
    expect(names(everything())).toEqual(['k3s-cmd', 'proc-name', 'container-name', 'kubeadm-flags', 'default-extra', 'kubelet-config', 'k3s-dropin', 'k3s-main']);
  });

  it('one name from several sources is listed once, from the most authoritative', () => {
    const files = filesWith({ container: ['kubelet', '--hostname-override=same'], files: { '/var/lib/kubelet/kubeadm-flags.env': 'KUBELET_KUBEADM_ARGS=--hostname-override=Same\n' } });
    expect(nodeNameClues(files)).toEqual([{ name: 'same', source: "the RKE1 kubelet container's --hostname-override (docker inspect kubelet)" }]);
  });

  it('uppercase is lowercased (as the kubelet does), surrounding blanks trimmed', () => {
    expect(names(filesWith({ files: { '/var/lib/kubelet/kubeadm-flags.env': 'KUBELET_KUBEADM_ARGS="--hostname-override=Worker-7.Example.COM"\n' } }))).toEqual(['worker-7.example.com']);
    expect(names(filesWith({ cmdlines: [{ pid: 1, comm: 'kubelet', args: ['kubelet', '--hostname-override', ' MiXed '] }] }))).toEqual(['mixed']);
  });

  it('names Kubernetes would not accept are dropped (never reach a URL), and the next source counts', () => {
    const bad = ['a b', '../x', 'x/y', '-lead', 'trail-', 'a_b', '', 'a'.repeat(254), 'x?y=1'];
    for (const name of bad) {
      const files = filesWith({ cmdlines: [{ pid: 1, comm: 'kubelet', args: ['kubelet', `--hostname-override=${name}`] }], files: { '/etc/rancher/rke2/config.yaml': 'node-name: good-one\n' } });
      expect(names(files)).toEqual(['good-one']);
    }
    // YAML that is not a string, or not YAML at all.
    expect(names(filesWith({ files: { '/etc/rancher/k3s/config.yaml': 'node-name: [a, b]\n', '/var/lib/kubelet/config.yaml': 'hostnameOverride: {\n' } }))).toEqual([]);
  });
});

describe('kubeconfigsFromFlags', () => {
  it("the kubelet's --kubeconfig (process and RKE1 container), absolute paths only, de-duplicated; other processes' flags ignored", () => {
    const files = filesWith({
      cmdlines: [
        { pid: 1, comm: 'kubelet', args: ['kubelet', '--kubeconfig=/srv/kubelet/kc.yaml', '--bootstrap-kubeconfig=/srv/bootstrap.yaml'] },
        { pid: 2, comm: 'kubelet', args: ['kubelet', '--kubeconfig', 'relative.yaml'] },
        { pid: 3, comm: 'k3s-agent', args: ['k3s', 'agent', '--kubeconfig=/srv/not-the-kubelet.yaml'] },
      ],
      container: ['kubelet', '--kubeconfig', '/etc/kubernetes/ssl/kubecfg-kube-node.yaml', '--kubeconfig=/srv/kubelet/kc.yaml'],
    });
    expect(kubeconfigsFromFlags(files)).toEqual(['/srv/kubelet/kc.yaml']);
    expect(kubeconfigsFromFlags(filesWith({ container: ['kubelet', '--kubeconfig', '/etc/kubernetes/ssl/kubecfg-kube-node.yaml'] }))).toEqual(['/etc/kubernetes/ssl/kubecfg-kube-node.yaml']);
    expect(kubeconfigsFromFlags(filesWith())).toEqual([]);
  });
});

describe('the read script on the stand-in host', () => {
  let host: FakeHost | undefined;
  afterEach(() => {
    host?.remove();
    host = undefined;
  });
  const MARKER = 'NODESCRUB-identity7';

  it('reads every name source (globs for config.yaml.d and k3s*.service.env), and the clues come out in order', async () => {
    host = makeFakeHost({ hostname: 'vm-17' });
    host.put('/var/lib/kubelet/kubeadm-flags.env', 'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --hostname-override=worker-7"\n');
    host.put('/etc/default/kubelet', 'KUBELET_EXTRA_ARGS="--hostname-override=default-extra"\n');
    host.put('/var/lib/kubelet/config.yaml', 'kind: KubeletConfiguration\nhostnameOverride: kubelet-config\n');
    host.put('/etc/rancher/k3s/config.yaml', 'node-name: k3s-main\n');
    host.put('/etc/rancher/k3s/config.yaml.d/10-a.yaml', 'node-name: k3s-a\n');
    host.put('/etc/rancher/k3s/config.yaml.d/20-b.yaml', 'node-name: k3s-b\n');
    host.put('/etc/rancher/k3s/config.yaml.d/README', 'node-name: not-yaml-suffix\n');
    host.put('/etc/rancher/rke2/config.yaml', 'node-name: rke2-main\n');
    host.put('/etc/systemd/system/k3s-agent.service.env', "K3S_NODE_NAME='k3s-env'\n");
    const result = await host.transport.exec(buildReadScript(MARKER));
    const files = parseReadOutput(result.stdout, MARKER);
    expect(files.hostname).toBe('vm-17');
    expect([...files.files.keys()].sort()).toEqual([
      '/etc/default/kubelet',
      '/etc/rancher/k3s/config.yaml',
      '/etc/rancher/k3s/config.yaml.d/10-a.yaml',
      '/etc/rancher/k3s/config.yaml.d/20-b.yaml',
      '/etc/rancher/rke2/config.yaml',
      '/etc/systemd/system/k3s-agent.service.env',
      '/var/lib/kubelet/config.yaml',
      '/var/lib/kubelet/kubeadm-flags.env',
    ]);
    expect(nodeNameClues(files)).toEqual([
      { name: 'worker-7', source: '--hostname-override in /var/lib/kubelet/kubeadm-flags.env (KUBELET_KUBEADM_ARGS)' },
      { name: 'default-extra', source: '--hostname-override in /etc/default/kubelet (KUBELET_EXTRA_ARGS)' },
      { name: 'kubelet-config', source: 'hostnameOverride in /var/lib/kubelet/config.yaml' },
      { name: 'k3s-b', source: 'node-name in /etc/rancher/k3s/config.yaml.d/20-b.yaml' },
      { name: 'k3s-a', source: 'node-name in /etc/rancher/k3s/config.yaml.d/10-a.yaml' },
      expect.objectContaining({ name: 'k3s-env' }),
      expect.objectContaining({ name: 'rke2-main' }),
      expect.objectContaining({ name: 'k3s-main' }),
    ]);
    // No kubelet or k3s runs here and there is no docker socket under the root: no command line, no container.
    expect(files.cmdlines).toEqual([]);
    expect(files.kubeletContainer).toBeUndefined();
    // Its real addresses (ip -o addr): at least loopback.
    expect(files.addresses).toContain('127.0.0.1');
  });

  it('nothing present: no name source, no clue', async () => {
    host = makeFakeHost({ hostname: 'vm-17' });
    const files = parseReadOutput((await host.transport.exec(buildReadScript(MARKER))).stdout, MARKER);
    expect(files.files.size).toBe(0);
    expect(nodeNameClues(files)).toEqual([]);
  });

  it("command-line and inspect blocks in the script's format: the process outranks the container and the files", async () => {
    host = makeFakeHost({ hostname: 'vm-17' });
    host.put('/var/lib/kubelet/kubeadm-flags.env', 'KUBELET_KUBEADM_ARGS="--hostname-override=worker-7"\n');
    const stdout = (await host.transport.exec(buildReadScript(MARKER))).stdout;
    // What the script prints for a kubelet whose /proc/PID/cmdline is NUL-separated (tr -> lines, then a blank line),
    // and for `docker inspect --format … kubelet` (LogPath, Running, json .Path, json .Args).
    const cmdline = `${MARKER} cmdline 4242 kubelet\n/usr/local/bin/kubelet\n--kubeconfig=/srv/kc.yaml\n--hostname-override\nProc-Worker\n\n${MARKER} end 0\n`;
    const k3s = `${MARKER} cmdline 77 k3s-agent\n/usr/local/bin/k3s\nagent\n--node-name=k3s-proc\n\n${MARKER} end 0\n`;
    const inspect = `${MARKER} inspect kubelet\n/var/lib/docker/containers/abc/abc-json.log\ntrue\n"/opt/rke-tools/entrypoint.sh"\n["kubelet","--hostname-override=10.0.0.9","--kubeconfig=/etc/kubernetes/ssl/kubecfg-kube-node.yaml"]\n${MARKER} end 0\n`;
    const files = parseReadOutput(stdout + cmdline + k3s + inspect, MARKER);
    expect(files.cmdlines).toEqual([
      { pid: 4242, comm: 'kubelet', args: ['/usr/local/bin/kubelet', '--kubeconfig=/srv/kc.yaml', '--hostname-override', 'Proc-Worker'] },
      { pid: 77, comm: 'k3s-agent', args: ['/usr/local/bin/k3s', 'agent', '--node-name=k3s-proc'] },
    ]);
    expect(files.kubeletContainer).toEqual({ args: ['/opt/rke-tools/entrypoint.sh', 'kubelet', '--hostname-override=10.0.0.9', '--kubeconfig=/etc/kubernetes/ssl/kubecfg-kube-node.yaml'], running: true, logPath: '/var/lib/docker/containers/abc/abc-json.log' });
    expect(nodeNameClues(files).map((c) => `${c.name} <- ${c.source}`)).toEqual([
      'proc-worker <- kubelet --hostname-override (pid 4242)',
      'k3s-proc <- k3s-agent --node-name (pid 77)',
      "10.0.0.9 <- the RKE1 kubelet container's --hostname-override (docker inspect kubelet)",
      'worker-7 <- --hostname-override in /var/lib/kubelet/kubeadm-flags.env (KUBELET_KUBEADM_ARGS)',
    ]);
    expect(kubeconfigsFromFlags(files)).toEqual(['/srv/kc.yaml', '/etc/kubernetes/ssl/kubecfg-kube-node.yaml']);
  });

  it('a failed inspect (end status ≠ 0) or a malformed one leaves the container unknown', () => {
    const failed = `${MARKER} inspect kubelet\n\n${MARKER} end 1\n`;
    expect(parseReadOutput(failed, MARKER).kubeletContainer).toBeUndefined();
    const malformed = `${MARKER} inspect kubelet\n/x.log\ntrue\n"kubelet"\n[1,2]\n${MARKER} end 0\n`;
    expect(parseReadOutput(malformed, MARKER).kubeletContainer).toBeUndefined();
  });
});
