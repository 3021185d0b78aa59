"""BSD process accounting inside the fleet's pid namespace: which processes a run made the fleet start.

acct(2) is per pid namespace: turned on from inside the fleet's (nsenter into the fleet init's pid
and mount namespaces, then `accton FILE`), it records every process that ends in that namespace —
the sshd sessions, the shells and every program the remote commands start — and nothing of the
machine's. The file lives in the fleet's own root (its overlay), never in a system path, and goes
with the fleet. One record per process, written when it exits (`man 5 acct`, struct acct_v3):
AFORK set = forked and never exec'd (a subshell), clear = it ran a program (ac_comm: the last one
it exec'd). CPU (ac_utime + ac_stime) is in 1/100 s per process, rounded down by the kernel, so it
undercounts short processes; the fleet CPU column of the bench (from /proc) is the exact total.
"""
import contextlib
import os
import signal
import struct
import subprocess
import sys

ACCT_V3 = struct.Struct("<BBHIIIIIIf8H16s")  # 64 bytes, little-endian (x86-64, arm64)
AFORK = 0x01
AHZ = 100  # the unit of ac_utime/ac_stime/ac_etime in acct_v3
ACCT_DIR = "/var/lib/nodescrub-bench"  # inside the fleet (its overlay's upper dir on the machine)
OWN = {"accton"}  # the accton runs that turn accounting on and off: the bench's, not the run's


def comp_t(value):
    """comp_t: a 13-bit mantissa and a 3-bit base-8 exponent."""
    return (value & 0x1FFF) << (3 * (value >> 13))


def parse(data):
    """acct_v3 records -> dicts; refuses another format (a kernel without BSD_PROCESS_ACCT_V3)."""
    records = []
    for offset in range(0, len(data) - len(data) % ACCT_V3.size, ACCT_V3.size):
        (flag, version, _tty, exitcode, _uid, _gid, pid, ppid, btime, etime,
         utime, stime, *_rest, comm) = ACCT_V3.unpack_from(data, offset)
        if version & 0x7F != 3:
            raise ValueError(f"acct record version {version}, expected 3 (acct_v3)")
        records.append({
            "comm": comm.split(b"\0", 1)[0].decode(errors="replace"),
            "forkOnly": bool(flag & AFORK),
            "pid": pid, "ppid": ppid, "btime": btime, "exitcode": exitcode,
            "cpu": (comp_t(utime) + comp_t(stime)) / AHZ,
            "elapsed": etime / AHZ,
        })
    return records


def summarize(records, hosts, top=8):
    """Per-host figures of one run's records; the bench's own accton runs left out."""
    records = [r for r in records if r["comm"] not in OWN]
    by_comm = {}
    for r in records:
        entry = by_comm.setdefault(r["comm"], {"count": 0, "cpu": 0.0})
        entry["count"] += 1
        entry["cpu"] += r["cpu"]
    execs = sum(1 for r in records if not r["forkOnly"])
    per_host = lambda n: round(n / hosts, 2)
    return {
        "records": len(records),
        "processesPerHost": per_host(len(records)),
        "execsPerHost": per_host(execs),
        "forkOnlyPerHost": per_host(len(records) - execs),
        "cpuPerHostMs": round(sum(r["cpu"] for r in records) / hosts * 1000, 1),
        "byCommand": {comm: {"perHost": per_host(e["count"]), "cpuPerHostMs": round(e["cpu"] / hosts * 1000, 1)}
                      for comm, e in sorted(by_comm.items(), key=lambda kv: -kv[1]["count"])},
        "topByCount": [[c, per_host(e["count"])] for c, e in sorted(by_comm.items(), key=lambda kv: -kv[1]["count"])[:top]],
        "topByCpu": [[c, round(e["cpu"] / hosts * 1000, 1)] for c, e in sorted(by_comm.items(), key=lambda kv: -kv[1]["cpu"])[:top] if e["cpu"] > 0],
    }


@contextlib.contextmanager
def signals_deferred():
    """Ctrl-C / TERM / HUP wait until the block is done (turning accounting off must not be cut short)."""
    sigs = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


class FleetAccounting:
    """`with FleetAccounting(init_pid, name) as acct:` accounting on in the fleet for the block, off
    after it whatever happens (exception, Ctrl-C); then `acct.records()`. Should turning it off
    fail, the fleet's teardown ends it anyway: the pid namespace closes its accounting file."""

    def __init__(self, init_pid, name):
        self.init_pid = init_pid
        self.inner = f"{ACCT_DIR}/{name}.acct"                  # the path inside the fleet
        self.outer = f"/proc/{init_pid}/root{self.inner}"       # the same file, seen from here
        self.data = None

    def accton(self, *args):
        # -p forks into the fleet's pid namespace (acct(2) applies to the caller's), -m/-r/-w: its root.
        subprocess.run(["nsenter", "-t", str(self.init_pid), "-p", "-m", "-r", "-w", "--", "accton", *args],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def __enter__(self):
        os.makedirs(os.path.dirname(self.outer), exist_ok=True)
        open(self.outer, "wb").close()
        with signals_deferred():
            self.accton(self.inner)
        return self

    def __exit__(self, exc_type, _exc, _tb):
        with signals_deferred():
            self.accton("off")
        if exc_type is not None:
            print(f"bench: process accounting in the fleet turned off ({exc_type.__name__})", file=sys.stderr, flush=True)
        with open(self.outer, "rb") as f:
            self.data = f.read()
        os.unlink(self.outer)
        return False

    def records(self):
        return parse(self.data)
