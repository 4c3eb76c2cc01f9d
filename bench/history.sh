#!/usr/bin/env bash
# History benchmark: qscan with a history-only definition, side by side with
# `git log --first-parent -m --name-only --format=%H` over the same window, on
# a generated repository of 20,000 first-parent units over 5,000 files; and
# pydriller collecting the same files per unit over the 1,000-unit window.
#
# usage: bench/history.sh [REPO]   (default /tmp/qscan-bench-history; made if missing)
# needs: git, python3; uses hyperfine when installed (apt-get install -y
# hyperfine), else a loop of 5 runs; pydriller when importable (pip install
# pydriller), else says so.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
repo="${1:-/tmp/qscan-bench-history}"
runs=5
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

cargo build --release --quiet --manifest-path "$root/Cargo.toml"
qscan="${CARGO_TARGET_DIR:-$root/target}/release/qscan"

if [ ! -d "$repo/.git" ]; then
    python3 "$here/gen_history.py" "$repo"
fi
units_total=$(git -C "$repo" rev-list --first-parent --count HEAD)
files_total=$(git -C "$repo" ls-files | wc -l)
echo "repository: $repo ($units_total first-parent units, $files_total files, $(nproc) cores)"

cfg="$(mktemp -d)"
trap 'rm -rf "$cfg"' EXIT
definition() {
    cat > "$cfg/$1.toml" <<EOF
[history]
window = $2

[metrics.hot-files]
share = 0.5

[metrics.change-size]
max_files = 25
EOF
}
definition w1000 1000
definition all 100000000

# Same window, same run: qscan must give the same unit count as git.
check() {
    local n
    n=$("$qscan" "$repo" --config "$cfg/$1.toml" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["history"]["change_units"])') || true
    echo "qscan counted $n change units for window '$1'"
}
check w1000
check all

median_loop() {
    # prints the median wall time of $runs runs of "$@", in seconds
    local times=()
    for _ in $(seq "$runs"); do
        local s e
        s=$(date +%s.%N)
        "$@" > /dev/null 2>&1 || true
        e=$(date +%s.%N)
        times+=("$(echo "$e - $s" | bc)")
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
}

compare() {
    local name=$1 n=$2
    local q="$qscan $repo --config $cfg/$name.toml --format json"
    local g="git -C $repo log --first-parent -m --name-only --format=%H $n"
    echo
    echo "== window: $name =="
    if command -v hyperfine > /dev/null; then
        hyperfine --warmup 1 --runs "$runs" -i -N --style basic \
            --export-json "$cfg/$name.json" -n qscan "$q" -n "git log" "$g" > /dev/null
        python3 - "$cfg/$name.json" <<'EOF'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
q, g = r["qscan"]["median"], r["git log"]["median"]
print(f"  qscan    median {q * 1000:8.1f} ms")
print(f"  git log  median {g * 1000:8.1f} ms")
print(f"  ratio    qscan / git = {q / g:.2f}x")
EOF
    else
        local qt gt
        qt=$(median_loop $q)
        gt=$(median_loop $g)
        echo "  qscan    median ${qt}s"
        echo "  git log  median ${gt}s"
        echo "  ratio    qscan / git = $(echo "scale=2; $qt / $gt" | bc)x"
    fi
}
compare w1000 "-n 1000"
compare all ""

echo
echo "== pydriller, window w1000 (the whole history would take too long) =="
if python3 -c 'import pydriller' 2> /dev/null; then
    python3 - "$repo" <<'EOF'
import subprocess, sys, time
from pydriller import Repository

repo = sys.argv[1]
ids = subprocess.run(
    ["git", "-C", repo, "rev-list", "--first-parent", "-n", "1000", "HEAD"],
    check=True, capture_output=True, text=True,
).stdout.split()
start = time.perf_counter()
units = 0
files = 0
for commit in Repository(repo, only_commits=ids).traverse_commits():
    c = commit._c_object
    if len(c.parents) > 1:
        # pydriller lists no files for merges; diff against the first parent
        # the way it diffs any other commit, so it collects the same files.
        diffs = c.parents[0].diff(c, create_patch=True)
        paths = {d.b_path or d.a_path for d in diffs}
    else:
        paths = {m.new_path or m.old_path for m in commit.modified_files}
    units += 1
    files += len(paths)
elapsed = time.perf_counter() - start
print(f"  pydriller {elapsed * 1000:8.1f} ms for {units} units ({files} file changes), one run")
EOF
else
    echo "  pydriller is not installed (pip install pydriller)"
fi
