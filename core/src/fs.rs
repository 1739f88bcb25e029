//! Reading a real context directory into a [`ContextTree`] (feature `fs`).
//!
//! Like BuildKit's client it never follows symlinks (`lstat` only), records
//! hard links by `(device, inode)`, and keeps going past unreadable entries,
//! reporting each one so the caller can fail the way Docker would.
//! Directories are read by a pool of threads; with [`ReadOptions::prune`] the
//! excluded directories BuildKit never enters are not read either.

use std::collections::HashMap;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, mpsc};

use crate::ignore::{MatchInfo, RuleSet};
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
    /// Directories not read because BuildKit would not enter them.
    pub pruned: Vec<Vec<u8>>,
}

/// How to read a context.
#[derive(Clone, Copy, Default)]
pub struct ReadOptions<'a> {
    /// Skip the contents of directories these rules exclude and BuildKit
    /// never enters (their sizes are then unknown).
    pub prune: Option<&'a RuleSet>,
    /// Worker threads (0 = one per available core).
    pub threads: usize,
    /// Called now and then with the number of entries read so far.
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
}

/// Reads the directory `root` (following a symlink at the root itself, as
/// BuildKit's `EvalSymlinks` does, but none below it).
pub fn read_context(root: &Path) -> io::Result<DirContext> {
    read_context_with(root, &ReadOptions::default())
}

struct Job {
    dir: PathBuf,
    rel: Vec<u8>,
    info: Option<MatchInfo>,
}

enum Found {
    Entry(Vec<u8>, Entry, (u64, u64)),
    Problem(FsProblem),
    Pruned(Vec<u8>),
}

struct Queue {
    jobs: Vec<Job>,
    busy: usize,
}

/// [`read_context`] with options.
pub fn read_context_with(root: &Path, opts: &ReadOptions<'_>) -> io::Result<DirContext> {
    let root = std::fs::canonicalize(root)?;
    if !std::fs::metadata(&root)?.is_dir() {
        return Err(io::Error::new(io::ErrorKind::NotADirectory, format!("{} is not a directory", root.display())));
    }
    let threads = match opts.threads {
        0 => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(8),
        n => n,
    };
    let prefixes = opts.prune.and_then(RuleSet::exception_prefixes);
    let queue = Mutex::new(Queue { jobs: vec![Job { dir: root.clone(), rel: Vec::new(), info: None }], busy: 0 });
    let wake = Condvar::new();
    let (tx, rx) = mpsc::channel::<Vec<Found>>();
    let mut tree = ContextTree::new();
    let mut problems = Vec::new();
    let mut pruned = Vec::new();
    std::thread::scope(|s| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (queue, wake, prefixes) = (&queue, &wake, &prefixes);
            s.spawn(move || {
                loop {
                    let job = {
                        let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
                        loop {
                            if let Some(j) = q.jobs.pop() {
                                q.busy += 1;
                                break Some(j);
                            }
                            if q.busy == 0 {
                                break None;
                            }
                            q = wake.wait(q).unwrap_or_else(|e| e.into_inner());
                        }
                    };
                    let Some(job) = job else {
                        wake.notify_all();
                        return;
                    };
                    let (found, subdirs) = read_one(&job, opts.prune, prefixes.as_deref());
                    let _ = tx.send(found);
                    let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
                    q.jobs.extend(subdirs);
                    q.busy -= 1;
                    wake.notify_all();
                }
            });
        }
        drop(tx);
        let mut groups: HashMap<(u64, u64), u64> = HashMap::new();
        let mut seen = 0u64;
        for batch in rx {
            for f in batch {
                match f {
                    Found::Entry(path, mut entry, inode) => {
                        if entry.kind == EntryKind::File && inode != (0, 0) {
                            let next = groups.len() as u64 + 1;
                            entry.link_group = *groups.entry(inode).or_insert(next);
                        }
                        // Paths come from read_dir, so they are always inside the root.
                        if let Err(e) = tree.insert(&path, entry) {
                            problems.push(FsProblem { path, is_dir: false, source: io::Error::other(e.to_string()) });
                        }
                        seen += 1;
                        if seen.is_multiple_of(4096)
                            && let Some(p) = opts.progress
                        {
                            p(seen);
                        }
                    }
                    Found::Problem(p) => problems.push(p),
                    Found::Pruned(p) => pruned.push(p),
                }
            }
        }
    });
    tree.finish();
    problems.sort_by(|a, b| a.path.cmp(&b.path));
    pruned.sort();
    Ok(DirContext { tree, problems, pruned })
}

/// Reads one directory; returns what it holds and the subdirectories to read.
fn read_one(job: &Job, prune: Option<&RuleSet>, prefixes: Option<&[Vec<u8>]>) -> (Vec<Found>, Vec<Job>) {
    let mut found = Vec::new();
    let mut subdirs = Vec::new();
    let rd = match std::fs::read_dir(&job.dir) {
        Ok(rd) => rd,
        Err(e) => {
            found.push(Found::Problem(FsProblem { path: job.rel.clone(), is_dir: true, source: e }));
            return (found, subdirs);
        }
    };
    for ent in rd {
        let ent = match ent {
            Ok(e) => e,
            Err(e) => {
                found.push(Found::Problem(FsProblem { path: job.rel.clone(), is_dir: true, source: e }));
                continue;
            }
        };
        let mut child = job.rel.clone();
        if !child.is_empty() {
            child.push(b'/');
        }
        child.extend_from_slice(ent.file_name().as_bytes());
        let full = ent.path();
        let md = match std::fs::symlink_metadata(&full) {
            Ok(m) => m,
            Err(e) => {
                found.push(Found::Problem(FsProblem { path: child, is_dir: false, source: e }));
                continue;
            }
        };
        let ft = md.file_type();
        let mode = md.mode() & 0o7777;
        let mut inode = (0, 0);
        let entry = if ft.is_dir() {
            let mut info = None;
            let mut descend = true;
            if let Some(rules) = prune {
                // Errors surface in the evaluation, which reports them; here
                // an unknown verdict just means "read it".
                if let Ok(v) = rules.verdict(&child, job.info.as_ref()) {
                    descend = !v.excluded || rules.enters_excluded_dir(prefixes, &child);
                    info = Some(v.info);
                }
            }
            if descend {
                subdirs.push(Job { dir: full, rel: child.clone(), info });
            } else {
                found.push(Found::Pruned(child.clone()));
            }
            Entry::dir().with_mode(mode)
        } else if ft.is_symlink() {
            match std::fs::read_link(&full) {
                Ok(t) => Entry::symlink(t.as_os_str().as_bytes().to_vec()).with_mode(mode),
                Err(e) => {
                    found.push(Found::Problem(FsProblem { path: child, is_dir: false, source: e }));
                    continue;
                }
            }
        } else if ft.is_file() {
            if md.nlink() > 1 {
                inode = (md.dev(), md.ino());
            }
            Entry::file(md.len()).with_mode(mode)
        } else {
            Entry { kind: EntryKind::Other, size: 0, mode: Some(mode), link_group: 0, link_target: None }
        };
        found.push(Found::Entry(child, entry, inode));
    }
    (found, subdirs)
}
