#!/usr/bin/env python3
"""Start-up timer: wall time of fork+exec+wait per command, alternating.

usage: harness.py N ENVFILE -- NAME CMD... -- NAME CMD... ...
Each command runs N times; the commands take turns (run i of every command
before run i+1 of any), so drifts in machine load hit all of them alike.
stdin, stdout and stderr are /dev/null. A non-zero exit fails the harness.
Prints one line per command: name, median ms, p90 ms, min ms.
"""
import os
import shutil
import statistics
import sys
import time

WARMUP = 10


def spawn_time(argv, env):
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, "/dev/null", os.O_WRONLY, 0),
    ]
    t0 = time.perf_counter_ns()  # CLOCK_MONOTONIC underneath
    pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)
    _, status = os.waitpid(pid, 0)
    t1 = time.perf_counter_ns()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"harness: {' '.join(argv)} exited {os.waitstatus_to_exitcode(status)}")
    return (t1 - t0) / 1e6


def quantile(sorted_ms, q):
    # nearest rank
    k = max(0, min(len(sorted_ms) - 1, int(round(q * len(sorted_ms) + 0.5)) - 1))
    return sorted_ms[k]


def main():
    n = int(sys.argv[1])
    env = {}
    with open(sys.argv[2]) as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                k, _, v = line.partition("=")
                env[k] = v
    rest = sys.argv[3:]
    cmds = []
    while rest and rest[0] == "--":
        rest = rest[1:]
        end = rest.index("--") if "--" in rest else len(rest)
        name, argv = rest[0], rest[1:end]
        path = argv[0] if "/" in argv[0] else shutil.which(argv[0], path=env.get("PATH"))
        if path is None:
            sys.exit(f"harness: {argv[0]} not found")
        cmds.append((name, [path] + argv[1:]))
        rest = rest[end:]
    times = {name: [] for name, _ in cmds}
    for i in range(WARMUP + n):
        for name, argv in cmds:
            ms = spawn_time(argv, env)
            if i >= WARMUP:
                times[name].append(ms)
    for name, _ in cmds:
        t = sorted(times[name])
        print(f"{name}\t{statistics.median(t):.3f}\t{quantile(t, 0.9):.3f}\t{t[0]:.3f}")


if __name__ == "__main__":
    main()
