#!/usr/bin/env bash
# Full-scan benchmark on the Django 5.1.4 sdist (about 2,900 Python and JS
# files, 19 MB): qscan side by side with tokei (the floor: it only counts
# lines) and ast-grep running one Python pattern (the same parse work: every
# file through tree-sitter). Medians of 5, peak memory per run.
#
#   bench/django.sh            # needs python3 + pip, and tokei and ast-grep:
#                              # cargo install --locked tokei ast-grep
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_DIR:-/tmp/qscan-bench}
mkdir -p "$work"
tree="$work/Django-5.1.4"
if [ ! -d "$tree" ]; then
  python3 -m pip download --quiet --no-deps --no-binary :all: django==5.1.4 -d "$work"
  tar -xzf "$work"/[Dd]jango-5.1.4.tar.gz -C "$work"
  [ -d "$tree" ] || mv "$work/django-5.1.4" "$tree"
fi
[ "${1:-}" = --fetch-only ] && exit 0
for tool in tokei ast-grep; do
  command -v "$tool" >/dev/null || { echo "missing $tool: cargo install --locked tokei ast-grep" >&2; exit 2; }
done
cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
qscan="$repo/target/release/qscan"
echo "tree: $tree ($(find "$tree" -name '*.py' | wc -l) .py, $(find "$tree" -name '*.js' | wc -l) .js files, $(du -sh "$tree" | cut -f1))"
echo "machine: $(nproc) cores; $(tokei --version); $(ast-grep --version); qscan $("$qscan" --version)"
cache=$(mktemp -d)
QSCAN_CACHE_DIR="$cache" "$qscan" "$tree" --format json > /dev/null || true   # fills the facts cache
# qscan: a cold full scan (the facts cache off), then the same with a warm cache.
python3 "$repo/bench/compare.py" --runs "${RUNS:-5}" --cwd "$tree" \
  "tokei=tokei ." \
  "ast-grep=ast-grep run -p 'def \$F(\$\$\$A): \$\$\$B' -l python ." \
  "qscan=QSCAN_NO_CACHE=1 $qscan . --format json" \
  "qscan (warm cache)=QSCAN_CACHE_DIR=$cache $qscan . --format json"
rm -rf "$cache"
