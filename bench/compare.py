#!/usr/bin/env python3
"""Run commands side by side and print the median wall time and peak memory.

    bench/compare.py [--runs 5] [--cwd DIR] NAME=COMMAND [NAME=COMMAND ...]

Each command runs through `sh -c` with stdout discarded, RUNS times, in turn
(round-robin, so a machine hiccup hits every command alike). Wall time is the
median; peak memory is the largest resident set of any run (os.wait4 gives
each child's own maximum). Prints a Markdown table; the first command is the
reference for the ratio column.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time


def run_once(cmd: str, cwd: "str | None") -> "tuple[float, float, int]":
    start = time.perf_counter()
    proc = subprocess.Popen(["sh", "-c", cmd], cwd=cwd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024.0, code  # ru_maxrss is KiB on Linux


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cwd", default=None)
    ap.add_argument("commands", nargs="+", help="NAME=COMMAND")
    args = ap.parse_args()
    named = [c.split("=", 1) for c in args.commands]
    results = {name: [] for name, _ in named}
    codes = {}
    for name, cmd in named:  # warm the page cache once
        codes[name] = run_once(cmd, args.cwd)[2]
    for _ in range(args.runs):
        for name, cmd in named:
            results[name].append(run_once(cmd, args.cwd))
    ref = statistics.median(w for w, _, _ in results[named[0][0]])
    print(f"| command | median wall (s) of {args.runs} | vs {named[0][0]} | peak RSS (MB) | exit |")
    print("|---|---:|---:|---:|---:|")
    for name, cmd in named:
        walls = [w for w, _, _ in results[name]]
        med = statistics.median(walls)
        rss = max(m for _, m, _ in results[name])
        print(f"| {name} | {med:.3f} | {med / ref:.2f}x | {rss:.1f} | {codes[name]} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
