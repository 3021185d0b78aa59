"""The per-node cleanup comparison (issue 20): nodescrub run against the reference's own commands.

Two RKE1 lab nodes (`scripts/lab up 2 --no-faults` in the bench's lab dir), seeded identically at
scale every round (`scripts/lab seed --containers N --mounts M --rules K`). On one node
`nodescrub run --yes` (the built dist/ CLI, both nodes logging in as root, --report for the steps,
--output ndjson for the phases); on the other scripts/lab.d/reference-cleanup.sh, unchanged, piped to
`sh -s` over one OpenSSH session as an operator would run it. One after the other, never at once (2
CPUs: at once they would slow each other down unevenly). Between rounds the nodes and the order swap.
After each run `scripts/lab status NODE` says whether the node is clean (and intact): a run that did
not clean counts as failed, not as fast.

What each spends its time on:
- nodescrub: startup (launch to its run-started event), the connect / discover / verify phases
  (phase-started/-finished events of --output ndjson; discover includes the live-node guard),
  backup (discover's end to the first step: the default cluster-data archive), every step's
  durationMs from the --report JSON, and exit (run-finished event to the process's end).
- reference: the script prints a `== N. …` line as each of its five steps starts; the bench
  timestamps every line as it arrives at the client (loopback, no delay), so the script runs
  exactly as written: connect + login is launch to the first line, step N is its line to the next
  one, exit is `== done` to the process's end.
"""
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime

REPO = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
LAB = os.path.join(REPO, "scripts", "lab")
CLI = os.path.join(REPO, "dist", "cli", "main.js")
REFERENCE = os.path.join(REPO, "scripts", "lab.d", "reference-cleanup.sh")
REFERENCE_STEPS = {"1": "docker", "2": "mounts", "3": "directories", "4": "interfaces", "5": "iptables"}
NODES = ("node1", "node2")
TOOLS = ("nodescrub", "reference")


def log(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


class NodeLab:
    """Two lab nodes in the bench's lab dir (its own ports), brought up and taken down by the bench."""

    def __init__(self, lab_dir, port_base):
        self.dir = os.path.realpath(lab_dir)
        self.port_base = port_base
        self.info = None

    def env(self):
        return dict(os.environ, NODESCRUB_LAB_DIR=self.dir, NODESCRUB_LAB_PORT_BASE=str(self.port_base))

    def lab(self, *args, check=True, capture=False):
        return subprocess.run([LAB, *args], env=self.env(), check=check, text=True,
                              stdout=subprocess.PIPE if capture else sys.stderr)

    def up(self):
        if os.path.exists(os.path.join(self.dir, "lab.conf")) or os.path.isdir(os.path.join(self.dir, "nodes")):
            log(f"a lab is already up in {self.dir}: taking it down first")
            self.down()
        self.lab("up", str(len(NODES)), "--no-faults")
        with open(os.path.join(self.dir, "nodes.json")) as f:
            self.info = json.load(f)

    def down(self):
        if os.path.isdir(self.dir):
            self.lab("down", check=False)
        self.info = None

    def port(self, node):
        return next(n["port"] for n in self.info["nodes"] if n["name"] == node)

    def seed(self, containers, mounts, rules):
        t0 = time.monotonic()
        self.lab("seed", "--containers", str(containers), "--mounts", str(mounts), "--rules", str(rules), *NODES)
        return round(time.monotonic() - t0, 1)

    def status(self, node):
        """`scripts/lab status NODE` as a dict (its exit code only says clean and intact or not)."""
        out = self.lab("status", node, check=False, capture=True).stdout.strip().splitlines()
        try:
            return json.loads(out[-1])
        except (IndexError, ValueError):
            return {"node": node, "clean": False, "intact": False, "leftovers": None, "problem": "no status line"}

    def inventory(self, path):
        """Both nodes as root with the lab's key: the same login as the reference's ssh."""
        with open(path, "w") as f:
            f.write(f"# nodescrub bench, per-node cleanup: the lab's nodes in {self.dir}, all as root\n")
            f.write(f"defaults:\n  user: root\n  identityFile: {self.dir}/id_ed25519\nhosts:\n")
            for node in NODES:
                f.write(f"  - {{ name: {node}, address: 127.0.0.1, port: {self.port(node)} }}\n")

    def ssh_argv(self, node, command):
        return ["ssh", "-i", f"{self.dir}/id_ed25519", "-o", f"UserKnownHostsFile={self.dir}/known_hosts",
                "-o", "StrictHostKeyChecking=yes", "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                "-p", str(self.port(node)), "root@127.0.0.1", command]


def parse_ts(ts):
    return datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp()


def nodescrub_phases(events, report, launched, ended):
    """[(phase, ms)] in order: startup, connect, discover, backup, the steps, verify, exit."""
    phases, starts = [], {}
    first_step = run_started = run_finished = discover_end = None
    for e in events:
        t = parse_ts(e["ts"])
        if e["type"] == "run-started":
            run_started = t
        elif e["type"] == "run-finished":
            run_finished = t
        elif e["type"] == "phase-started":
            starts[e["phase"]] = t
        elif e["type"] == "phase-finished" and e["phase"] in starts:
            phases.append((e["phase"], (t - starts[e["phase"]]) * 1000))
            if e["phase"] == "discover":
                discover_end = t
        elif e["type"] == "step-started" and first_step is None:
            first_step = t
    out = []
    if run_started is not None:
        out.append(("startup (node, until run-started)", (run_started - launched) * 1000))
    out += [(p, ms) for p, ms in phases if p in ("connect", "discover")]
    if discover_end is not None and first_step is not None:
        out.append(("backup (cluster data, default)", (first_step - discover_end) * 1000))
    host = report["hosts"][0] if report and report.get("hosts") else {}
    for s in host.get("steps", []):
        if s.get("status") == "noop" and not s.get("durationMs"):
            continue  # a step with nothing to do on this node (containerd, ipvs, tc-bpf, …): 0 ms
        out.append((f"step {s.get('id')}", float(s.get("durationMs") or 0)))
    out += [(p, ms) for p, ms in phases if p not in ("connect", "discover")]
    if run_finished is not None:
        out.append(("exit (after run-finished)", (ended - run_finished) * 1000))
    return [(name, round(ms)) for name, ms in out]


def run_nodescrub(lab, node, work, tag, inventory, step_timeout):
    report = os.path.join(work, f"{tag}-nodescrub-{node}.report.json")
    out_file = os.path.join(work, f"{tag}-nodescrub-{node}.ndjson")
    err_file = os.path.join(work, f"{tag}-nodescrub-{node}.err")
    argv = ["node", CLI, "run", "--yes", "-i", inventory, "--known-hosts", f"{lab.dir}/known_hosts", "-l", node,
            "--report", report, "--output", "ndjson", "--step-timeout", str(step_timeout)]
    load = loadavg()
    with open(out_file, "w") as out, open(err_file, "w") as err:
        launched, t0 = time.time(), time.monotonic()
        try:  # nodescrub bounds every step itself; this only keeps a hung run from stopping the bench
            code = subprocess.run(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, timeout=2 * step_timeout).returncode
        except subprocess.TimeoutExpired:
            code = "killed"
        wall, ended = time.monotonic() - t0, time.time()
    events = []
    with open(out_file) as f:
        for line in f:
            try:
                events.append(json.loads(line))
            except ValueError:
                pass
    try:
        with open(report) as f:
            rep = json.load(f)
    except (OSError, ValueError):
        rep = None
    host = rep["hosts"][0] if rep and rep.get("hosts") else {}
    problem = None
    if code != 0 or host.get("status") != "ok":
        problem = f"exit {code}, host status {host.get('status')} (see {err_file})"
    return {"tool": "nodescrub", "node": node, "wall": round(wall, 3), "exitCode": code, "loadavg1": load,
            "hostStatus": host.get("status"), "hostDurationMs": host.get("durationMs"),
            "removed": host.get("removed"), "phases": nodescrub_phases(events, rep, launched, ended),
            "argv": argv, "report": report, "problem": problem}


def run_reference(lab, node, work, tag, timeout):
    out_file = os.path.join(work, f"{tag}-reference-{node}.out")
    err_file = os.path.join(work, f"{tag}-reference-{node}.err")
    argv = lab.ssh_argv(node, "sh -s")
    load = loadavg()
    marks = []  # (seconds since launch, line)
    with open(REFERENCE, "rb") as script, open(err_file, "wb") as err:
        t0 = time.monotonic()
        p = subprocess.Popen(argv, stdin=script, stdout=subprocess.PIPE, stderr=err, bufsize=0)
        timer = threading.Timer(timeout, p.kill)  # a hung session must not stop the bench
        timer.start()
        try:
            for line in iter(p.stdout.readline, b""):
                marks.append((time.monotonic() - t0, line.decode(errors="replace").rstrip("\n")))
            code = p.wait()
            wall = time.monotonic() - t0
        finally:
            timer.cancel()
    with open(out_file, "w") as f:
        f.writelines(f"{t:9.3f} {line}\n" for t, line in marks)
    steps = [(t, line[3:]) for t, line in marks if line.startswith("== ")]
    phases = []
    if steps:
        phases.append(("connect + login (ssh until the first line)", steps[0][0] * 1000))
        for (t, text), nxt in zip(steps, steps[1:] + [(wall, None)]):
            m = re.match(r"(\d+)\.", text)
            name = f"step {REFERENCE_STEPS.get(m.group(1), text)}" if m else ("exit (after '== done')" if text == "done" else text)
            phases.append((name, (nxt[0] - t) * 1000))
    with open(err_file, errors="replace") as f:
        stderr = f.read().strip()
    done = any(line == "== done" for _, line in marks)
    problem = None if code == 0 and done else f"exit {code}{'' if done else ', no == done'} (see {err_file})"
    return {"tool": "reference", "node": node, "wall": round(wall, 3), "exitCode": code, "loadavg1": load,
            "phases": [(n, round(ms)) for n, ms in phases], "stderr": stderr[-2000:], "argv": argv + ["< " + REFERENCE],
            "problem": problem}


def node_cleanup_series(args, work):
    c, m, k, rounds = args.node_containers, args.node_mounts, args.node_rules, args.node_rounds
    work = os.path.join(work, "node-cleanup")
    os.makedirs(work, exist_ok=True)
    lab = NodeLab(args.lab_dir, args.node_port_base)
    log(f"per-node cleanup: 2 lab nodes in {lab.dir} (ports {args.node_port_base}+), seeded with {c} containers, "
        f"{m} mounts, {k} iptables rules; {rounds} round(s)")
    runs, seeds = [], []
    try:
        t0 = time.monotonic()
        lab.up()
        up_s = round(time.monotonic() - t0, 1)
        inventory = os.path.join(work, "inventory.yaml")
        lab.inventory(inventory)
        # Warm-up, not measured: node and the CLI's modules in the page cache, one ssh login per node.
        subprocess.run(["node", CLI, "--version"], stdout=subprocess.DEVNULL, check=False)
        for node in NODES:
            subprocess.run(lab.ssh_argv(node, "true"), stdin=subprocess.DEVNULL, check=False)
        for round_no in range(1, rounds + 1):
            seed_s = lab.seed(c, m, k)
            seeded = {node: lab.status(node) for node in NODES}
            want = {"containers": c, "mounts": m, "iptables_rules": k}
            short = {node: {key: (s.get("leftovers") or {}).get(key) for key in want
                            if ((s.get("leftovers") or {}).get(key) or 0) < want[key]} for node, s in seeded.items()}
            seeds.append({"round": round_no, "seconds": seed_s, "leftovers": {n: s.get("leftovers") for n, s in seeded.items()}})
            log(f"round {round_no}/{rounds}: seeded both nodes in {seed_s:.1f}s: "
                + "; ".join(f"{n} {json.dumps(s.get('leftovers'), separators=(',', ':'))}" for n, s in seeded.items()))
            # odd rounds: nodescrub on node1 first, then the reference on node2; even rounds: swapped.
            order = [("nodescrub", "node1"), ("reference", "node2")]
            if round_no % 2 == 0:
                order = [("reference", "node1"), ("nodescrub", "node2")]
            for tool, node in order:
                if tool == "nodescrub":
                    r = run_nodescrub(lab, node, work, f"r{round_no}", inventory, args.step_timeout)
                else:
                    r = run_reference(lab, node, work, f"r{round_no}", 2 * args.step_timeout)
                status = lab.status(node)
                r["round"] = round_no
                r["seededShort"] = short[node] or None
                r["statusAfter"] = status
                r["clean"] = bool(status.get("clean"))
                r["intact"] = bool(status.get("intact"))
                r["ok"] = r["problem"] is None and r["clean"] and r["intact"] and not short[node]
                if not r["ok"]:
                    why = [x for x in (r["problem"], None if r["clean"] else f"not clean after: {json.dumps(status.get('leftovers'))}",
                                       None if r["intact"] else f"not intact: {json.dumps(status.get('keepers'))}",
                                       f"seeded short: {short[node]}" if short[node] else None) if x]
                    r["problem"] = "; ".join(why)
                runs.append(r)
                log(f"round {round_no}/{rounds} {tool:9s} on {node}: wall {r['wall']:7.2f}s  load {r['loadavg1']:.1f}  "
                    f"{'clean' if r['clean'] else 'NOT CLEAN'}{'' if r['intact'] else ' NOT INTACT'}"
                    + ("" if r["ok"] else f"  NOT OK: {r['problem']}"))
    finally:
        lab.down()
    summary = {tool: tool_summary([r for r in runs if r["tool"] == tool]) for tool in TOOLS}
    ns, ref = summary["nodescrub"]["wall"], summary["reference"]["wall"]
    ratio = round(ns / ref, 3) if ns and ref else None
    return {"containers": c, "mounts": m, "iptablesRules": k, "rounds": rounds, "labDir": lab.dir, "portBase": args.node_port_base,
            "upSeconds": up_s if runs or seeds else None, "seeds": seeds, "runs": runs, "summary": summary, "ratio": ratio,
            "reference": os.path.relpath(REFERENCE, REPO)}


def tool_summary(runs):
    good = [r for r in runs if r["ok"]]
    names = []
    for r in good:
        for name, _ in r["phases"]:
            if name not in names:
                names.append(name)
    phases = [[name, med([dict(r["phases"]).get(name) for r in good])] for name in names]
    return {"runs": len(runs), "okRuns": len(good), "wall": med([r["wall"] for r in good]),
            "wallMin": min((r["wall"] for r in good), default=None), "wallMax": max((r["wall"] for r in good), default=None),
            "phases": phases}


def fmt(value, digits=1):
    return "-" if value is None else f"{value:.{digits}f}"


def print_node_cleanup(nc, table):
    print(f"\nper-node cleanup: one lab node each, seeded with {nc['containers']} containers, {nc['mounts']} mounts, "
          f"{nc['iptablesRules']} iptables rules; {nc['rounds']} round(s), tools and nodes swapped between rounds:")
    rows = [[str(r["round"]), r["tool"], r["node"], fmt(r["wall"], 2), "yes" if r["clean"] else "NO", "yes" if r["intact"] else "NO",
             fmt(r["loadavg1"], 1), "ok" if r["ok"] else f"NOT COUNTED: {r['problem']}"] for r in nc["runs"]]
    print(table(rows, ["round", "tool", "node", "wall s", "clean", "intact", "load", ""], ["r", "l", "l", "r", "l", "l", "r", "l"]))
    seeds = ", ".join(f"{s['seconds']:.0f} s" for s in nc["seeds"])
    print(f"seeding both nodes at once took {seeds} per round (lab up {fmt(nc['upSeconds'], 1)} s).")
    for tool in TOOLS:
        s = nc["summary"][tool]
        label = "nodescrub run --yes (dist/, --report, --output ndjson)" if tool == "nodescrub" else \
            f"reference: {nc['reference']} piped to `sh -s` over one ssh session"
        print(f"\n{label}: wall {fmt(s['wall'], 2)} s (median of {s['okRuns']}/{s['runs']} clean runs)")
        if s["phases"]:
            total = sum(ms or 0 for _, ms in s["phases"])
            rows = [[name, fmt(ms, 0), fmt(100 * ms / (s["wall"] * 1000), 1) if ms is not None and s["wall"] else "-"] for name, ms in s["phases"]]
            rows.append(["(sum)", fmt(total, 0), fmt(100 * total / (s["wall"] * 1000), 1) if s["wall"] else "-"])
            print(table(rows, ["where the time goes", "ms (median)", "% of wall"], ["l", "r", "r"]))
    print(f"\nnodescrub ÷ reference (median walls): {fmt(nc['ratio'], 2)}")


def node_cleanup_target(nc):
    note = None
    if nc["ratio"] is None:
        bad = [t for t in TOOLS if not nc["summary"][t]["okRuns"]]
        note = f"no clean run of {', '.join(bad)}" if bad else "not measured"
    return {"name": f"per-node cleanup wall ÷ reference by hand ({nc['containers']} containers, {nc['mounts']} mounts, "
                    f"{nc['iptablesRules']} iptables rules)",
            "value": nc["ratio"], "limit": 1.0, "note": note}
