#!/usr/bin/env python3
"""Compare qscan's Python `typed` counts in mypy mode with mypy's own.

mypy's `--linecount-report` lists, per module, the functions it counts and how
many of them are annotated. qscan's mypy mode promises the same two numbers
for every module where mypy synthesizes no methods (dataclasses, attrs,
NamedTuple, TypedDict). This script runs both on a folder and prints every
module side by side, marks the ones excluded for synthesized methods, and
exits 1 on any disagreement in the others.

    bench/mypy_agreement.py [--qscan PATH] DIR [MYPY TARGETS...]

MYPY TARGETS default to every top-level package and module in DIR.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

SYNTHESIZES = re.compile(
    r"@(dataclasses\.)?dataclass|@attr\.s\b|@attrs\b|@(attr\.|attrs\.)?(define|frozen|mutable)\b"
    r"|\bNamedTuple\b|\bTypedDict\b"
)


def qscan_counts(qscan: str, folder: str) -> "dict[str, tuple[int, int]]":
    out = subprocess.run(
        [qscan, folder, "--dump-facts"], check=True, capture_output=True, text=True
    ).stdout
    counts = {}
    for f in json.loads(out)["files"]:
        if f["language"] != "python":
            continue
        units = [fn for fn in f["functions"] if fn["typed_unit"]]
        annotated = sum(1 for fn in units if fn["typing"]["Python"]["any_annotation"])
        counts[f["path"]] = (annotated, len(units))
    return counts


def mypy_counts(folder: str, targets: "list[str]") -> "dict[str, tuple[int, int]]":
    with tempfile.TemporaryDirectory() as report:
        # An empty config: the project's own mypy settings (an old
        # python_version, plugins) must not change what is counted.
        empty = os.path.join(report, "empty.ini")
        open(empty, "w").close()
        cmd = [
            sys.executable, "-m", "mypy", "--config-file", empty, "--linecount-report", report,
            "--platform", "linux", "--python-version", "3.13", "--ignore-missing-imports", "--follow-imports=silent", "--no-incremental",
            "--cache-dir=/dev/null", "--no-error-summary", *targets,
        ]
        run = subprocess.run(cmd, cwd=folder, capture_output=True, text=True)
        path = os.path.join(report, "linecount.txt")
        if not os.path.exists(path):
            sys.exit(f"mypy wrote no report (exit {run.returncode}):\n{run.stdout}{run.stderr}")
        counts = {}
        with open(path) as fh:
            next(fh)  # the total line
            for line in fh:
                _, _, annotated, total, module = line.split()
                counts[module] = (int(annotated), int(total))
        return counts


def module_file(module: str, paths: "dict[str, tuple[int, int]]") -> "str | None":
    """The one path whose module components end with the module's."""
    want = module.split(".")
    found = []
    for p in paths:
        comps = p[: -len(".pyi") if p.endswith(".pyi") else -len(".py")].split("/")
        if comps[-1] == "__init__":
            comps.pop()
        if comps[-len(want):] == want:
            found.append(p)
    found.sort(key=lambda p: (p.count("/"), p))
    return found[0] if found else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--qscan", default="target/release/qscan")
    ap.add_argument("folder")
    ap.add_argument("targets", nargs="*")
    args = ap.parse_args()
    folder = os.path.abspath(args.folder)
    targets = args.targets or sorted(
        e for e in os.listdir(folder)
        if not e.startswith(".") and not e.endswith(".egg-info")
        and (e.endswith(".py") or os.path.isdir(os.path.join(folder, e)))
    )
    ours = qscan_counts(os.path.abspath(args.qscan), folder)
    theirs = mypy_counts(folder, targets)
    agree = disagree = excluded = 0
    rows = []
    for module, (m_ann, m_tot) in sorted(theirs.items()):
        path = module_file(module, ours)
        if path is None:
            rows.append(f"?  {module}: mypy {m_ann}/{m_tot}, no file found")
            disagree += 1
            continue
        q_ann, q_tot = ours[path]
        with open(os.path.join(folder, path), encoding="utf-8", errors="replace") as fh:
            synth = bool(SYNTHESIZES.search(fh.read()))
        if (q_ann, q_tot) == (m_ann, m_tot):
            mark = "=="
            agree += 1
        elif synth:
            mark = "~~"
            excluded += 1
        else:
            mark = "!="
            disagree += 1
        rows.append(f"{mark} {path}: qscan {q_ann}/{q_tot}, mypy {m_ann}/{m_tot}"
                    + ("  (mypy synthesizes methods here)" if synth else ""))
    for r in rows:
        if not r.startswith("==") or os.environ.get("VERBOSE"):
            print(r)
    q_sum = [sum(x) for x in zip(*(ours[module_file(m, ours)] for m in theirs if module_file(m, ours)))] or [0, 0]
    m_sum = [sum(x) for x in zip(*theirs.values())] or [0, 0]
    print(f"modules: {agree} agree, {excluded} differ where mypy synthesizes methods, {disagree} disagree")
    print(f"annotated/total functions: qscan {q_sum[0]}/{q_sum[1]}, mypy {m_sum[0]}/{m_sum[1]}")
    sys.exit(1 if disagree else 0)


if __name__ == "__main__":
    main()
