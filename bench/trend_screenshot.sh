#!/usr/bin/env bash
# Renders `qscan trend --format html` for a generated repository and takes a
# screenshot of the page in headless Chromium, to see that the charts render
# in a real browser with the network out of the picture.
#
# The repository is a small Python shop whose quality moves over six months:
# untyped modules and a growing core at first, then type annotations and
# tests, a vendored untyped package that drags the score down, a split of the
# core, and a CHANGELOG edited in most early commits (a hot file).
#
#   bench/trend_screenshot.sh [OUT]   # OUT defaults to /tmp/qscan-trend-screenshot
#
# Writes OUT/trend.html and OUT/trend.png. Installs Debian's chromium when it
# is missing (needs root and apt).
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-/tmp/qscan-trend-screenshot}
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

if ! command -v chromium >/dev/null; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
cargo build --quiet --manifest-path "$repo_root/Cargo.toml"
qscan="${CARGO_TARGET_DIR:-$repo_root/target}/debug/qscan"

rm -rf "$out" && mkdir -p "$out"
repo="$out/shop"
git init -q -b main "$repo"
python3 - "$repo" <<'PY'
import random, subprocess, sys

repo = sys.argv[1]
rng = random.Random(3)
T0, DAY = 1_704_067_200, 86_400  # 2024-01-01

DEFINITION = """[gate]
min_score = 70

[history]
window = 30

[metrics.typed]
min = 60

[metrics.test-association]
min = 50

[metrics.large-files]
max_lines = 60
min = 90

[metrics.interface-width]
max_items = 8
min = 90

[metrics.hot-files]
share = 0.3
min = 90

[metrics.change-size]
max_files = 6
min = 80
"""

# Each module: [functions, of which typed]; tests name the modules they cover.
modules = {}
tests = set()
core_lines = 10


def module_text(name, funcs, typed):
    lines = []
    for i in range(funcs):
        if i < typed:
            lines.append(f"def {name}_{i}(item: dict, qty: int) -> int:\n    return qty\n\n")
        else:
            lines.append(f"def {name}_{i}(item, qty):\n    return qty\n\n")
    return "\n".join(lines)


def core_text(n):
    body = "".join(f"RULE_{i} = {i}\n" for i in range(n))
    return "def apply(order: dict) -> dict:\n    return order\n\n\n" + body


def test_text(name):
    return f"from shop.{name} import {name}_0\n\n\ndef test_{name}() -> None:\n    assert {name}_0({{}}, 1) == 1\n"


stream = []
mark = 0


def commit(k, message, changes):
    t = T0 + int(k * 1.5 * DAY)
    stream.append(b"commit refs/heads/main\n")
    stream.append(f"committer Dev <dev@example.com> {t} +0000\n".encode())
    msg = message.encode()
    stream.append(b"data %d\n%s\n" % (len(msg), msg))
    for path, text in changes.items():
        if text is None:
            stream.append(f"D {path}\n".encode())
        else:
            data = text.encode()
            stream.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))


commit(0, "Start the shop", {"quality.toml": DEFINITION, "shop/__init__.py": "", "CHANGELOG.md": "# Changes\n"})
names = ["cart", "price", "stock", "order", "user", "ship", "tax", "promo", "report", "search", "admin", "email"]
changelog = "# Changes\n"
for k in range(1, 121):
    changes = {}
    if k < 45:
        # Growth: new untyped modules, a core that only grows, a busy changelog.
        if k % 4 == 1 and names:
            name = names.pop(0)
            modules[name] = [rng.randint(3, 7), rng.randint(0, 1)]
        elif modules:
            name = rng.choice(sorted(modules))
            modules[name][0] += 1
        core_lines += 4
        changes["shop/core.py"] = core_text(core_lines)
        if k % 3 != 0:
            changelog += f"- change {k}\n"
            changes["CHANGELOG.md"] = changelog
    elif k == 60:
        # A vendored, untyped package lands in one wide commit.
        for i in range(9):
            changes[f"shop/vendor/lib_{i}.py"] = module_text(f"lib_{i}", 6, 0)
    elif k < 100:
        # Clean-up: annotate a module, add its test.
        name = rng.choice(sorted(modules))
        funcs, typed = modules[name]
        modules[name][1] = min(funcs, typed + 2)
        if k % 3 == 0 and name not in tests:
            tests.add(name)
            changes[f"tests/test_{name}.py"] = test_text(name)
        if k % 10 == 0:
            changelog += f"- release {k}\n"
            changes["CHANGELOG.md"] = changelog
    else:
        # The core is split and the vendored package typed, bit by bit.
        if k == 100:
            core_lines = 30
            changes["shop/core.py"] = core_text(core_lines)
            changes["shop/rules.py"] = core_text(30)
        if k % 2 == 0:
            i = (k - 100) // 2
            if i < 9:
                changes[f"shop/vendor/lib_{i}.py"] = module_text(f"lib_{i}", 6, 6)
        name = rng.choice(sorted(modules))
        modules[name][1] = modules[name][0]
        if name not in tests:
            tests.add(name)
            changes[f"tests/test_{name}.py"] = test_text(name)
    for name, (funcs, typed) in modules.items():
        changes.setdefault(f"shop/{name}.py", module_text(name, funcs, typed))
    commit(k, f"Change {k}", changes)

subprocess.run(["git", "-C", repo, "fast-import", "--quiet"], input=b"".join(stream), check=True)
PY
git -C "$repo" reset -q --hard main

QSCAN_NO_CACHE=1 "$qscan" trend "$repo" --points 16
QSCAN_NO_CACHE=1 "$qscan" trend "$repo" --points 16 --format html --output "$out/trend.html"
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run \
  --user-data-dir="$(mktemp -d)" --screenshot="$out/trend.png" --window-size=1200,1600 \
  "file://$out/trend.html" 2>/dev/null
echo "page: $out/trend.html"
echo "screenshot: $out/trend.png"
