"""The latency series' view of the fleet: N fleet hosts behind delay_proxy.py, inside the fleet's netns.

Listener i (PROXY_NET.i:PROXY_PORT) forwards to fleet host i (127.0.1.i:22). The proxy cannot take
port 22: the fleet's sshd listens on 0.0.0.0:22 and Linux refuses a second listener on an address
it covers, so the proxied hosts are [127.0.9.i]:2222, with their own inventory and known_hosts
(the fleet's one host key, under the proxied names).
"""
import json
import os
import statistics
import subprocess
import sys
import time

PROXY_NET = "127.0.9"
PROXY_PORT = 2222
PROXY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "delay_proxy.py")


class HostView:
    """What a client needs to reach a set of hosts: addresses, port, inventory, known_hosts, key."""

    def __init__(self, addresses, port, inventory, known_hosts, identity):
        self.addresses, self.port = addresses, port
        self.inventory, self.known_hosts, self.identity = inventory, known_hosts, identity


class ProxiedHosts:
    """Starts the delay proxy in front of the first `count` fleet hosts; `stop()` ends it (by its pid)."""

    def __init__(self, fleet, count, one_way_ms, work, max_connections=256):
        self.fleet, self.count, self.one_way_ms, self.work = fleet, count, one_way_ms, work
        self.max_connections = max_connections
        self.log = os.path.join(work, "delay-proxy.jsonl")
        self.proc = None
        self.view = None

    def start(self):
        targets = self.fleet.addresses()[:self.count]
        listeners = [f"{PROXY_NET}.{i}" for i in range(1, len(targets) + 1)]
        self.view = self.write_client_files(listeners)
        open(self.log, "w").close()
        pairs = [arg for listen, target in zip(listeners, targets) for arg in ("--pair", f"{listen}:{PROXY_PORT}={target}:22")]
        argv = ["ip", "netns", "exec", self.fleet.netns, sys.executable, PROXY, "--delay-ms", str(self.one_way_ms),
                "--log", self.log, "--trace", "--max-connections", str(self.max_connections), *pairs]
        stderr = open(os.path.join(self.work, "delay-proxy.err"), "w")
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=stderr, text=True)
        if self.proc.stdout.readline().strip() != "ready":
            self.stop()
            raise RuntimeError(f"delay proxy did not start (see {stderr.name})")
        return self.view

    def write_client_files(self, listeners):
        """Inventory and known_hosts for the proxied addresses: the fleet's host key under the new names."""
        info = self.fleet.info
        with open(info["knownHosts"]) as f:
            key = " ".join(f.readline().split()[1:3])
        known = os.path.join(self.work, "proxied-known_hosts")
        with open(known, "w") as f:
            f.writelines(f"[{a}]:{PROXY_PORT} {key}\n" for a in listeners)
        inventory = os.path.join(self.work, "proxied-inventory.yaml")
        with open(inventory, "w") as f:
            f.write(f"# {len(listeners)} fleet hosts behind the delay proxy ({self.one_way_ms} ms each way)\n")
            f.write(f"defaults:\n  user: root\n  identityFile: {info['identityFile']}\nhosts:\n")
            f.writelines(f"  - {{ name: h{i:04d}, address: {a}, port: {PROXY_PORT} }}\n" for i, a in enumerate(listeners, 1))
        return HostView(listeners, PROXY_PORT, inventory, known, info["identityFile"])

    def mark(self):
        """Where the connection log ends now: pass it to connections_since() after a run."""
        return os.path.getsize(self.log)

    def connections_since(self, mark, expected, wait=5.0):
        """The proxy's records of connections that ended after `mark` (waits up to `wait` s for `expected`)."""
        deadline = time.monotonic() + wait
        while True:
            with open(self.log) as f:
                f.seek(mark)
                records = [json.loads(line) for line in f if line.endswith("\n")]
            if len(records) >= expected or time.monotonic() > deadline:
                return records
            time.sleep(0.1)

    def stop(self):
        end_child(self.proc)
        self.proc = None


def end_child(proc, grace_s=5):
    """Ends a child this bench started (by its Popen, never by name): TERM, then KILL after grace_s."""
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def per_host(records):
    """Connections grouped by fleet host (a tool may open more than one per host): per-host wall
    (first accept to last client EOF, ms) and round trips (summed over its connections)."""
    hosts = {}
    for r in records:
        h = hosts.setdefault(r["target"], {"start": r["acceptedAt"], "end": r["acceptedAt"] + r["lifetimeMs"] / 1000,
                                           "roundTrips": 0, "connections": 0})
        h["start"] = min(h["start"], r["acceptedAt"])
        h["end"] = max(h["end"], r["acceptedAt"] + r["lifetimeMs"] / 1000)
        h["roundTrips"] += r["roundTrips"]
        h["connections"] += 1
    return {t: {"wallMs": round((h["end"] - h["start"]) * 1000, 1), "roundTrips": h["roundTrips"], "connections": h["connections"]}
            for t, h in hosts.items()}


def run_figures(records, hosts):
    """One run's per-host medians from the proxy's records."""
    by_host = per_host(records)
    walls = [h["wallMs"] for h in by_host.values()]
    trips = [h["roundTrips"] for h in by_host.values()]
    return {
        "hostsSeen": len(by_host), "hosts": hosts,
        "connectionsPerHost": round(sum(h["connections"] for h in by_host.values()) / hosts, 2),
        "hostWallMs": statistics.median(walls) if walls else None,
        "hostWallMsMin": min(walls) if walls else None, "hostWallMsMax": max(walls) if walls else None,
        "roundTrips": statistics.median(trips) if trips else None,
        "roundTripsMin": min(trips) if trips else None, "roundTripsMax": max(trips) if trips else None,
    }
