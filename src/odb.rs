//! Every git object qscan reads goes through here.
//!
//! The scanned repository is untrusted, and its object database may be
//! damaged. libgit2 (1.9.7, the newest libgit2-sys bundles) loops forever
//! inflating a truncated loose object, so before libgit2 reads an object that
//! has a loose file, that file is inflated here first, with a bounded buffer:
//! its header must name a known type and a size, the zlib stream must end
//! (its checksum is checked) and hold exactly that many bytes. A damaged loose
//! object is then an error naming the object and its file, never a hang.
//! Packed objects are left to libgit2, which checks a pack's index and
//! trailer and reports a truncated or missing pack as an error.
//!
//! An object that is simply absent (a partial clone's blob) is
//! [`OdbError::Missing`], which callers may degrade on; anything else stops
//! the run.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use flate2::{Decompress, FlushDecompress, Status};
use git2::{ObjectType, Oid, Repository};

/// How deep `objects/info/alternates` is followed (git's own limit).
const MAX_ALTERNATE_DEPTH: usize = 5;
/// How many object folders are taken from alternates at most.
const MAX_OBJECT_DIRS: usize = 16;
/// The largest alternates file read.
const MAX_ALTERNATES_BYTES: u64 = 64 * 1024;
/// The largest object whose content is read here into memory (trees,
/// commits, tags); blobs are only checked, as a stream.
const MAX_READ_BYTES: u64 = 256 * 1024 * 1024;
/// A loose object's header: `TYPE SP SIZE NUL`.
const MAX_HEADER_BYTES: usize = 32;
/// How many commits a revision's `~N`/`^N` steps are checked along.
const MAX_REV_STEPS: u64 = 1_000_000;

/// Why an object could not be read.
#[derive(Debug)]
pub enum OdbError {
    /// Not in the object database (a partial clone's blob, or a damaged clone).
    Missing(Oid),
    /// An object that must be there is not (the parent of a commit in the
    /// history window, say): `what` says whose it is.
    Absent { id: Oid, what: String },
    /// A loose object file that is not what git writes.
    Corrupt { id: Oid, path: PathBuf, why: String },
    /// libgit2 could not read it (a truncated pack, say).
    Git { id: Option<Oid>, error: git2::Error },
}

impl OdbError {
    fn git(id: Oid, error: git2::Error) -> OdbError {
        if error.code() == git2::ErrorCode::NotFound {
            OdbError::Missing(id)
        } else {
            OdbError::Git {
                id: Some(id),
                error,
            }
        }
    }

    pub fn is_missing(&self) -> bool {
        matches!(self, OdbError::Missing(_))
    }

    /// What to tell the user to do.
    pub const HINT: &'static str = "the repository's object database is damaged or incomplete: \
         `git fsck` lists what is broken; fetch or clone the repository again, or restore the \
         objects from another clone";
}

impl From<git2::Error> for OdbError {
    fn from(error: git2::Error) -> OdbError {
        OdbError::Git { id: None, error }
    }
}

impl fmt::Display for OdbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OdbError::Missing(id) => write!(f, "git object {id} is missing from the repository"),
            OdbError::Absent { id, what } => {
                write!(f, "git object {id} ({what}) is missing from the repository")
            }
            OdbError::Corrupt { id, path, why } => {
                write!(f, "git object {id} is corrupt ({}: {why})", path.display())
            }
            OdbError::Git {
                id: Some(id),
                error,
            } => {
                write!(f, "cannot read git object {id}: {}", error.message())
            }
            OdbError::Git { id: None, error } => {
                write!(f, "cannot read the object database: {}", error.message())
            }
        }
    }
}

/// The loose-object folders of a repository: its own and its alternates'.
#[derive(Debug, Clone, Default)]
pub struct Loose {
    /// Each folder, with the fan-out subfolders (`00`..`ff`) it had at start.
    dirs: Vec<(PathBuf, [bool; 256])>,
}

impl Loose {
    pub fn of(repo: &Repository) -> Loose {
        let mut found = Vec::new();
        collect_dirs(&repo.commondir().join("objects"), 0, &mut found);
        Loose {
            dirs: found
                .into_iter()
                .map(|d| {
                    let fanout = fanout(&d);
                    (d, fanout)
                })
                .collect(),
        }
    }

    /// The loose file of `id`, in the first folder that has one.
    fn file(&self, id: Oid) -> Option<PathBuf> {
        let bytes = id.as_bytes();
        let first = usize::from(*bytes.first()?);
        let hex = id.to_string();
        self.dirs
            .iter()
            .filter(|(_, fan)| fan[first])
            .map(|(dir, _)| dir.join(&hex[..2]).join(&hex[2..]))
            .find(|p| std::fs::symlink_metadata(p).is_ok())
    }

    /// Verifies the loose copy of `id`, when there is one: its type and size,
    /// or None when the object is not loose. With `keep`, its content is
    /// returned too (objects up to [`MAX_READ_BYTES`]) and its id checked.
    fn verify(&self, id: Oid, keep: bool) -> Result<Option<Inflated>, OdbError> {
        match self.file(id) {
            Some(path) => inflate(id, &path, keep).map(Some),
            None => Ok(None),
        }
    }

    /// Checks the loose copy of `id`, if any.
    pub fn check(&self, id: Oid) -> Result<(), OdbError> {
        self.verify(id, false).map(|_| ())
    }
}

/// The `00`..`ff` subfolders an objects folder has.
fn fanout(dir: &Path) -> [bool; 256] {
    let mut fan = [false; 256];
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name();
            if let Some(n) = name
                .to_str()
                .filter(|n| n.len() == 2)
                .and_then(|n| u8::from_str_radix(n, 16).ok())
            {
                fan[usize::from(n)] = true;
            }
        }
    }
    fan
}

/// `dir` and the folders its `info/alternates` names, bounded in depth and count.
fn collect_dirs(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    if out.len() >= MAX_OBJECT_DIRS || out.iter().any(|d| d == dir) {
        return;
    }
    out.push(dir.to_path_buf());
    if depth >= MAX_ALTERNATE_DEPTH {
        return;
    }
    let file = dir.join("info").join("alternates");
    if !std::fs::metadata(&file).is_ok_and(|m| m.is_file()) {
        return;
    }
    let Ok(f) = std::fs::File::open(&file) else {
        return;
    };
    let mut text = String::new();
    if f.take(MAX_ALTERNATES_BYTES)
        .read_to_string(&mut text)
        .is_err()
    {
        return;
    }
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let path = Path::new(line);
        let path = if path.is_absolute() {
            path.to_path_buf()
        } else {
            dir.join(path)
        };
        let path = path.canonicalize().unwrap_or(path);
        if path.is_dir() {
            collect_dirs(&path, depth + 1, out);
        }
    }
}

/// A loose object, checked.
struct Inflated {
    kind: ObjectType,
    size: u64,
    data: Vec<u8>,
}

/// Inflates a loose object file with bounded buffers and checks it against
/// its header (and, when the content is kept, against its id).
fn inflate(id: Oid, path: &Path, keep: bool) -> Result<Inflated, OdbError> {
    let corrupt = |why: String| OdbError::Corrupt {
        id,
        path: path.to_path_buf(),
        why,
    };
    // A FIFO or a device in the objects folder would block or never end.
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => {}
        Ok(_) => return Err(corrupt("not a regular file".into())),
        Err(e) => return Err(corrupt(e.to_string())),
    }
    let mut file = std::fs::File::open(path).map_err(|e| corrupt(e.to_string()))?;
    let mut z = Decompress::new(true);
    let mut input = vec![0u8; 64 * 1024];
    let mut output = vec![0u8; 64 * 1024];
    let (mut at, mut len, mut eof) = (0usize, 0usize, false);
    let mut header: Vec<u8> = Vec::new();
    let mut parsed: Option<(ObjectType, u64)> = None;
    let mut body: u64 = 0;
    let mut data = Vec::new();
    loop {
        if at == len && !eof {
            len = file.read(&mut input).map_err(|e| corrupt(e.to_string()))?;
            at = 0;
            eof = len == 0;
        }
        let (in_before, out_before) = (z.total_in(), z.total_out());
        let flush = if eof {
            FlushDecompress::Finish
        } else {
            FlushDecompress::None
        };
        let status = z
            .decompress(&input[at..len], &mut output, flush)
            .map_err(|e| corrupt(format!("not a valid zlib stream ({e})")))?;
        let consumed = usize::try_from(z.total_in() - in_before).unwrap_or(usize::MAX);
        let produced = usize::try_from(z.total_out() - out_before).unwrap_or(usize::MAX);
        at = at.saturating_add(consumed).min(len);
        let mut out = output.get(..produced).unwrap_or_default();
        if parsed.is_none() && !out.is_empty() {
            match out.iter().position(|&b| b == 0) {
                Some(nul) => {
                    header.extend_from_slice(&out[..nul]);
                    out = &out[nul + 1..];
                    let (kind, size) = parse_header(&header)
                        .ok_or_else(|| corrupt("its header is not `TYPE SIZE`".into()))?;
                    if keep && size > MAX_READ_BYTES {
                        return Err(corrupt(format!("{size} bytes, more than qscan reads")));
                    }
                    parsed = Some((kind, size));
                }
                None => {
                    header.extend_from_slice(out);
                    out = &[];
                }
            }
            if header.len() > MAX_HEADER_BYTES {
                return Err(corrupt("its header is not `TYPE SIZE`".into()));
            }
        }
        if let Some((_, size)) = parsed {
            body += out.len() as u64;
            if body > size {
                return Err(corrupt(format!(
                    "holds more than the {size} bytes its header says"
                )));
            }
            if keep {
                data.extend_from_slice(out);
            }
        }
        if status == Status::StreamEnd {
            break;
        }
        if consumed == 0 && produced == 0 && (eof || at < len) {
            return Err(corrupt("truncated: the compressed data ends early".into()));
        }
    }
    let Some((kind, size)) = parsed else {
        return Err(corrupt("truncated: it has no header".into()));
    };
    if body != size {
        return Err(corrupt(format!(
            "truncated: {body} of the {size} bytes its header says"
        )));
    }
    if keep {
        let actual = Oid::hash_object(kind, &data).map_err(|e| OdbError::git(id, e))?;
        if actual != id {
            return Err(corrupt(format!("its content hashes to {actual}")));
        }
    }
    Ok(Inflated { kind, size, data })
}

fn parse_header(header: &[u8]) -> Option<(ObjectType, u64)> {
    let text = std::str::from_utf8(header).ok()?;
    let (kind, size) = text.split_once(' ')?;
    let kind = match kind {
        "blob" => ObjectType::Blob,
        "tree" => ObjectType::Tree,
        "commit" => ObjectType::Commit,
        "tag" => ObjectType::Tag,
        _ => return None,
    };
    if size.is_empty() || !size.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((kind, size.parse().ok()?))
}

/// A raw object: its type and content.
pub struct Raw {
    pub kind: ObjectType,
    pub data: Vec<u8>,
}

/// The object database of one repository handle, checked as it is read.
pub struct Odb<'r> {
    repo: &'r Repository,
    odb: git2::Odb<'r>,
    loose: Loose,
}

impl<'r> Odb<'r> {
    pub fn new(repo: &'r Repository) -> Result<Odb<'r>, OdbError> {
        Ok(Odb {
            repo,
            odb: repo
                .odb()
                .map_err(|error| OdbError::Git { id: None, error })?,
            loose: Loose::of(repo),
        })
    }

    pub fn repo(&self) -> &'r Repository {
        self.repo
    }

    /// Checks `id` without reading it into memory: its loose copy is
    /// inflated and checked; a packed one must be in the database.
    pub fn check(&self, id: Oid) -> Result<(), OdbError> {
        if self.loose.verify(id, false)?.is_some() {
            return Ok(());
        }
        self.odb
            .read_header(id)
            .map(|_| ())
            .map_err(|e| OdbError::git(id, e))
    }

    /// The type and size of `id`, checked as [`Odb::check`] does.
    pub fn header(&self, id: Oid) -> Result<(ObjectType, u64), OdbError> {
        if let Some(o) = self.loose.verify(id, false)? {
            return Ok((o.kind, o.size));
        }
        self.odb
            .read_header(id)
            .map(|(size, kind)| (kind, size as u64))
            .map_err(|e| OdbError::git(id, e))
    }

    /// The raw content of `id` (a tree, a commit, a tag).
    pub fn read(&self, id: Oid) -> Result<Raw, OdbError> {
        if let Some(o) = self.loose.verify(id, true)? {
            return Ok(Raw {
                kind: o.kind,
                data: o.data,
            });
        }
        let o = self.odb.read(id).map_err(|e| OdbError::git(id, e))?;
        Ok(Raw {
            kind: o.kind(),
            data: o.data().to_vec(),
        })
    }

    pub fn commit(&self, id: Oid) -> Result<git2::Commit<'r>, OdbError> {
        self.loose.check(id)?;
        self.repo.find_commit(id).map_err(|e| OdbError::git(id, e))
    }

    pub fn tree(&self, id: Oid) -> Result<git2::Tree<'r>, OdbError> {
        self.loose.check(id)?;
        self.repo.find_tree(id).map_err(|e| OdbError::git(id, e))
    }

    pub fn blob(&self, id: Oid) -> Result<git2::Blob<'r>, OdbError> {
        self.loose.check(id)?;
        self.repo.find_blob(id).map_err(|e| OdbError::git(id, e))
    }

    /// The commit `id` names, through annotated tags.
    pub fn peel_to_commit(&self, mut id: Oid) -> Result<Oid, OdbError> {
        for _ in 0..16 {
            let raw = self.read(id)?;
            match raw.kind {
                ObjectType::Commit => return Ok(id),
                ObjectType::Tag => match field(&raw.data, b"object ") {
                    Some(next) => id = next,
                    None => break,
                },
                _ => break,
            }
        }
        Err(OdbError::Git {
            id: Some(id),
            error: git2::Error::from_str("it does not name a commit"),
        })
    }

    /// The commit a reference (`HEAD`, `refs/heads/main`, `MERGE_HEAD`)
    /// points to; None when it does not exist or is unborn.
    pub fn ref_commit(&self, name: &str) -> Result<Option<Oid>, OdbError> {
        match self
            .repo
            .find_reference(name)
            .and_then(|r| r.resolve())
            .map(|r| r.target())
        {
            Ok(Some(id)) => self.peel_to_commit(id).map(Some),
            _ => Ok(None),
        }
    }

    /// HEAD's commit; None on an unborn branch (or no HEAD).
    pub fn head_commit(&self) -> Result<Option<Oid>, OdbError> {
        self.ref_commit("HEAD")
    }

    /// Checks the objects libgit2 will read to resolve `rev` (`main`,
    /// `HEAD~3`, `v1.0^2`, an id or a prefix of one): the named object,
    /// the tags it peels through and the commits its `~`/`^` steps walk.
    /// What it cannot follow (`@{…}`, `:/…`, `^{…}`) is left to libgit2.
    pub fn check_rev(&self, rev: &str) -> Result<(), OdbError> {
        let split = rev.find(['~', '^', ':', '@', '{']).unwrap_or(rev.len());
        let (base, steps) = rev.split_at(split);
        let Some(mut id) = self.base_id(base) else {
            return Ok(());
        };
        if steps.is_empty() {
            // A bare name may be a tree or a blob: checked, not peeled.
            return self.check(id);
        }
        id = self.peel_to_commit(id)?;
        let mut rest = steps.as_bytes();
        let mut walked = 0u64;
        while let Some((&op, tail)) = rest.split_first() {
            if op != b'~' && op != b'^' {
                return Ok(());
            }
            let digits = tail.iter().take_while(|b| b.is_ascii_digit()).count();
            let n: u64 = std::str::from_utf8(&tail[..digits])
                .ok()
                .and_then(|d| d.parse().ok())
                .unwrap_or(1);
            rest = &tail[digits..];
            let (hops, nth) = if op == b'~' { (n, 1) } else { (1, n) };
            if nth == 0 {
                continue;
            }
            for _ in 0..hops {
                walked += 1;
                if walked > MAX_REV_STEPS {
                    return Ok(());
                }
                let raw = self.read(id)?;
                match parents(&raw.data).nth(nth as usize - 1) {
                    Some(p) => {
                        self.read(p)?;
                        id = p;
                    }
                    None => return Ok(()),
                }
            }
        }
        Ok(())
    }

    /// The object a revision's base names, read from references only.
    fn base_id(&self, base: &str) -> Option<Oid> {
        let base = if base.is_empty() { "HEAD" } else { base };
        if base.len() == 40 && base.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Oid::from_str(base).ok();
        }
        if let Ok(r) = self
            .repo
            .resolve_reference_from_short_name(base)
            .and_then(|r| r.resolve())
            && let Some(id) = r.target()
        {
            return Some(id);
        }
        if (4..40).contains(&base.len()) && base.bytes().all(|b| b.is_ascii_hexdigit()) {
            let short = Oid::from_str(base).ok()?;
            return self.odb.exists_prefix(short, base.len()).ok();
        }
        None
    }
}

/// The id after `name` at the start of a line of a commit or tag header.
fn field(data: &[u8], name: &[u8]) -> Option<Oid> {
    header_lines(data)
        .find_map(|l| l.strip_prefix(name))
        .and_then(|hex| std::str::from_utf8(hex).ok())
        .and_then(|hex| Oid::from_str(hex.trim()).ok())
}

/// A commit's parents, from its raw header.
fn parents(data: &[u8]) -> impl Iterator<Item = Oid> + '_ {
    header_lines(data)
        .filter_map(|l| l.strip_prefix(b"parent "))
        .filter_map(|hex| Oid::from_str(std::str::from_utf8(hex).ok()?.trim()).ok())
}

fn header_lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    data.split(|&b| b == b'\n').take_while(|l| !l.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn loose_bytes(kind: &str, body: &[u8]) -> Vec<u8> {
        let mut raw = format!("{kind} {}\0", body.len()).into_bytes();
        raw.extend_from_slice(body);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&raw).unwrap();
        z.finish().unwrap()
    }

    fn write(dir: &Path, bytes: &[u8]) -> PathBuf {
        let p = dir.join("obj");
        std::fs::write(&p, bytes).unwrap();
        p
    }

    #[test]
    fn reads_a_good_loose_object_and_its_id() {
        let dir = tempfile::tempdir().unwrap();
        let body = b"hello\n";
        let id = Oid::hash_object(ObjectType::Blob, body).unwrap();
        let p = write(dir.path(), &loose_bytes("blob", body));
        let o = inflate(id, &p, true).unwrap();
        assert_eq!(
            (o.kind, o.size, o.data.as_slice()),
            (ObjectType::Blob, 6, &body[..])
        );
        let other = Oid::hash_object(ObjectType::Blob, b"x").unwrap();
        let e = inflate(other, &p, true).err().unwrap().to_string();
        assert!(e.contains("hashes to"), "{e}");
    }

    #[test]
    fn refuses_truncated_and_garbled_objects() {
        let dir = tempfile::tempdir().unwrap();
        let body = vec![b'a'; 100_000];
        let id = Oid::hash_object(ObjectType::Blob, &body).unwrap();
        let good = loose_bytes("blob", &body);
        for cut in [0, 1, 2, 10, good.len() / 2, good.len() - 1] {
            let p = write(dir.path(), &good[..cut]);
            for keep in [false, true] {
                let e = inflate(id, &p, keep).err().unwrap().to_string();
                assert!(e.contains(&id.to_string()), "{e}");
            }
        }
        let mut flipped = good.clone();
        flipped[good.len() / 2] ^= 0x55;
        let p = write(dir.path(), &flipped);
        assert!(inflate(id, &p, false).is_err());
        let p = write(dir.path(), &loose_bytes("blob 7", b"x"));
        assert!(inflate(id, &p, false).is_err());
        let p = write(dir.path(), &loose_bytes("thing", b"x"));
        assert!(inflate(id, &p, false).is_err());
    }

    #[test]
    fn loose_objects_of_alternates_are_checked_too() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let ra = Repository::init(a.path()).unwrap();
        let rb = Repository::init(b.path()).unwrap();
        let id = ra.blob(b"shared content\n").unwrap();
        let info = b.path().join(".git/objects/info");
        std::fs::create_dir_all(&info).unwrap();
        std::fs::write(
            info.join("alternates"),
            format!("# comment\n{}\n", a.path().join(".git/objects").display()),
        )
        .unwrap();
        let loose = Loose::of(&rb);
        assert!(loose.file(id).is_some());
        let odb = Odb::new(&rb).unwrap();
        assert_eq!(odb.header(id).unwrap(), (ObjectType::Blob, 15));
        let hex = id.to_string();
        let file = a
            .path()
            .join(".git/objects")
            .join(&hex[..2])
            .join(&hex[2..]);
        let bytes = std::fs::read(&file).unwrap();
        std::fs::write(&file, &bytes[..bytes.len() - 3]).unwrap();
        let e = odb.read(id).err().unwrap().to_string();
        assert!(e.contains(&hex) && e.contains("truncated"), "{e}");
    }

    #[test]
    fn headers() {
        assert_eq!(parse_header(b"tree 12"), Some((ObjectType::Tree, 12)));
        assert_eq!(parse_header(b"tree -1"), None);
        assert_eq!(parse_header(b"tree "), None);
        assert_eq!(parse_header(b"tree 99999999999999999999999"), None);
    }
}
