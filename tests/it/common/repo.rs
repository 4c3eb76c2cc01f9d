//! Throwaway git repositories built with git2: fixed author and times (an
//! hour apart), never the machine's git config.

use std::path::Path;

use git2::{Oid, Repository, Signature, Time};

pub struct TestRepo {
    pub dir: tempfile::TempDir,
    pub repo: Repository,
    /// The time of the last commit; each commit is an hour later.
    pub time: i64,
}

impl TestRepo {
    pub fn new() -> TestRepo {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = Repository::init(dir.path()).expect("init");
        TestRepo {
            dir,
            repo,
            time: 1_700_000_000,
        }
    }

    pub fn path(&self) -> &str {
        self.dir.path().to_str().expect("utf-8 path")
    }

    pub fn write(&self, path: &str, text: &str) {
        let p = self.dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    /// Stages `paths`, removing from the index those that no longer exist.
    pub fn stage(&self, paths: &[&str]) {
        let mut index = self.repo.index().expect("index");
        for p in paths {
            if self.dir.path().join(p).exists() {
                index.add_path(Path::new(p)).expect("add");
            } else {
                index.remove_path(Path::new(p)).expect("remove");
            }
        }
        index.write().expect("write index");
    }

    /// Stages `paths` and commits the index on HEAD (plus an `extra` parent,
    /// for a merge), an hour after the previous commit.
    pub fn commit_with(&mut self, message: &str, paths: &[&str], extra: Option<Oid>) -> Oid {
        self.stage(paths);
        let mut index = self.repo.index().expect("index");
        let tree = self
            .repo
            .find_tree(index.write_tree().expect("tree"))
            .expect("find tree");
        self.time += 3600;
        let sig = Signature::new("Dev", "dev@example.com", &Time::new(self.time, 0)).expect("sig");
        let mut parents: Vec<git2::Commit> = match self.repo.head() {
            Ok(h) => vec![h.peel_to_commit().expect("head commit")],
            Err(_) => vec![],
        };
        if let Some(id) = extra {
            parents.push(self.repo.find_commit(id).expect("extra parent"));
        }
        let parents: Vec<&git2::Commit> = parents.iter().collect();
        self.repo
            .commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
            .expect("commit")
    }

    pub fn commit(&mut self, message: &str, paths: &[&str]) -> Oid {
        self.commit_with(message, paths, None)
    }

    /// Writes `files` and commits them.
    pub fn commit_files(&mut self, message: &str, files: &[(&str, &str)]) -> Oid {
        for (path, text) in files {
            self.write(path, text);
        }
        let paths: Vec<&str> = files.iter().map(|(p, _)| *p).collect();
        self.commit(message, &paths)
    }
}
