"""Runs the README's DuckDB recipe on reports of three generated repositories and
checks its per-team numbers against `qscan dashboard --from … --format json`.

usage: python duckdb_recipe.py QSCAN README.md WORKDIR
"""

import json
import os
import re
import subprocess
import sys

import duckdb

qscan, readme, work = sys.argv[1:4]
text = open(readme, encoding="utf-8").read()
section = text.split("**Ad-hoc questions: DuckDB.**", 1)[1]
sql = re.search(r"```sql\n(.*?)```", section, re.S).group(1)

reports = os.path.join(work, "reports")
os.makedirs(reports, exist_ok=True)
env = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1")


def git(repo, *args, when="2026-01-01T00:00:00Z"):
    subprocess.run(["git", "-C", repo, *args], check=True, env=dict(
        env, GIT_AUTHOR_NAME="ci", GIT_AUTHOR_EMAIL="ci@example.com",
        GIT_COMMITTER_NAME="ci", GIT_COMMITTER_EMAIL="ci@example.com",
        GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when))


def python(typed, of):
    return "".join(
        f"def f{i}(x: int) -> int:\n    return x\n\n" if i < typed
        else f"def f{i}(x):\n    return x\n\n" for i in range(of))


for name, (a, b) in {"api": ((1, 4), (2, 2)), "web": ((3, 5), (0, 3)),
                     "ops": ((2, 2), (1, 1))}.items():
    repo = os.path.join(work, name)
    os.makedirs(os.path.join(repo, ".github"))
    os.makedirs(os.path.join(repo, "a"))
    os.makedirs(os.path.join(repo, "b"))
    files = {
        "quality.toml": '[metrics.typed]\nkind = "typed"\n',
        ".github/CODEOWNERS": "/a/ @o/up\n/b/ @o/flat\n",
        "a/x.py": python(*a),
        "b/y.py": python(*b),
    }
    for path, body in files.items():
        open(os.path.join(repo, path), "w", encoding="utf-8").write(body)
    git(repo, "init", "--quiet")
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", "start")
    subprocess.run([qscan, repo, "--by", "owner", "--format", "json", "-o",
                    os.path.join(reports, name + ".json")], check=True, env=env)

os.chdir(work)
con = duckdb.connect()
# Comments off (one names a shell command with a `;`), then statement by statement.
code = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
statements = [s for s in code.split(";") if s.strip()]
for statement in statements[:-1]:
    con.execute(statement)
rows = con.sql(statements[-1]).fetchall()
got = {(team, metric): (compliant, total, value) for team, metric, compliant, total, value in rows}
print("duckdb:", got)

out = subprocess.run([qscan, "dashboard", "--format", "json", "--from",
                      *sorted(os.path.join(reports, f) for f in os.listdir(reports))],
                     check=True, env=env, capture_output=True, text=True).stdout
program = json.loads(out)
want = {(t["name"], m["name"]): (m["compliant"], m["total"], m["value"])
        for t in program["teams"] for m in t["metrics"]}
print("qscan: ", want)
assert {k: (c, t) for k, (c, t, _) in got.items()} == {k: (c, t) for k, (c, t, _) in want.items()}, \
    "the recipe and the dashboard disagree"
assert all(abs(got[k][2] - want[k][2]) < 1e-9 for k in want)
assert want[("@o/up", "typed")][:2] == (6, 11)
print("the README's DuckDB recipe agrees with qscan dashboard --from")
