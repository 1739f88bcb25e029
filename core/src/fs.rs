//! Reading a real context directory into a [`ContextTree`] (feature `fs`).
//!
//! Like BuildKit's client it never follows symlinks (`lstat` only), records
//! hard links by `(device, inode)`, and keeps going past unreadable entries,
//! reporting each one so the caller can fail the way Docker would.

use std::collections::HashMap;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::tree::{ContextTree, Entry, EntryKind};

/// An entry of the directory that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", String::from_utf8_lossy(path))]
pub struct FsProblem {
    /// Path relative to the context root.
    pub path: Vec<u8>,
    /// Whether the entry is a directory whose contents are unknown.
    pub is_dir: bool,
    /// The underlying error.
    #[source]
    pub source: io::Error,
}

/// A context directory read from disk.
#[derive(Debug)]
pub struct DirContext {
    /// The tree, finished and ready for evaluation.
    pub tree: ContextTree,
    /// Entries that could not be read.
    pub problems: Vec<FsProblem>,
}

/// Reads the directory `root` (following a symlink at the root itself, as
/// BuildKit's `EvalSymlinks` does, but none below it).
pub fn read_context(root: &Path) -> io::Result<DirContext> {
    let root = std::fs::canonicalize(root)?;
    let meta = std::fs::metadata(&root)?;
    if !meta.is_dir() {
        return Err(io::Error::new(io::ErrorKind::NotADirectory, format!("{} is not a directory", root.display())));
    }
    let mut tree = ContextTree::new();
    let mut problems = Vec::new();
    let mut groups: HashMap<(u64, u64), u64> = HashMap::new();
    let mut pending: Vec<(PathBuf, Vec<u8>)> = vec![(root.clone(), Vec::new())];
    while let Some((dir, rel)) = pending.pop() {
        let rd = match std::fs::read_dir(&dir) {
            Ok(rd) => rd,
            Err(e) => {
                problems.push(FsProblem { path: rel, is_dir: true, source: e });
                continue;
            }
        };
        for ent in rd {
            let ent = match ent {
                Ok(e) => e,
                Err(e) => {
                    problems.push(FsProblem { path: rel.clone(), is_dir: true, source: e });
                    continue;
                }
            };
            let mut child = rel.clone();
            if !child.is_empty() {
                child.push(b'/');
            }
            child.extend_from_slice(ent.file_name().as_bytes());
            let full = ent.path();
            let md = match std::fs::symlink_metadata(&full) {
                Ok(m) => m,
                Err(e) => {
                    problems.push(FsProblem { path: child, is_dir: false, source: e });
                    continue;
                }
            };
            let ft = md.file_type();
            let mode = md.mode() & 0o7777;
            let entry = if ft.is_dir() {
                pending.push((full, child.clone()));
                Entry::dir().with_mode(mode)
            } else if ft.is_symlink() {
                match std::fs::read_link(&full) {
                    Ok(t) => Entry::symlink(t.as_os_str().as_bytes().to_vec()).with_mode(mode),
                    Err(e) => {
                        problems.push(FsProblem { path: child, is_dir: false, source: e });
                        continue;
                    }
                }
            } else if ft.is_file() {
                let mut e = Entry::file(md.len()).with_mode(mode);
                if md.nlink() > 1 {
                    let next = groups.len() as u64 + 1;
                    e.link_group = *groups.entry((md.dev(), md.ino())).or_insert(next);
                }
                e
            } else {
                Entry { kind: EntryKind::Other, size: 0, mode: Some(mode), link_group: 0, link_target: None }
            };
            // Paths come from read_dir, so they are always inside the root.
            if let Err(e) = tree.insert(&child, entry) {
                problems.push(FsProblem { path: child, is_dir: false, source: io::Error::other(e.to_string()) });
            }
        }
    }
    tree.finish();
    Ok(DirContext { tree, problems })
}
