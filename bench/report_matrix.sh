#!/usr/bin/env bash
# Record qscan's JSON reports over fixtures and real trees under several modes,
# so a refactor can be checked byte for byte:
#   bench/report_matrix.sh QSCAN_BINARY OUT_DIR TREE...   (run once with each binary)
#   diff -r before/ after/
# Each tree is scanned with its own definition (or the built-in default),
# --by owner, --by dir:2, --baseline HEAD~5 (when there is history), --rev HEAD~1,
# and trend --points 3 --format json. Exit codes are recorded beside each report.
set -uo pipefail
bin=$(realpath "$1"); out=$(realpath -m "$2"); shift 2
mkdir -p "$out"
run() { # name, dir, args...
  local name=$1 dir=$2; shift 2
  (cd "$dir" && QSCAN_NO_CACHE=1 "$bin" "$@" >"$out/$name.json" 2>"$out/$name.err"; echo $? >"$out/$name.rc")
  # the version field changes with every build; drop it
  sed -i -E 's/"version": ?"[^"]*"/"version":"-"/' "$out/$name.json"
}
for tree in "$@"; do
  t=$(basename "$tree")
  run "$t.plain" "$tree" --format json
  # the definition `qscan init` fits to the tree, recorded and then scanned with
  rm -f "$out/$t.init.toml"
  (cd "$tree" && QSCAN_NO_CACHE=1 "$bin" init --config "$out/$t.init.toml" >"$out/$t.init.out" 2>&1; echo $? >"$out/$t.init.rc")
  sed -i -E 's#'"$out"'#OUT#g' "$out/$t.init.out"
  [ -f "$out/$t.init.toml" ] && run "$t.initdef" "$tree" --format json --config "$out/$t.init.toml" --by dir
  sed -i -E 's#'"$out"'#OUT#g' "$out/$t.initdef.json" 2>/dev/null
  run "$t.text" "$tree" --color never
  sed -i -E 's#'"$out"'#OUT#g' "$out/$t.text.json"
  run "$t.owner" "$tree" --format json --by owner
  run "$t.dir2" "$tree" --format json --by dir:2
  if git -C "$tree" rev-parse -q --verify HEAD~5 >/dev/null 2>&1; then
    run "$t.baseline" "$tree" --format json --baseline HEAD~5
    run "$t.rev" "$tree" --format json --rev HEAD~1
    run "$t.trend" "$tree" trend --points 3 --format json
  fi
done
