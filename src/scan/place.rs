//! Where a scan runs: the folder and the repository around a path, and the
//! definition of a bare repository (read from a commit, as it has no work
//! tree). Everything after this reads the [`Place`], never the raw path.

use std::path::{Path, PathBuf};

use crate::config::{self, Definition, Origin};
use crate::error::Error;

/// Where a scan runs: the root folder and, when there is one, its repository.
pub struct Place {
    pub root: PathBuf,
    pub repo: Option<git2::Repository>,
    /// A bare repository: no work tree, only commits to scan (`--rev`,
    /// `trend`); `root` is its git directory.
    pub bare: bool,
}

/// Finds the repository that contains `path`, or takes the folder itself.
/// A bare repository is refused: it has no files (see [`locate_commits`]).
pub fn locate(path: &Path) -> Result<Place, Error> {
    let place = locate_commits(path)?;
    if place.bare {
        return Err(bare_refused(&place));
    }
    Ok(place)
}

pub(super) fn bare_refused(place: &Place) -> Error {
    Error::usage(
        format!(
            "{} is a bare repository: it has no work tree or index to scan",
            place.root.display()
        ),
        Some("scan one of its commits instead, e.g. `qscan --rev HEAD PATH`"),
    )
}

/// [`locate`], also taking a bare repository, whose commits can be read
/// (`--rev`, `trend`).
pub fn locate_commits(path: &Path) -> Result<Place, Error> {
    let start = path.canonicalize().map_err(|e| {
        Error::usage(
            format!("cannot scan {}: {e}", path.display()),
            Some("give the path of a folder inside the repository to scan"),
        )
    })?;
    let start = if start.is_dir() {
        start
    } else {
        start.parent().map(Path::to_path_buf).unwrap_or(start)
    };
    match git2::Repository::discover(&start) {
        Ok(repo) => {
            let Some(workdir) = repo.workdir() else {
                let root = repo.path().canonicalize().unwrap_or(start);
                return Ok(Place {
                    root,
                    repo: Some(repo),
                    bare: true,
                });
            };
            let root = workdir
                .canonicalize()
                .unwrap_or_else(|_| workdir.to_path_buf());
            Ok(Place {
                root,
                repo: Some(repo),
                bare: false,
            })
        }
        // Not "no repository": git would refuse it too, and say why.
        Err(e) if e.code() == git2::ErrorCode::Owner => {
            Err(crate::error::dubious_ownership(&start))
        }
        Err(_) => Ok(Place {
            root: start,
            repo: None,
            bare: false,
        }),
    }
}

/// A bare repository's definition: `--config FILE`, else the quality.toml
/// committed in `rev`'s tree (read from its blob: there is no work tree),
/// else the built-in default.
pub fn bare_definition(
    place: &Place,
    rev: &str,
    explicit: Option<&Path>,
) -> Result<Definition, Error> {
    if explicit.is_some() {
        return Ok(config::load(&place.root, explicit)?);
    }
    let repo = repo_of(place, "a bare repository")?;
    let odb = crate::odb::Odb::new(repo).map_err(|e| e.to_error())?;
    let commit = resolve_rev(place, rev, "--rev")?;
    let tree = odb.commit(commit).map_err(|e| e.to_error())?.tree_id();
    let entry = odb
        .tree(tree)
        .map_err(|e| e.to_error())?
        .get_name("quality.toml")
        .filter(|e| e.kind() == Some(git2::ObjectType::Blob) && e.filemode() != 0o120000)
        .map(|e| e.id());
    let Some(id) = entry else {
        return Ok(config::parse(
            config::DEFAULT_TOML,
            "built-in default definition",
            Origin::BuiltIn,
        )?);
    };
    let shown = format!("{rev}:quality.toml");
    let (_, size) = odb.header(id).map_err(|e| e.to_error())?;
    if size > 1024 * 1024 {
        return Err(Error::input(
            format!("{shown} is {size} bytes: too large for a definition"),
            None,
        ));
    }
    let blob = odb.blob(id).map_err(|e| e.to_error())?;
    let text = String::from_utf8(blob.content().to_vec())
        .map_err(|_| Error::input(format!("{shown} is not UTF-8 text"), None))?;
    // Shown without lines of its text, as a work tree's quality.toml is.
    config::parse(&text, &shown, Origin::File(PathBuf::from(&shown))).map_err(|e| {
        Error::Config(match e {
            config::ConfigError::Invalid { path, mut problems } => {
                for p in &mut problems {
                    p.snippet.clear();
                }
                config::ConfigError::Invalid { path, problems }
            }
            other => other,
        })
    })
}

pub(super) fn repo_of<'a>(place: &'a Place, what: &str) -> Result<&'a git2::Repository, Error> {
    place.repo.as_ref().ok_or_else(|| {
        Error::usage(
            format!(
                "{what} needs a git repository, and {} is none",
                place.root.display()
            ),
            None,
        )
    })
}

/// The commit a revision names, for `flag` (`--rev`, `--baseline`).
pub(super) fn resolve_rev(place: &Place, rev: &str, flag: &str) -> Result<git2::Oid, Error> {
    let repo = repo_of(place, flag)?;
    // libgit2 would loop forever on a truncated loose object on the way.
    let odb = crate::odb::Odb::new(repo).map_err(|e| e.to_error())?;
    odb.check_rev(rev).map_err(|e| e.to_error())?;
    repo.revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map(|c| c.id())
        .map_err(|e| {
            Error::usage(
                format!(
                    "{flag} {rev}: not a commit of this repository ({})",
                    e.message()
                ),
                Some("give a branch, tag or commit id, e.g. `HEAD~1` or `origin/main`"),
            )
        })
}
