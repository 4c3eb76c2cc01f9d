#!/usr/bin/env bash
# Trend benchmark: `qscan trend --points 20` against one full scan of a
# revision (`qscan --rev HEAD`), side by side in the same run (medians of 5,
# no facts cache), on the Django-sized repository that bench/staged.sh builds
# (the Django 5.1.4 sdist committed, then 1,000 one-file commits). The target:
# the trend costs less than three full scans, because each point after the
# first parses only the files that changed since the previous one.
#
#   bench/trend.sh             # builds the repository with bench/staged.sh if missing
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_DIR:-/tmp/qscan-bench}
repo="$work/django-repo"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

[ -d "$repo/.git" ] || bash "$repo_root/bench/staged.sh"
cargo build --release --quiet --manifest-path "$repo_root/Cargo.toml"
qscan="${CARGO_TARGET_DIR:-$repo_root/target}/release/qscan"
echo "repository: $repo ($(git -C "$repo" ls-files | wc -l) files, $(git -C "$repo" rev-list --first-parent --count HEAD) first-parent commits, $(nproc) cores)"
python3 "$repo_root/bench/compare.py" --runs "${RUNS:-5}" --cwd "$repo" \
  "scan-rev-HEAD=QSCAN_NO_CACHE=1 $qscan . --rev HEAD --format json" \
  "trend-20-points=QSCAN_NO_CACHE=1 $qscan trend . --points 20 --format json"
