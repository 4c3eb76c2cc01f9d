#!/usr/bin/env python3
"""Generate a repository with a long first-parent history for the history benchmark.

The repository has UNITS first-parent commits over about FILES files: an initial
import, then a deterministic mix of pull-request merges (a branch of 1-4
commits, sometimes with a direct commit landing on main while it is open),
direct commits (some with a trailing "(#N)" like squash merges), a few large
commits, renames and deletions. Changes favour some files over others, as real
histories do. Everything is streamed to `git fast-import`, so 20,000 units take
seconds, and the result is checked out so qscan has a working tree to scan.

usage: gen_history.py OUT [--units 20000] [--files 5000] [--seed 1]
"""

import argparse
import os
import random
import subprocess
import sys

T0 = 1_600_000_000
STEP = 600  # seconds between commits


class Gen:
    def __init__(self, out, files, seed):
        self.rng = random.Random(seed)
        self.out = out
        self.mark = 0
        self.time = T0
        self.pr = 0
        self.next_file = 0
        self.paths = [self.new_path() for _ in range(files)]
        self.version = {p: 0 for p in self.paths}
        self.main = None  # mark of main's tip
        self.units = 0

    def new_path(self):
        n = self.next_file
        self.next_file += 1
        return f"pkg{n % 50:02d}/mod{n // 50 % 10}/file{n}.py"

    def content(self, path, version):
        body = "".join(f"    x{i} = {version * 31 + i}\n" for i in range(8))
        return f'"""{path}"""\n\n\ndef f():\n{body}    return x0\n'.encode()

    def pick(self):
        # Skewed: a few files change often, most rarely.
        return self.paths[int(len(self.paths) * self.rng.random() ** 2.5)]

    def data(self, payload):
        self.out.write(b"data %d\n" % len(payload))
        self.out.write(payload)
        self.out.write(b"\n")

    def commit(self, ref, message, parents, changes):
        """changes: list of ("M", path, version) or ("D", path)."""
        self.mark += 1
        self.time += STEP
        w = self.out.write
        w(b"commit %s\nmark :%d\n" % (ref.encode(), self.mark))
        sig = b"Bench Dev <dev@example.com> %d +0000\n" % self.time
        w(b"author " + sig + b"committer " + sig)
        self.data(message.encode())
        if parents:
            w(b"from :%d\n" % parents[0])
            for p in parents[1:]:
                w(b"merge :%d\n" % p)
        for change in changes:
            if change[0] == "D":
                w(b"D %s\n" % change[1].encode())
            else:
                w(b"M 100644 inline %s\n" % change[1].encode())
                self.data(self.content(change[1], change[2]))
        return self.mark

    def bump(self, path, state):
        state[path] = state.get(path, self.version.get(path, 0)) + 1
        return ("M", path, state[path])

    def direct(self, n_files, message=None):
        state = {}
        changes = [self.bump(p, state) for p in {self.pick() for _ in range(n_files)}]
        self.version.update(state)
        if message is None:
            message = f"Change {len(changes)} files"
            if self.rng.random() < 0.3:
                self.pr += 1
                message += f" (#{self.pr})"
        self.main = self.commit("refs/heads/main", message, [self.main], changes)
        self.units += 1

    def rename(self):
        i = self.rng.randrange(len(self.paths))
        old = self.paths[i]
        new = self.new_path()
        # fast-import copies the blob: an exact rename.
        self.mark += 1
        self.time += STEP
        w = self.out.write
        w(b"commit refs/heads/main\nmark :%d\n" % self.mark)
        sig = b"Bench Dev <dev@example.com> %d +0000\n" % self.time
        w(b"author " + sig + b"committer " + sig)
        self.data(f"Move {old} to {new}".encode())
        w(b"from :%d\n" % self.main)
        w(b'R "%s" "%s"\n' % (old.encode(), new.encode()))
        self.main = self.mark
        self.paths[i] = new
        self.version[new] = self.version.pop(old)
        self.units += 1

    def replace(self):
        i = self.rng.randrange(len(self.paths))
        old = self.paths[i]
        new = self.new_path()
        self.paths[i] = new
        self.version.pop(old)
        self.version[new] = 0
        self.main = self.commit(
            "refs/heads/main", f"Replace {old}", [self.main], [("D", old), ("M", new, 0)]
        )
        self.units += 1

    def pull_request(self):
        self.pr += 1
        ref = f"refs/heads/pr{self.pr % 8}"
        state = {}
        tip = self.main
        for _ in range(self.rng.randint(1, 4)):
            n = self.rng.randint(1, 6)
            changes = [self.bump(p, state) for p in {self.pick() for _ in range(n)}]
            tip = self.commit(ref, "Work in progress", [tip], changes)
        if self.rng.random() < 0.3:
            # Main moves on while the branch is open (files the branch leaves alone).
            others = [p for p in {self.pick() for _ in range(3)} if p not in state]
            if others:
                st = {}
                changes = [self.bump(p, st) for p in others]
                self.version.update(st)
                self.main = self.commit("refs/heads/main", "Hotfix on main", [self.main], changes)
                self.units += 1
        self.version.update(state)
        merged = [("M", p, v) for p, v in sorted(state.items())]
        self.main = self.commit(
            "refs/heads/main",
            f"Merge pull request #{self.pr} from org/feature-{self.pr}",
            [self.main, tip],
            merged,
        )
        self.units += 1

    def run(self, units):
        self.main = self.commit(
            "refs/heads/main",
            "Initial import",
            [],
            [("M", p, 0) for p in self.paths],
        )
        self.units = 1
        while self.units < units:
            r = self.rng.random()
            if r < 0.35:
                self.pull_request()
            elif r < 0.36:
                self.rename()
            elif r < 0.365:
                self.replace()
            elif r < 0.38:
                self.direct(self.rng.randint(30, 60))
            else:
                self.direct(self.rng.randint(1, 8))
        self.out.write(b"reset refs/heads/main\nfrom :%d\n\n" % self.main)


def git(repo, *args, **kw):
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null")
    return subprocess.run(["git", "-C", repo, *args], check=True, env=env, **kw)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--units", type=int, default=20_000)
    ap.add_argument("--files", type=int, default=5_000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if os.path.exists(a.out):
        sys.exit(f"{a.out} exists; remove it first")
    os.makedirs(a.out)
    git(a.out, "init", "-q", "-b", "main")
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null")
    p = subprocess.Popen(
        ["git", "-C", a.out, "fast-import", "--quiet"], stdin=subprocess.PIPE, env=env
    )
    g = Gen(p.stdin, a.files, a.seed)
    g.run(a.units)
    p.stdin.close()
    if p.wait() != 0:
        sys.exit("git fast-import failed")
    git(a.out, "checkout", "-q", "-f", "main")
    git(a.out, "repack", "-adq")
    print(f"{a.out}: {g.units} first-parent units, {len(g.paths)} files, {g.mark} commits")


if __name__ == "__main__":
    main()
