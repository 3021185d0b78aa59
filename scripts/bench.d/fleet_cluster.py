"""A cluster for the fleet, so that the live-node guard has someone to ask (latency series, issue 20).

Without a kubelet kubeconfig on the host the guard only reads its section of the discovery probe and
asks nobody: no round trip of its own. With this, every fleet host carries RKE1's kubelet kubeconfig
(/etc/kubernetes/ssl/kubecfg-kube-node.yaml, RKE1's shared `system:node` client certificate) whose
server is the lab's fake API server (scripts/lab.d/fake-apiserver.ts), started inside the fleet's
network namespace at https://127.0.0.2:6443. The guard reaches it as on a real node: through the SSH
connection (a direct-tcpip channel from the host's sshd), so each of its requests pays the proxy's
delay. The server knows the fleet's one hostname (the guard's first guess) as a NotReady node with a
stale heartbeat: one GET per host, verdict "not live", the plan proceeds.
"""
import json
import os
import subprocess
import time

from latency import end_child

API_ADDRESS = "127.0.0.2"
API_PORT = 6443
KUBECONFIG = "/etc/kubernetes/ssl/kubecfg-kube-node.yaml"
REPO = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))


def make_pki(d):
    """CA, server certificate for API_ADDRESS, RKE1's shared node client certificate (openssl CLI)."""
    os.makedirs(d, exist_ok=True)

    def ssl(*args):
        subprocess.run(["openssl", *args], cwd=d, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    ssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.crt", "-subj", "/CN=kube-ca", "-days", "2")
    with open(os.path.join(d, "server.ext"), "w") as f:
        f.write(f"subjectAltName=IP:{API_ADDRESS}\nextendedKeyUsage=serverAuth\n")
    ssl("req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=kube-apiserver")
    ssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt",
        "-days", "2", "-extfile", "server.ext")
    with open(os.path.join(d, "client.ext"), "w") as f:
        f.write("extendedKeyUsage=clientAuth\n")
    ssl("req", *ec, "-keyout", "node.key", "-out", "node.csr", "-subj", "/O=system:nodes/CN=system:node")
    ssl("x509", "-req", "-in", "node.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "node.crt",
        "-days", "2", "-extfile", "client.ext")


def kubeconfig_text():
    return "\n".join([
        "apiVersion: v1", "kind: Config", "clusters:", "- cluster:",
        "    certificate-authority: /etc/kubernetes/ssl/kube-ca.pem", f'    server: "https://{API_ADDRESS}:{API_PORT}"',
        '  name: "local"', "contexts:", "- context:", '    cluster: "local"', '    user: "kube-node-local"', '  name: "local"',
        'current-context: "local"', "users:", '- name: "kube-node-local"', "  user:",
        "    client-certificate: /etc/kubernetes/ssl/kube-node.pem", "    client-key: /etc/kubernetes/ssl/kube-node-key.pem", ""])


class FleetCluster:
    """start(): PKI, state, the API server (its pid kept, stopped by it), the kubeconfig in the fleet; stop() undoes all."""

    def __init__(self, fleet, work):
        self.fleet, self.dir = fleet, os.path.join(work, "fleet-cluster")
        self.proc = None
        self.requests_log = os.path.join(self.dir, "api.log")

    def fleet_sh(self, script, stdin=None):
        """A shell in the fleet's mount and UTS namespaces (its own root), as root."""
        return subprocess.run(["nsenter", "-t", str(self.fleet.init_pid()), "-m", "-u", "-r", "-w", "--", "sh", "-c", script],
                              input=stdin, capture_output=True, text=True, check=True).stdout

    def start(self):
        pki = os.path.join(self.dir, "pki")
        make_pki(pki)
        hostname = self.fleet_sh("uname -n").strip()
        state = os.path.join(self.dir, "state.json")
        with open(state, "w") as f:
            json.dump({"nodes": {hostname: {"ready": "False", "heartbeatAgeSeconds": 900}}}, f)
        log = open(self.requests_log, "w")
        self.proc = subprocess.Popen(["ip", "netns", "exec", self.fleet.netns, "env", "NODE_OPTIONS=", "node", "--import", "tsx",
                                      os.path.join(REPO, "scripts/lab.d/fake-apiserver.ts"), "--listen", f"{API_ADDRESS}:{API_PORT}",
                                      "--pki", pki, "--state", state], cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while not self.listening():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"fleet cluster: the fake API server did not start (see {self.requests_log})")
            time.sleep(0.1)
        files = {"kube-ca.pem": "ca.crt", "kube-node.pem": "node.crt", "kube-node-key.pem": "node.key"}
        self.fleet_sh("mkdir -p /etc/kubernetes/ssl")
        for name, source in files.items():
            with open(os.path.join(pki, source)) as f:
                self.fleet_sh(f"cat > /etc/kubernetes/ssl/{name} && chmod 600 /etc/kubernetes/ssl/{name}", f.read())
        self.fleet_sh(f"cat > {KUBECONFIG}", kubeconfig_text())
        return hostname

    def listening(self):
        with open(self.requests_log) as f:
            return any(line.startswith("listening ") for line in f)

    def requests(self):
        """The API server's request records so far (one JSON line each)."""
        with open(self.requests_log) as f:
            return [json.loads(line) for line in f if line.startswith("{")]

    def stop(self):
        end_child(self.proc)
        self.proc = None
        try:
            self.fleet_sh("rm -rf /etc/kubernetes")
        except (subprocess.CalledProcessError, RuntimeError, OSError):
            pass  # the fleet is gone already: nothing of this is left in it
