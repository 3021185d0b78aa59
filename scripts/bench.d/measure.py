#!/usr/bin/env python3
"""Runs one client command and measures its whole process tree.

    measure.py [--stdout FILE] [--stderr FILE] [--sample-ms N] [--timeout S] -- CMD...

Prints one JSON object on stdout: wall seconds (spawn to the command's exit), user and sys CPU
seconds of the whole tree, the largest RSS of any one process of the tree as the kernel recorded
it (maxRssKb, ru_maxrss: exact, but never below this Python's own ~11 MB, because the command is
forked from it and Linux carries the peak across exec) and as sampled (maxProcRssKb), the peak of
the sampled sum of RSS over the tree (treePeakRssKb), and the exit code.

How: this process becomes a child subreaper (prctl PR_SET_CHILD_SUBREAPER) before it starts CMD,
so a descendant that daemonizes (OpenSSH's ControlPersist master under Ansible) is re-parented to
it instead of init, and is reaped here: getrusage(RUSAGE_CHILDREN) then covers every process the
client started, whatever its shape. Once CMD has exited, descendants still alive are sent TERM
(KILL after 3 s) and reaped; they are ours (found by walking this process's children), never
looked up by name. Wall time stops when CMD exits, not when its leftovers are gone. With
--timeout, the whole tree is sent TERM (KILL 3 s later) once CMD has run that long ("timedOut").
"""
import ctypes
import json
import os
import resource
import signal
import sys
import time

PR_SET_CHILD_SUBREAPER = 36
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def ppid_map():
    """pid -> ppid for every process visible now."""
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        rest = stat[stat.rfind(b")") + 2:].split()
        out[int(name)] = int(rest[1])
    return out


def descendants(root, parents):
    children = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    seen, todo = [], [root]
    while todo:
        pid = todo.pop()
        for child in children.get(pid, []):
            seen.append(child)
            todo.append(child)
    return seen


def signal_tree(me, sig):
    for p in descendants(me, ppid_map()):
        try:
            os.kill(p, sig)
        except ProcessLookupError:
            pass


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


def main(argv):
    stdout_path = stderr_path = None
    sample_ms = 200
    timeout = None
    while argv and argv[0] != "--":
        flag = argv.pop(0)
        if flag == "--stdout":
            stdout_path = argv.pop(0)
        elif flag == "--stderr":
            stderr_path = argv.pop(0)
        elif flag == "--sample-ms":
            sample_ms = int(argv.pop(0))
        elif flag == "--timeout":
            timeout = float(argv.pop(0))
        else:
            sys.exit(f"measure.py: unknown flag {flag}")
    if not argv or len(argv) < 2:
        sys.exit("usage: measure.py [--stdout F] [--stderr F] [--sample-ms N] -- CMD...")
    cmd = argv[1:]
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit("measure.py: prctl(PR_SET_CHILD_SUBREAPER) failed")
    me = os.getpid()
    out = os.open(stdout_path or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    err = os.open(stderr_path or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
            os.dup2(out, 1)
            os.dup2(err, 2)
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    os.close(out)
    os.close(err)
    peak_tree = 0
    peak_proc = 0
    status = None
    wall = None
    timed_out_at = None
    interval = sample_ms / 1000.0
    next_sample = started
    while status is None:
        now = time.monotonic()
        if sample_ms > 0 and now >= next_sample:
            # Everything below us: the command's tree and orphans re-parented to us (ssh masters).
            tree = descendants(me, ppid_map())
            sizes = [rss_kb(p) for p in tree]
            peak_tree = max(peak_tree, sum(sizes))
            peak_proc = max([peak_proc, *sizes])
            next_sample = now + interval
        # Reap whatever has exited (our command, or an orphan of its tree).
        while True:
            try:
                reaped, code = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                reaped = 0
            if reaped == 0:
                break
            if reaped == pid:
                wall = time.monotonic() - started
                status = code
                break
        if status is None and timeout is not None and now - started > timeout and timed_out_at is None:
            timed_out_at = now
            signal_tree(me, signal.SIGTERM)
        if status is None and timed_out_at is not None and now - timed_out_at > 3:
            signal_tree(me, signal.SIGKILL)
        if status is None:
            time.sleep(min(0.02, interval) if sample_ms > 0 else 0.02)
    # Leftovers (e.g. ControlPersist masters): TERM, then KILL, and reap them all.
    deadline = time.monotonic() + 3
    sent_kill = False
    while True:
        left = descendants(me, ppid_map())
        if not left:
            break
        for p in left:
            try:
                os.kill(p, signal.SIGKILL if sent_kill else signal.SIGTERM)
            except ProcessLookupError:
                pass
        time.sleep(0.05)
        while True:
            try:
                reaped, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                reaped = 0
            if reaped == 0:
                break
        if time.monotonic() > deadline:
            sent_kill = True
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    code = os.waitstatus_to_exitcode(status)
    print(json.dumps({
        "wall": round(wall, 3),
        "user": round(usage.ru_utime, 3),
        "sys": round(usage.ru_stime, 3),
        "cpu": round(usage.ru_utime + usage.ru_stime, 3),
        "maxRssKb": usage.ru_maxrss,
        "maxProcRssKb": peak_proc,
        "treePeakRssKb": peak_tree,
        "exitCode": code,
        "timedOut": timed_out_at is not None,
    }))


if __name__ == "__main__":
    main(sys.argv[1:])
