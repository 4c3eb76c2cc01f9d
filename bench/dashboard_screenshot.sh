#!/usr/bin/env bash
# Renders `qscan dashboard` for a real repository with a CODEOWNERS file and
# takes screenshots of the page in headless Chromium (desktop and phone
# widths), with the network out of the picture.
#
#   bench/dashboard_screenshot.sh REPO [DEFINITION] [OUT]
#
# REPO is a clone (its history is read; nothing in it is written). DEFINITION
# is a quality.toml with [goals."@org/team"] tables (default: REPO's own);
# OUT defaults to /tmp/qscan-dashboard-screenshot and receives
# dashboard.html, desktop.png (1280 px wide) and phone.png (390 px).
#
# The dd-trace-py figures of the README came from:
#   git clone https://github.com/DataDog/dd-trace-py && cd dd-trace-py
#   git checkout 3bb9ecda22830e3303b18b0ffa5abe7586aef6a7
#   bench/dashboard_screenshot.sh . program.toml
# where program.toml weighs typed twice beside test-association, large-files
# and hot-files, and sets goals for five of its 18 teams.
# Installs Debian's chromium when it is missing (needs root and apt).
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
repo=${1:?usage: bench/dashboard_screenshot.sh REPO [DEFINITION] [OUT]}
definition=${2:-}
out=${3:-/tmp/qscan-dashboard-screenshot}
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

if ! command -v chromium >/dev/null; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
cargo build --release --quiet --manifest-path "$repo_root/Cargo.toml"
qscan="${CARGO_TARGET_DIR:-$repo_root/target}/release/qscan"

mkdir -p "$out"
args=(dashboard "$repo" -o "$out/dashboard.html")
[ -n "$definition" ] && args+=(--config "$definition")
/usr/bin/time -f "qscan dashboard: %e s, %M KB" "$qscan" "${args[@]}"
for shot in desktop:1280,2400 phone:390,2400; do
  name=${shot%%:*} size=${shot#*:}
  chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
    --window-size="$size" --screenshot="$out/$name.png" "file://$out/dashboard.html" \
    >/dev/null 2>&1
done
ls -l "$out"
