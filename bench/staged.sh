#!/usr/bin/env bash
# Pre-commit and baseline benchmark on a Django-sized repository: the Django
# 5.1.4 sdist (about 2,900 Python and JS files) committed, then 1,000 commits
# that each change one file, then a one-file change staged. Times, side by
# side in the same run (medians of 5): a plain scan, `--staged` (cold: no
# facts cache; warm: the cache filled by an earlier run) and
# `--baseline HEAD`.
#
#   bench/staged.sh            # needs git, python3 + pip (for the sdist)
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_DIR:-/tmp/qscan-bench}
repo="$work/django-repo"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com

if [ ! -d "$repo/.git" ]; then
  bash "$repo_root/bench/django.sh" --fetch-only
  rm -rf "$repo" && cp -r "$work/Django-5.1.4" "$repo"
  git -C "$repo" init -q -b main
  git -C "$repo" add -A
  GIT_AUTHOR_DATE="2024-01-01T00:00:00Z" GIT_COMMITTER_DATE="2024-01-01T00:00:00Z" \
    git -C "$repo" commit -q -m "Import Django 5.1.4"
  # 1,000 one-file commits through fast-import (seconds, not minutes).
  python3 - "$repo" <<'PY'
import random, subprocess, sys
repo = sys.argv[1]
files = subprocess.run(["git", "-C", repo, "ls-files", "*.py"], capture_output=True, text=True, check=True).stdout.split()
rng = random.Random(7)
contents = {}
out = []
for i in range(1000):
    path = rng.choice(files)
    if path not in contents:
        contents[path] = open(f"{repo}/{path}", "rb").read()
    contents[path] += f"\n# change {i}\n".encode()
    t = 1704067200 + 3600 * (i + 1)
    msg = f"Change {path} ({'#' + str(i) + ')' if i % 3 == 0 else 'direct)'}".encode()
    out.append(b"commit refs/heads/main\n")
    out.append(f"committer bench <bench@example.com> {t} +0000\n".encode())
    out.append(b"data %d\n%s\n" % (len(msg), msg))
    if i == 0:
        out.append(b"from refs/heads/main^0\n")
    out.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(contents[path]), contents[path]))
subprocess.run(["git", "-C", repo, "fast-import", "--quiet"], input=b"".join(out), check=True)
PY
  git -C "$repo" reset -q --hard main
  git -C "$repo" gc -q
fi
git -C "$repo" reset -q --hard main
# The staged one-file change: a new untyped function in a views module.
printf '\n\ndef added_helper(request, extra):\n    return extra\n' >> "$repo/django/views/generic/base.py"
git -C "$repo" add django/views/generic/base.py

cargo build --release --quiet --manifest-path "$repo_root/Cargo.toml"
qscan="$repo_root/target/release/qscan"
echo "repository: $repo ($(git -C "$repo" ls-files | wc -l) files, $(git -C "$repo" rev-list --count HEAD) commits, $(nproc) cores)"
cache=$(mktemp -d)
"$qscan" "$repo" --staged --format json > /dev/null 2>&1 || true   # fills nothing: cache off below
QSCAN_CACHE_DIR="$cache" "$qscan" "$repo" --staged --format json > /dev/null 2>&1 || true  # fills the cache
python3 "$repo_root/bench/compare.py" --runs "${RUNS:-5}" --cwd "$repo" \
  "scan=QSCAN_NO_CACHE=1 $qscan . --format json" \
  "staged-cold=QSCAN_NO_CACHE=1 $qscan . --staged --format json" \
  "staged-warm=QSCAN_CACHE_DIR=$cache $qscan . --staged --format json" \
  "baseline-HEAD=QSCAN_NO_CACHE=1 $qscan . --baseline HEAD --format json"
rm -rf "$cache"
git -C "$repo" reset -q --hard main
