#!/usr/bin/env python3
"""Compare qscan's Go and Java code lines and function counts per file with
the languages' own parsers, and its code lines with tokei's.

The independent counts come from agreement/count_go.go (go/scanner and
go/ast: FuncDecls with a body plus FuncLits) and agreement/CountJava.java
(javac's scanner and parse tree: methods and constructors with a body, those
of anonymous classes included, plus lambdas). qscan's numbers come from a
temporary definition: `large-files` with `max_lines = 1` over every role (each
file with more than one code line is an offender whose detail holds its code
lines) and a `query` metric per language with `unit = "function"` and the
query `(_) @x`, which every function matches (so each function is an offender).

tokei's differing files are printed with their cause: the script rewrites a
copy of the file so that character literals holding `"` ('"' in Java, a rune
in Go) become 'x' and the bodies of Go raw strings (`...`) hold no quote,
slash, star or backslash and no blank line, then runs tokei again. When that
copy's count equals qscan's, the difference is one of those: tokei's lexer has
no character literals and no Go raw strings (a `"` there opens a string, a
`//` or `/*` a comment), and a blank line inside a multi-line string is code
for qscan (README, large-files) but blank for tokei.

    bench/gojava_agreement.py [--qscan PATH] DIR

Exits 1 when qscan disagrees with a parser on any file, 0 otherwise.
"""

import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROLES = '["source", "test", "stub", "generated", "vendored", "docs", "example", "bench"]'
DEFINITION = f"""
[metrics.lines]
kind = "large-files"
max_lines = 1
roles = {ROLES}

[metrics.go]
kind = "query"
language = "go"
unit = "function"
query = "(_) @x"
roles = {ROLES}

[metrics.java]
kind = "query"
language = "java"
unit = "function"
query = "(_) @x"
roles = {ROLES}
"""
JAVA_EXPORTS = [
    f"--add-exports=jdk.compiler/com.sun.tools.javac.{p}=ALL-UNNAMED"
    for p in ("parser", "util", "file")
]


def qscan_counts(qscan, root, tmp):
    config = os.path.join(tmp, "quality.toml")
    with open(config, "w") as f:
        f.write(DEFINITION)
    listing = json.loads(subprocess.check_output([qscan, "files", "--json"], cwd=root))
    files = {f["path"]: f["language"] for f in listing["files"] if f["language"] in ("go", "java")}
    report = json.loads(
        subprocess.run(
            [qscan, ".", "--config", config, "--format", "json", "--no-cache"],
            cwd=root, capture_output=True, check=False,
        ).stdout
    )
    lines = {path: 1 for path in files}  # not an offender: at most one code line
    funcs = collections.Counter()
    for metric in report["metrics"]:
        for o in metric["offenders"]:
            if metric["name"] == "lines":
                lines[o["path"]] = int(re.match(r"(\d+) code lines", o["detail"]).group(1))
            else:
                funcs[o["path"]] += 1
    return files, lines, funcs


def parser_counts(root, files, tmp):
    out = {}
    go = sorted(p for p, lang in files.items() if lang == "go")
    java = sorted(p for p, lang in files.items() if lang == "java")
    if go:
        exe = os.path.join(tmp, "count_go")
        subprocess.check_call(["go", "build", "-o", exe, os.path.join(HERE, "agreement", "count_go.go")])
        out.update(json.loads(subprocess.check_output([exe, root, *go])))
    if java:
        subprocess.check_call(["javac", *JAVA_EXPORTS, "-d", tmp, os.path.join(HERE, "agreement", "CountJava.java")])
        cmd = ["java", *JAVA_EXPORTS, "-cp", tmp, "CountJava", root, *java]
        out.update(json.loads(subprocess.check_output(cmd)))
    return out


def neutralised(src, go):
    """The file with '"' character literals and Go raw-string bodies made neutral for tokei."""
    out, i, n = [], 0, len(src)
    while i < n:
        if src.startswith("//", i) or src.startswith("/*", i):
            end = src.find("\n" if src[i + 1] == "/" else "*/", i + 2)
            end = n if end < 0 else end + (0 if src[i + 1] == "/" else 2)
        elif not go and src.startswith('"""', i):
            end = src.find('"""', i + 3) + 3
        elif src[i] in "\"'":
            end = i + 1
            while end < n and src[end] != src[i]:
                end += 2 if src[end] == "\\" else 1
            end += 1
            if src[i] == "'" and '"' in src[i:end]:
                out.append("'x'")
                i = end
                continue
        elif go and src[i] == "`":
            end = src.find("`", i + 1) + 1
            body = re.sub(r'["\\/*]', "_", src[i + 1 : end - 1])
            out.append("`" + "\n".join(l if l.strip() else "_" for l in body.split("\n")) + "`")
            i = end
            continue
        else:
            end = i + 1
        out.append(src[i:end])
        i = end
    return "".join(out)


def tokei_code(path):
    report = json.loads(subprocess.check_output(["tokei", "-o", "json", path]))
    return sum(report.get(lang, {}).get("code", 0) for lang in ("Go", "Java"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--qscan", default="qscan")
    ap.add_argument("dir")
    args = ap.parse_args()
    root = os.path.abspath(args.dir)
    with tempfile.TemporaryDirectory() as tmp:
        files, lines, funcs = qscan_counts(args.qscan, root, tmp)
        parsed = parser_counts(root, files, tmp)
        bad = 0
        for path in sorted(files):
            p = parsed[path]
            if lines[path] != max(p["code"], 1) or funcs[path] != p["funcs"]:
                bad += 1
                print(f"DISAGREE {path}: qscan {lines[path]} lines {funcs[path]} functions, "
                      f"parser {p['code']} lines {p['funcs']} functions")
        print(f"{len(files)} files, {sum(funcs.values())} functions: "
              f"{len(files) - bad} agree with the parsers, {bad} disagree")
        if shutil.which("tokei"):
            report = json.loads(subprocess.check_output(["tokei", "-o", "json", "-t", "Go,Java", "."], cwd=root))
            theirs = {os.path.normpath(r["name"]): r["stats"]["code"]
                      for lang in ("Go", "Java") for r in report.get(lang, {}).get("reports", [])}
            differ = [p for p in sorted(files) if max(theirs.get(p, 0), 1) != lines[p]]
            for path in differ:
                with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
                    copy = neutralised(f.read(), path.endswith(".go"))
                rewritten = os.path.join(tmp, os.path.basename(path))
                with open(rewritten, "w") as f:
                    f.write(copy)
                explained = tokei_code(rewritten) == lines[path]
                print(f"tokei {path}: qscan {lines[path]}, tokei {theirs.get(path)}"
                      f" ({'character literal / raw string' if explained else 'UNEXPLAINED'})")
            print(f"tokei: {len(files) - len(differ)} of {len(files)} files agree")
    sys.exit(1 if bad else 0)




if __name__ == "__main__":
    main()
