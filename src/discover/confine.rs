//! Files the repository names — its `quality.toml`, its CODEOWNERS, a
//! coverage `report`, an `external` metric's `file` — opened only when they
//! are regular files inside the scanned root.
//!
//! The repository is untrusted (README, "Running on untrusted repositories"):
//! a fork's pull request can commit `quality.toml -> /proc/self/environ`, a
//! report path of `../../.ssh/id_rsa` or `/dev/stdin`, or a FIFO that blocks
//! any reader forever. So a path it names is resolved lexically under the
//! root (absolute paths and `..` that climbs out are refused), then walked
//! one component at a time without following anything blindly: a symbolic
//! link is followed only while it stays inside the root, the `.git` folder
//! (which holds credentials a CI checkout may have stored) is never read,
//! and the file found must be a regular file — folders, FIFOs, sockets and
//! devices are refused before they are opened. The file is then opened with
//! `O_NOFOLLOW | O_NONBLOCK`, checked again through its handle, and read up
//! to a bound, so a file swapped in between the checks can neither lead
//! outside nor block, and a huge one cannot exhaust memory.
//!
//! Only paths the repository names go through here; a `--config FILE` the
//! user types is the user's own choice and is read as given.

use std::ffi::OsString;
use std::fmt;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// The most read of a quality definition: real ones are a few kilobytes.
pub const MAX_DEFINITION_BYTES: u64 = 1 << 20;
/// The most read of a CODEOWNERS file: GitHub ignores one above 3 MB.
pub const MAX_CODEOWNERS_BYTES: u64 = 3 << 20;
/// The most read of one coverage report: a large monorepo's llvm-cov JSON
/// runs to a few hundred megabytes.
pub const MAX_REPORT_BYTES: u64 = 512 << 20;
/// The most read of an `external` metric's JSON file, which holds a number.
pub const MAX_EXTERNAL_BYTES: u64 = 64 << 20;

/// More links than this on one path is a loop (Linux's own limit is 40).
const MAX_LINKS: usize = 40;

/// Why a file the repository names was not read.
#[derive(Debug)]
pub enum Refused {
    /// An absolute path, or `..` climbing out of the root.
    Outside,
    /// A symbolic link on the way (named relative to the root) leads outside.
    LinkOutside(String),
    /// Too many symbolic links: a loop.
    LinkLoop,
    /// The path is inside the `.git` folder.
    GitDir,
    /// Not a regular file: "a folder", "a FIFO (named pipe)", …
    NotAFile(&'static str),
    /// Larger than the bound for its kind of file, in bytes.
    TooLarge(u64),
    /// The file system said no (most often: no such file).
    Io(std::io::Error),
}

impl Refused {
    /// Whether the path names nothing at all.
    pub fn is_missing(&self) -> bool {
        matches!(self, Refused::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }

    /// Whether qscan refused the path (rather than failing to read it).
    pub fn is_refusal(&self) -> bool {
        !matches!(self, Refused::Io(_))
    }
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refused::Outside => f.write_str(
                "it is outside the repository (an absolute path, or `..` leaving the root); \
                 qscan reads only files inside the repository it scans",
            ),
            Refused::LinkOutside(link) => write!(
                f,
                "`{}` is a symbolic link leading outside the repository, and qscan does not follow it",
                escape(link)
            ),
            Refused::LinkLoop => f.write_str("too many symbolic links (a loop?)"),
            Refused::GitDir => f.write_str("it is inside the .git folder, which qscan never reads"),
            Refused::NotAFile(what) => write!(f, "it is {what}, not a regular file"),
            Refused::TooLarge(limit) => write!(
                f,
                "it is larger than {} MiB, the most qscan reads of such a file",
                limit >> 20
            ),
            Refused::Io(e) => write!(f, "{e}"),
        }
    }
}

impl From<std::io::Error> for Refused {
    fn from(e: std::io::Error) -> Refused {
        Refused::Io(e)
    }
}

/// Reads the regular file at `rel` (as the repository names it, relative to
/// `root`), at most `limit` bytes.
pub fn read(root: &Path, rel: &str, limit: u64) -> Result<Vec<u8>, Refused> {
    let path = resolve(root, rel)?;
    let meta = std::fs::symlink_metadata(&path)?;
    if !meta.is_file() {
        return Err(Refused::NotAFile(kind_of(&meta.file_type())));
    }
    let file = open(&path)?;
    // The handle decides: the path may have been swapped since it was checked.
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(Refused::NotAFile(kind_of(&meta.file_type())));
    }
    if meta.len() > limit {
        return Err(Refused::TooLarge(limit));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(Refused::TooLarge(limit));
    }
    Ok(bytes)
}

/// The folder at `rel` under `root`, resolved as [`read`] resolves a file
/// (every link on the way staying inside), for walking below it.
pub fn folder(root: &Path, rel: &str) -> Result<PathBuf, Refused> {
    let path = resolve(root, rel)?;
    let meta = std::fs::symlink_metadata(&path)?;
    if !meta.is_dir() {
        return Err(Refused::NotAFile(kind_of(&meta.file_type())));
    }
    Ok(path)
}

/// Whether `rel` names a place inside the root by its text alone: relative,
/// and no `..` leaving the root (links are checked when it is read).
pub fn stays_inside(rel: &str) -> bool {
    lexical(rel).is_ok()
}

/// The components `rel` names under the root, `.` and `..` applied.
fn lexical(rel: &str) -> Result<Vec<OsString>, Refused> {
    let mut parts: Vec<OsString> = Vec::new();
    for part in Path::new(rel).components() {
        match part {
            Component::Normal(name) => parts.push(name.to_os_string()),
            Component::CurDir => {}
            Component::ParentDir => {
                if parts.pop().is_none() {
                    return Err(Refused::Outside);
                }
            }
            Component::RootDir | Component::Prefix(_) => return Err(Refused::Outside),
        }
    }
    Ok(parts)
}

/// The real path `rel` names under `root`, with every symbolic link on the
/// way resolved and checked to stay inside the root.
pub fn resolve(root: &Path, rel: &str) -> Result<PathBuf, Refused> {
    let base = root.canonicalize()?;
    // Lexically first: what the repository wrote must name a place inside.
    let mut todo = lexical(rel)?;
    todo.reverse();
    // Then on disk, one component at a time; `todo` is a stack (next last).
    let mut done: Vec<OsString> = Vec::new();
    let mut links = 0;
    let mut last_link = String::new();
    while let Some(name) = todo.pop() {
        if name == ".." {
            // Only a link's target puts `..` here.
            if done.pop().is_none() {
                return Err(Refused::LinkOutside(last_link));
            }
            continue;
        }
        if name == "." || name.is_empty() {
            continue;
        }
        if name.eq_ignore_ascii_case(".git") {
            return Err(Refused::GitDir);
        }
        let here = done.iter().fold(base.clone(), |p, c| p.join(c)).join(&name);
        let meta = std::fs::symlink_metadata(&here)?;
        if meta.file_type().is_symlink() {
            links += 1;
            if links > MAX_LINKS {
                return Err(Refused::LinkLoop);
            }
            last_link = shown(done.iter().chain(std::iter::once(&name)));
            let target = std::fs::read_link(&here)?;
            let rest = if target.is_absolute() {
                // An absolute link may point inside, by the root's real path
                // or by the path it was given as.
                let inside = target
                    .strip_prefix(&base)
                    .or_else(|_| target.strip_prefix(root))
                    .map_err(|_| Refused::LinkOutside(last_link.clone()))?;
                done.clear();
                inside.to_path_buf()
            } else {
                target
            };
            let mut parts = Vec::new();
            for part in rest.components() {
                match part {
                    Component::Normal(n) => parts.push(n.to_os_string()),
                    Component::ParentDir => parts.push(OsString::from("..")),
                    Component::CurDir => {}
                    Component::RootDir | Component::Prefix(_) => {
                        return Err(Refused::LinkOutside(last_link));
                    }
                }
            }
            todo.extend(parts.into_iter().rev());
            continue;
        }
        if !todo.is_empty() && !meta.is_dir() {
            return Err(Refused::NotAFile(kind_of(&meta.file_type())));
        }
        done.push(name);
    }
    Ok(done.iter().fold(base, |p, c| p.join(c)))
}

/// Opens without following a final symbolic link and without blocking on a
/// FIFO (either could only be there if the file changed since the checks).
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    options.open(path)
}

fn kind_of(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    if t.is_dir() {
        "a folder"
    } else if t.is_symlink() {
        "a symbolic link"
    } else {
        "something else"
    }
}

/// Path components as a root-relative path with forward slashes.
fn shown<'a>(parts: impl Iterator<Item = &'a OsString>) -> String {
    parts
        .map(|p| p.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// A name from the repository as it may be printed: control characters,
/// the Unicode line and paragraph separators and the invisible marks that
/// reorder text on a terminal are escaped (`\u{1b}`), so a file name cannot
/// rewrite what the user reads, nor start a line of its own in a log. Every
/// report prints text from the repository through this one function.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let invisible = matches!(c, '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if c.is_control() || invisible {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn link(target: &str, at: &Path) {
        std::os::unix::fs::symlink(target, at).unwrap();
    }

    #[test]
    fn relative_paths_inside_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join("a/b/f.txt"), "hello").unwrap();
        assert_eq!(read(root, "a/b/f.txt", 100).unwrap(), b"hello");
        assert_eq!(read(root, "./a/../a/b/f.txt", 100).unwrap(), b"hello");
        assert!(matches!(
            read(root, "a/b/f.txt", 3),
            Err(Refused::TooLarge(3))
        ));
        assert!(read(root, "a/b/none", 100).unwrap_err().is_missing());
        assert!(matches!(
            read(root, "a/b", 100),
            Err(Refused::NotAFile("a folder"))
        ));
        assert!(matches!(
            read(root, "a/b/f.txt/x", 100),
            Err(Refused::NotAFile(_))
        ));
    }

    #[test]
    fn absolute_paths_and_climbing_out_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(dir.path().join("secret"), "x").unwrap();
        for rel in ["../secret", "a/../../secret", "/etc/passwd", "/dev/stdin"] {
            assert!(
                matches!(read(&root, rel, 100), Err(Refused::Outside)),
                "{rel}"
            );
        }
    }

    #[test]
    fn the_git_folder_is_never_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::write(root.join(".git/config"), "[http]").unwrap();
        assert!(matches!(
            read(root, ".git/config", 100),
            Err(Refused::GitDir)
        ));
        assert!(matches!(
            read(root, "x/../.GIT/config", 100),
            Err(Refused::GitDir)
        ));
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_only_inside() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir_all(root.join("sub/deep")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::write(dir.path().join("secret"), "SECRET").unwrap();
        std::fs::write(root.join("sub/deep/real.txt"), "inside").unwrap();
        std::fs::write(root.join(".git/config"), "[http]").unwrap();
        // Inside, relative and absolute, through a linked folder too.
        link("sub/deep/real.txt", &root.join("rel"));
        link(
            root.join("sub/deep/real.txt").to_str().unwrap(),
            &root.join("abs"),
        );
        link("sub/deep", &root.join("dirlink"));
        link("../sub/deep/real.txt", &root.join("sub/up"));
        for rel in ["rel", "abs", "dirlink/real.txt", "sub/up"] {
            assert_eq!(read(&root, rel, 100).unwrap(), b"inside", "{rel}");
        }
        // Outside, however it gets there.
        link("../secret", &root.join("out"));
        link(
            dir.path().join("secret").to_str().unwrap(),
            &root.join("outabs"),
        );
        link("..", &root.join("parent"));
        link("../../../secret", &root.join("sub/deep/far"));
        link("/proc/self/environ", &root.join("environ"));
        for (rel, via) in [
            ("out", "out"),
            ("outabs", "outabs"),
            ("parent/secret", "parent"),
            ("dirlink/far", "sub/deep/far"),
            ("environ", "environ"),
        ] {
            match read(&root, rel, 100) {
                Err(Refused::LinkOutside(l)) => assert_eq!(l, via, "{rel}"),
                other => panic!("{rel}: {other:?}"),
            }
        }
        // Into .git, a loop.
        link(".git/config", &root.join("creds"));
        assert!(matches!(read(&root, "creds", 100), Err(Refused::GitDir)));
        link("loop2", &root.join("loop1"));
        link("loop1", &root.join("loop2"));
        assert!(matches!(read(&root, "loop1", 100), Err(Refused::LinkLoop)));
    }

    #[cfg(unix)]
    #[test]
    fn fifos_and_devices_are_refused_unopened() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let fifo = root.join("pipe");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        assert!(matches!(
            read(root, "pipe", 100),
            Err(Refused::NotAFile("a FIFO (named pipe)"))
        ));
        // Opening it anyway (as if swapped in after the check) does not block.
        assert!(open(&fifo).is_ok());
        link("/dev/null", &root.join("null"));
        assert!(matches!(
            read(root, "null", 100),
            Err(Refused::LinkOutside(_))
        ));
    }

    #[test]
    fn escapes_what_could_rewrite_a_terminal() {
        assert_eq!(escape("a\u{1b}[2Jb\n"), "a\\u{1b}[2Jb\\n");
        assert_eq!(escape("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(
            escape("a\r\u{85}b\u{2028}c\u{2029}"),
            "a\\r\\u{85}b\\u{2028}c\\u{2029}"
        );
        assert_eq!(escape("plain/päth.py"), "plain/päth.py");
    }
}
