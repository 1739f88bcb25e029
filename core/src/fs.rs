//! Reading a real context directory into a [`ContextTree`] (feature `fs`).
//!
//! Like BuildKit's client it never follows symlinks (`lstat` only), records
//! hard links by `(device, inode)`, and keeps going past unreadable entries,
//! reporting each one so the caller can fail the way Docker would.
//! Directories are read by a pool of threads; with [`ReadOptions::prune`] the
//! excluded directories BuildKit never enters are not read either.
//!
//! Each entry is stat'ed relative to its open directory (`DirEntry::metadata`
//! is `statx(dirfd, name)`, as `du` does) and added to the tree under its
//! parent's node, so neither the kernel nor the tree walks a path again.

use std::collections::HashMap;
use std::io;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, mpsc};

use crate::ignore::{MatchInfo, RuleSet};
use crate::tree::{ContextTree, Entry, EntryKind, NodeId, ROOT};

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
    /// Threads reading directories, the calling thread included (0 = one per
    /// available core, at most 8).
    pub threads: usize,
    /// Called now and then with the number of entries read so far.
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
}

/// Reads the directory `root` (following a symlink at the root itself, as
/// BuildKit's `EvalSymlinks` does, but none below it).
pub fn read_context(root: &Path) -> io::Result<DirContext> {
    read_context_with(root, &ReadOptions::default())
}

/// A directory still to be read. `key` names it in [`Item::parent`] before
/// the collector knows its node id.
struct Job {
    dir: PathBuf,
    rel: Vec<u8>,
    key: u32,
    info: Option<MatchInfo>,
}

/// Marks "no directory key" and "node not known".
const NONE: u32 = u32::MAX;

/// One entry read: its name ends at `name_end` in [`Batch::names`].
struct Item {
    parent: u32,
    name_end: u32,
    /// The key of this directory's own [`Job`], if it will be read.
    key: u32,
    entry: Entry,
    /// `(device, inode)` of a file with several links, else `(0, 0)`.
    inode: (u64, u64),
}

/// What a thread read since it last handed its findings to the collector.
/// A directory's entries always reach the collector before the entries of
/// its subdirectories: a thread flushes its batch before sharing jobs.
#[derive(Default)]
struct Batch {
    names: Vec<u8>,
    items: Vec<Item>,
    problems: Vec<FsProblem>,
    pruned: Vec<Vec<u8>>,
}

/// Entries a helper thread gathers before sending them: few enough
/// messages that the collector is rarely woken.
const BATCH: usize = 4096;

/// The work shared between threads. Each thread walks depth-first from its
/// own stack and tops the shared queue up when it runs low, so that a thread
/// out of work rarely has to sleep (a wake-up is slow on a busy machine).
struct Shared<'a> {
    state: Mutex<State>,
    wake: Condvar,
    /// Jobs in the shared queue (read without the lock, as a hint).
    queued: AtomicUsize,
    threads: usize,
    next_key: AtomicU32,
    prune: Option<&'a RuleSet>,
    prefixes: Option<Vec<Vec<u8>>>,
}

struct State {
    jobs: Vec<Job>,
    idle: usize,
    done: bool,
}

impl Shared<'_> {
    /// The next shared job, or `None` once every thread is idle with nothing left.
    fn take(&self) -> Option<Job> {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(j) = st.jobs.pop() {
                self.queued.store(st.jobs.len(), Ordering::Relaxed);
                return Some(j);
            }
            if st.done {
                return None;
            }
            if st.idle + 1 == self.threads {
                st.done = true;
                self.wake.notify_all();
                return None;
            }
            st.idle += 1;
            st = self.wake.wait(st).unwrap_or_else(|e| e.into_inner());
            st.idle -= 1;
        }
    }

    fn give(&self, jobs: impl Iterator<Item = Job>) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let before = st.jobs.len();
        st.jobs.extend(jobs);
        self.queued.store(st.jobs.len(), Ordering::Relaxed);
        for _ in 0..(st.jobs.len() - before).min(st.idle) {
            self.wake.notify_one();
        }
    }

    /// Reads jobs until none is left anywhere; `flush` receives the batch
    /// whenever it holds `limit` entries or more, and before jobs are shared.
    fn work(&self, mut local: Vec<Job>, limit: usize, flush: &mut dyn FnMut(&mut Batch)) {
        let mut batch = Batch::default();
        loop {
            let job = match local.pop() {
                Some(j) => j,
                None => {
                    flush(&mut batch);
                    match self.take() {
                        Some(j) => j,
                        None => return,
                    }
                }
            };
            self.read_one(job, &mut batch, &mut local);
            if batch.items.len() >= limit {
                flush(&mut batch);
            }
            if local.len() >= 2 && self.threads > 1 && self.queued.load(Ordering::Relaxed) < self.threads {
                flush(&mut batch);
                // The oldest jobs are the shallowest: the most work each.
                let n = local.len() / 2;
                self.give(local.drain(..n));
            }
        }
    }

    /// Reads one directory into `batch`, its subdirectories to read onto `jobs`.
    fn read_one(&self, job: Job, batch: &mut Batch, jobs: &mut Vec<Job>) {
        let rd = match std::fs::read_dir(&job.dir) {
            Ok(rd) => rd,
            Err(e) => {
                batch.problems.push(FsProblem { path: job.rel, is_dir: true, source: e });
                return;
            }
        };
        let rel_of = |name: &[u8]| {
            let mut p = Vec::with_capacity(job.rel.len() + 1 + name.len());
            p.extend_from_slice(&job.rel);
            if !p.is_empty() {
                p.push(b'/');
            }
            p.extend_from_slice(name);
            p
        };
        for ent in rd {
            let ent = match ent {
                Ok(e) => e,
                Err(e) => {
                    batch.problems.push(FsProblem { path: job.rel.clone(), is_dir: true, source: e });
                    continue;
                }
            };
            let name = ent.file_name();
            let name = name.as_bytes();
            let md = match ent.metadata() {
                Ok(m) => m,
                Err(e) => {
                    batch.problems.push(FsProblem { path: rel_of(name), is_dir: false, source: e });
                    continue;
                }
            };
            let ft = md.file_type();
            let mode = md.mode() & 0o7777;
            let mut inode = (0, 0);
            let mut key = NONE;
            let entry = if ft.is_dir() {
                let child = rel_of(name);
                let mut info = None;
                let mut descend = true;
                if let Some(rules) = self.prune {
                    // Errors surface in the evaluation, which reports them;
                    // here an unknown verdict just means "read it".
                    if let Ok(v) = rules.verdict(&child, job.info.as_ref()) {
                        descend = !v.excluded || rules.enters_excluded_dir(self.prefixes.as_deref(), &child);
                        info = Some(v.info);
                    }
                }
                if descend {
                    key = self.next_key.fetch_add(1, Ordering::Relaxed);
                    jobs.push(Job { dir: ent.path(), rel: child, key, info });
                } else {
                    batch.pruned.push(child);
                }
                Entry::dir().with_mode(mode)
            } else if ft.is_symlink() {
                match std::fs::read_link(ent.path()) {
                    Ok(t) => Entry::symlink(t.into_os_string().into_vec()).with_mode(mode),
                    Err(e) => {
                        batch.problems.push(FsProblem { path: rel_of(name), is_dir: false, source: e });
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
            batch.names.extend_from_slice(name);
            batch.items.push(Item { parent: job.key, name_end: batch.names.len() as u32, key, entry, inode });
        }
    }
}

/// Builds the tree from batches, on the calling thread.
struct Collector<'a> {
    tree: ContextTree,
    /// Node of each directory key (`NONE` until its entry arrives).
    dirs: Vec<NodeId>,
    linked: Vec<((u64, u64), NodeId)>,
    problems: Vec<FsProblem>,
    pruned: Vec<Vec<u8>>,
    seen: u64,
    progress: Option<&'a (dyn Fn(u64) + Sync)>,
}

impl Collector<'_> {
    fn apply(&mut self, batch: Batch) {
        let mut start = 0;
        for it in batch.items {
            let end = it.name_end as usize;
            let name = &batch.names[start..end];
            start = end;
            // A parent that could not be added was reported already.
            let Some(&parent) = self.dirs.get(it.parent as usize).filter(|&&p| p != NONE) else { continue };
            match self.tree.insert_child(parent, name, it.entry) {
                Ok(id) => {
                    if it.key != NONE {
                        let k = it.key as usize;
                        if k >= self.dirs.len() {
                            self.dirs.resize(k + 1, NONE);
                        }
                        self.dirs[k] = id;
                    }
                    if it.inode != (0, 0) {
                        self.linked.push((it.inode, id));
                    }
                }
                Err(e) => {
                    let mut path = self.tree.path(parent);
                    if !path.is_empty() {
                        path.push(b'/');
                    }
                    path.extend_from_slice(name);
                    let is_dir = it.key != NONE;
                    self.problems.push(FsProblem { path, is_dir, source: io::Error::other(e.to_string()) });
                }
            }
            self.seen += 1;
            if self.seen.is_multiple_of(4096)
                && let Some(p) = self.progress
            {
                p(self.seen);
            }
        }
        self.problems.extend(batch.problems);
        self.pruned.extend(batch.pruned);
    }

    /// Numbers hard-link groups in walk order, so that the numbers do not
    /// depend on which thread read what first.
    fn link_groups(&mut self) {
        if self.linked.is_empty() {
            return;
        }
        let mut rank: HashMap<NodeId, usize> = self.linked.iter().map(|&(_, id)| (id, 0)).collect();
        for (i, id) in self.tree.walk().enumerate() {
            if let Some(r) = rank.get_mut(&id) {
                *r = i;
            }
        }
        self.linked.sort_by_key(|&(_, id)| rank[&id]);
        let mut groups: HashMap<(u64, u64), u64> = HashMap::new();
        for &(inode, id) in &self.linked {
            let next = groups.len() as u64 + 1;
            let g = *groups.entry(inode).or_insert(next);
            self.tree.set_link_group(id, g);
        }
    }
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
    let shared = Shared {
        state: Mutex::new(State { jobs: Vec::new(), idle: 0, done: false }),
        wake: Condvar::new(),
        queued: AtomicUsize::new(0),
        threads,
        next_key: AtomicU32::new(1),
        prune: opts.prune,
        prefixes: opts.prune.and_then(RuleSet::exception_prefixes),
    };
    let mut c = Collector {
        tree: ContextTree::new(),
        dirs: vec![ROOT],
        linked: Vec::new(),
        problems: Vec::new(),
        pruned: Vec::new(),
        seen: 0,
        progress: opts.progress,
    };
    let (tx, rx) = mpsc::channel::<Batch>();
    std::thread::scope(|s| {
        for _ in 1..threads {
            let tx = tx.clone();
            let shared = &shared;
            s.spawn(move || {
                shared.work(Vec::new(), BATCH, &mut |b| {
                    if !b.items.is_empty() || !b.problems.is_empty() || !b.pruned.is_empty() {
                        let _ = tx.send(std::mem::take(b));
                    }
                })
            });
        }
        drop(tx);
        // The calling thread reads too, and adds its own entries at once,
        // after what the others sent (which may hold its parents).
        let root_job = Job { dir: root.clone(), rel: Vec::new(), key: ROOT, info: None };
        shared.work(vec![root_job], 0, &mut |b| {
            while let Ok(other) = rx.try_recv() {
                c.apply(other);
            }
            c.apply(std::mem::take(b));
        });
        for b in rx {
            c.apply(b);
        }
    });
    c.tree.finish();
    c.link_groups();
    c.problems.sort_by(|a, b| a.path.cmp(&b.path));
    c.pruned.sort();
    Ok(DirContext { tree: c.tree, problems: c.problems, pruned: c.pruned })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::{PermissionsExt, symlink};
    use std::sync::atomic::AtomicU64;

    /// Path, kind, size, mode, link group and target of a node.
    type Facts = (String, EntryKind, u64, Option<u32>, u64, Option<Vec<u8>>);

    /// Every fact the tree holds, in walk order.
    fn dump(t: &ContextTree) -> Vec<Facts> {
        t.walk()
            .map(|id| {
                let path = String::from_utf8_lossy(&t.path(id)).into_owned();
                (path, t.kind(id), t.size(id), t.mode(id), t.link_group(id), t.link_target(id).map(<[u8]>::to_vec))
            })
            .collect()
    }

    fn read(root: &Path, threads: usize) -> DirContext {
        read_context_with(root, &ReadOptions { prune: None, threads, progress: None }).unwrap()
    }

    /// A few hundred entries over several levels, with every kind of entry.
    fn sample() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        for i in 0..12 {
            for j in 0..4 {
                let sub = r.join(format!("d{i}/s{j}/deep"));
                fs::create_dir_all(&sub).unwrap();
                for k in 0..5 {
                    fs::write(sub.join(format!("f{k}")), vec![b'x'; i * 7 + j + k]).unwrap();
                }
                fs::write(r.join(format!("d{i}/s{j}/top")), b"abc").unwrap();
            }
        }
        fs::write(r.join("z-linked"), b"hello").unwrap();
        fs::hard_link(r.join("z-linked"), r.join("d3/a-linked")).unwrap();
        fs::hard_link(r.join("z-linked"), r.join("d9/s1/b-linked")).unwrap();
        fs::write(r.join("d5/other"), b"12").unwrap();
        fs::hard_link(r.join("d5/other"), r.join("d0/other")).unwrap();
        symlink("d1", r.join("to-dir")).unwrap();
        symlink("../nowhere", r.join("d2/dangling")).unwrap();
        fs::set_permissions(r.join("d4/s0/top"), fs::Permissions::from_mode(0o751)).unwrap();
        std::os::unix::net::UnixListener::bind(r.join("d6/sock")).unwrap();
        d
    }

    #[test]
    fn the_tree_does_not_depend_on_the_threads() {
        let d = sample();
        let one = read(d.path(), 1);
        assert!(one.problems.is_empty(), "{:?}", one.problems);
        let want = dump(&one.tree);
        // 12 × (1 + 4 × (1 + 1 + 1 + 5)) + 5 extra files + 2 symlinks + 1 socket.
        assert_eq!(want.len(), 12 * 33 + 8);
        for threads in [2, 3, 8] {
            for _ in 0..5 {
                assert_eq!(dump(&read(d.path(), threads).tree), want, "{threads} threads");
            }
        }
    }

    #[test]
    fn entries_keep_their_facts() {
        let d = sample();
        let ctx = read(d.path(), 2);
        let t = &ctx.tree;
        let id = |p: &str| t.lookup(p.as_bytes()).unwrap_or_else(|| panic!("{p} missing"));
        let f = id("d11/s3/deep/f4");
        assert_eq!((t.kind(f), t.size(f)), (EntryKind::File, 11 * 7 + 3 + 4));
        assert_eq!(t.mode(id("d4/s0/top")), Some(0o751));
        assert_eq!(t.kind(id("d6/sock")), EntryKind::Other);
        assert_eq!(t.kind(id("d6")), EntryKind::Dir);
        // Symlinks are recorded, never followed.
        let l = id("to-dir");
        assert_eq!((t.kind(l), t.size(l), t.link_target(l)), (EntryKind::Symlink, 2, Some(&b"d1"[..])));
        assert!(t.children(l).is_empty());
        assert_eq!(t.link_target(id("d2/dangling")), Some(&b"../nowhere"[..]));
    }

    #[test]
    fn hard_links_are_numbered_in_walk_order() {
        let d = sample();
        let t = read(d.path(), 3).tree;
        let g = |p: &str| t.link_group(t.lookup(p.as_bytes()).unwrap());
        // Walk order: d0/other, d3/a-linked, d5/other, d9/s1/b-linked, z-linked.
        assert_eq!([g("d0/other"), g("d5/other")], [1, 1]);
        assert_eq!([g("d3/a-linked"), g("d9/s1/b-linked"), g("z-linked")], [2, 2, 2]);
        assert_eq!(g("d1/s0/top"), 0);
    }

    #[test]
    fn the_root_symlink_is_followed() {
        let d = sample();
        let outer = tempfile::tempdir().unwrap();
        let link = outer.path().join("ctx");
        symlink(d.path(), &link).unwrap();
        assert_eq!(dump(&read(&link, 2).tree), dump(&read(d.path(), 1).tree));
        let file = d.path().join("z-linked");
        assert_eq!(read_context(&file).unwrap_err().kind(), io::ErrorKind::NotADirectory);
        assert!(read_context(&d.path().join("missing")).is_err());
    }

    #[test]
    fn pruning_skips_what_buildkit_never_enters() {
        let d = sample();
        let rules = RuleSet::parse(b"d1\nd2\n!d2/s0/top\n**/deep\n").unwrap();
        for threads in [1, 2] {
            let ctx =
                read_context_with(d.path(), &ReadOptions { prune: Some(&rules), threads, progress: None }).unwrap();
            let t = &ctx.tree;
            // `d1` is excluded and nothing below it can come back: not read.
            assert!(t.lookup(b"d1").is_some() && t.children(t.lookup(b"d1").unwrap()).is_empty());
            // The exception reaches into `d2`, so BuildKit reads it.
            assert!(t.lookup(b"d2/s0/top").is_some());
            assert!(t.lookup(b"d0/s0/top").is_some() && t.lookup(b"d0/s0/deep/f0").is_none());
            let pruned: Vec<String> = ctx.pruned.iter().map(|p| String::from_utf8_lossy(p).into_owned()).collect();
            assert_eq!(pruned.len(), 1 + 48 - 4, "{pruned:?}");
            assert_eq!(pruned[0], "d0/s0/deep");
            assert!(pruned.contains(&"d1".to_string()) && pruned.contains(&"d2/s0/deep".to_string()));
            assert!(pruned.windows(2).all(|w| w[0] < w[1]));
        }
    }

    #[test]
    fn progress_is_reported_while_reading() {
        let d = tempfile::tempdir().unwrap();
        for i in 0..9000 {
            fs::write(d.path().join(format!("f{i}")), b"").unwrap();
        }
        let calls = Mutex::new(Vec::new());
        let last = AtomicU64::new(0);
        let cb = |n: u64| {
            last.store(n, Ordering::Relaxed);
            calls.lock().unwrap().push(n);
        };
        let ctx = read_context_with(d.path(), &ReadOptions { prune: None, threads: 2, progress: Some(&cb) }).unwrap();
        assert_eq!(ctx.tree.len(), 9001);
        assert_eq!(calls.into_inner().unwrap(), [4096, 8192]);
        assert_eq!(last.load(Ordering::Relaxed), 8192);
    }

    #[test]
    fn unreadable_directories_are_reported() {
        let d = sample();
        let locked = d.path().join("d7/s2");
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
        // Root reads anything: then there is nothing to report.
        let readable = fs::read_dir(&locked).is_ok();
        let ctx = read(d.path(), 2);
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
        let t = &ctx.tree;
        assert_eq!(t.kind(t.lookup(b"d7/s2").unwrap()), EntryKind::Dir);
        if readable {
            assert!(ctx.problems.is_empty());
            assert!(t.lookup(b"d7/s2/top").is_some());
        } else {
            assert_eq!(ctx.problems.len(), 1, "{:?}", ctx.problems);
            assert_eq!((ctx.problems[0].path.as_slice(), ctx.problems[0].is_dir), (&b"d7/s2"[..], true));
            assert!(t.lookup(b"d7/s2/top").is_none());
        }
        // The rest is read either way.
        assert!(t.lookup(b"d7/s3/deep/f4").is_some());
    }
}
