//! From parsed records to a [`ContextTree`]: path cleaning, implied parents,
//! duplicates, directories told apart from files by their children, hard-link
//! groups, and cumulative directory sizes turned into own sizes.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use super::num::add;
use super::{HardLinks, Listing, ListingFormat, ListingProblem, SizeMeaning, SizeUnit};
use crate::tree::{ContextTree, Entry, EntryKind, NodeId, ROOT};

/// What a record says about the kind of its entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    File,
    Dir,
    /// A symlink; the target when the listing shows it.
    Symlink(Option<Vec<u8>>),
    Other,
    /// Not shown: a directory if something is listed below it, else decided by the leaf mode.
    Unknown,
    /// Another name of the file at this path (tar's `link to`).
    Hardlink(Vec<u8>),
}

/// One listed entry.
#[derive(Debug, Clone)]
pub(crate) struct Rec {
    /// 1-based line (record) number.
    pub line: usize,
    /// The decoded path as listed (`./a/b`, `a/b`, `/abs/a/b`, `.`).
    pub path: Vec<u8>,
    pub kind: Kind,
    /// Size in bytes as an interval (already converted from blocks/units).
    pub size: Option<(u64, u64)>,
    pub mode: Option<u32>,
    /// Entries sharing a key are names of the same inode.
    pub link_key: Option<u64>,
}

impl Rec {
    pub(crate) fn new(line: usize, path: Vec<u8>, kind: Kind, size: Option<(u64, u64)>) -> Rec {
        Rec { line, path, kind, size, mode: None, link_key: None }
    }
}

/// How leaves of a cumulative listing are to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Leaves {
    /// Every entry is listed (`du -a`): leaves are files, residuals are directories' own sizes.
    Files,
    /// Only directories are listed (`du`): leaves are directories whose files are unlisted.
    Dirs,
    /// A summary of operands (`du -s *`, dua): a leaf may be a file or a directory.
    Unknown,
}

/// How sizes relate across entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Every size is the entry's own.
    Flat,
    /// Directory sizes include everything below them.
    Cumulative(Leaves),
}

/// What a format parser hands to the builder.
#[derive(Debug)]
pub(crate) struct Parsed {
    pub recs: Vec<Rec>,
    pub mode: Mode,
    pub sizes: SizeMeaning,
    pub unit: SizeUnit,
    pub hardlinks: HardLinks,
    pub reported_total: Option<(u64, u64)>,
    /// Directories (paths as in `recs`) whose contents the listing does not show.
    pub opaque: Vec<Vec<u8>>,
    pub notes: Vec<String>,
}

impl Parsed {
    pub(crate) fn new(mode: Mode, sizes: SizeMeaning, unit: SizeUnit) -> Parsed {
        Parsed {
            recs: Vec::new(),
            mode,
            sizes,
            unit,
            hardlinks: HardLinks::NotShown,
            reported_total: None,
            opaque: Vec::new(),
            notes: Vec::new(),
        }
    }
}

/// Problems collected while reading.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    pub list: Vec<ListingProblem>,
    pub total: usize,
}

/// FxHash: the maps below hold every path of a listing, and SipHash's
/// flooding resistance buys nothing for a local input.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(b));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A `HashMap` with [`FxHasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
/// A `HashSet` with [`FxHasher`].
pub(crate) type FastSet<K> = HashSet<K, BuildHasherDefault<FxHasher>>;

/// Paths longer than this cannot exist (Linux `PATH_MAX`).
const MAX_PATH: usize = 4096;

/// At most this many problems are kept (the count goes on).
pub(crate) const MAX_PROBLEMS: usize = 1000;

impl Problems {
    /// Adds a problem whose line text is only looked up if it is kept.
    pub(crate) fn add_lazy(&mut self, line: usize, text: impl FnOnce() -> Vec<u8>, message: impl Into<String>) {
        if self.list.len() < MAX_PROBLEMS {
            let t = text();
            self.add(line, &t, message);
        } else {
            self.total += 1;
        }
    }

    pub(crate) fn add(&mut self, line: usize, text: &[u8], message: impl Into<String>) {
        self.total += 1;
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(ListingProblem { line, text: display_text(text), message: message.into() });
        }
    }
}

/// A line for display: lossy UTF-8, control characters made visible, cut at 160 characters.
pub(crate) fn display_text(text: &[u8]) -> String {
    const MAX: usize = 160;
    let s = String::from_utf8_lossy(&text[..text.len().min(MAX * 4)]);
    let mut out = String::new();
    for (n, c) in s.chars().enumerate() {
        if n >= MAX {
            out.push('…');
            break;
        }
        if c.is_control() && c != '\t' {
            out.push(char::from_u32(0x2400 + c as u32).filter(|_| (c as u32) < 0x20).unwrap_or('�'));
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits a cleaned relative path into its parent (`""` for top level).
fn parent_of(path: &[u8]) -> Option<&[u8]> {
    if path.is_empty() {
        return None;
    }
    Some(match path.iter().rposition(|&b| b == b'/') {
        Some(i) => &path[..i],
        None => b"",
    })
}

/// `./a//b/` → `a/b`; `.` → ``; `None` for paths that leave the context.
fn clean(path: &[u8]) -> Option<Vec<u8>> {
    let mut out: Vec<u8> = Vec::with_capacity(path.len());
    for part in path.split(|&b| b == b'/') {
        match part {
            b"" | b"." => {}
            b".." => return None,
            p => {
                if !out.is_empty() {
                    out.push(b'/');
                }
                out.extend_from_slice(p);
            }
        }
    }
    Some(out)
}

/// The longest directory that every absolute path is, or lies below (for a
/// single absolute path, its parent, so that the entry keeps its name).
fn absolute_root(recs: &[Rec]) -> Option<Vec<u8>> {
    let mut common: Option<Vec<&[u8]>> = None;
    let mut count = 0usize;
    for r in recs {
        if !r.path.starts_with(b"/") {
            continue;
        }
        count += 1;
        let parts: Vec<&[u8]> = r.path.split(|&b| b == b'/').filter(|p| !p.is_empty() && *p != b".").collect();
        common = Some(match common {
            None => parts,
            Some(cur) => {
                let n = cur.iter().zip(parts.iter()).take_while(|(a, b)| a == b).count();
                cur[..n].to_vec()
            }
        });
    }
    let mut parts = common?;
    if count == 1 {
        parts.pop();
    }
    let mut root = Vec::new();
    for p in parts {
        root.push(b'/');
        root.extend_from_slice(p);
    }
    Some(root)
}

fn strip_root<'a>(path: &'a [u8], root: Option<&[u8]>) -> &'a [u8] {
    if let Some(root) = root
        && path.starts_with(b"/")
        && path.starts_with(root)
    {
        let rest = &path[root.len()..];
        if rest.is_empty() || rest[0] == b'/' {
            return rest;
        }
    }
    path
}

struct Item {
    rec: Rec,
    path: Vec<u8>,
}

/// Builds the listing's tree and totals.
pub(crate) fn build(
    parsed: Parsed,
    format: ListingFormat,
    mut problems: Problems,
    records: usize,
    line_text: &dyn Fn(usize) -> Vec<u8>,
) -> Listing {
    let Parsed { recs, mode, sizes, unit, hardlinks, reported_total, opaque, mut notes } = parsed;
    let root = absolute_root(&recs);
    let root = root.as_deref();

    // Clean paths, drop duplicates (the first listing of a path wins).
    let mut cleaned: Vec<Item> = Vec::with_capacity(recs.len());
    for rec in recs {
        if rec.path.len() > MAX_PATH {
            problems.add_lazy(rec.line, || line_text(rec.line), "longer than any path can be (4096 bytes); skipped");
            continue;
        }
        let Some(path) = clean(strip_root(&rec.path, root)) else {
            problems.add_lazy(rec.line, || line_text(rec.line), "path leaves the context (`..`); skipped");
            continue;
        };
        cleaned.push(Item { rec, path });
    }
    let mut first: FastMap<&[u8], usize> = FastMap::default();
    first.reserve(cleaned.len());
    let mut keep = vec![false; cleaned.len()];
    for (i, it) in cleaned.iter().enumerate() {
        if let std::collections::hash_map::Entry::Vacant(v) = first.entry(it.path.as_slice()) {
            v.insert(i);
            keep[i] = true;
        }
    }
    drop(first);
    let duplicates = keep.iter().filter(|k| !**k).count();
    let items: Vec<Item> = cleaned.into_iter().zip(keep).filter(|(_, k)| *k).map(|(it, _)| it).collect();
    let mut seen: FastMap<&[u8], usize> = FastMap::default();
    seen.reserve(items.len());
    for (i, it) in items.iter().enumerate() {
        seen.insert(it.path.as_slice(), i);
    }
    if duplicates > 0 {
        notes.push(format!("{duplicates} path(s) listed more than once; the first listing of each was kept"));
    }
    // Which paths have something listed below them.
    let mut has_below: FastSet<&[u8]> = FastSet::default();
    for it in &items {
        let mut p: &[u8] = &it.path;
        while let Some(parent) = parent_of(p) {
            if !has_below.insert(parent) {
                break;
            }
            p = parent;
        }
    }

    // Cumulative sizes: each entry's nearest listed ancestor, and the sum of
    // its listed children's totals.
    let mut child_sum: Vec<(u64, u64)> = vec![(0, 0); items.len()];
    let mut listed_children: Vec<bool> = vec![false; items.len()];
    if let Mode::Cumulative(_) = mode {
        for (i, it) in items.iter().enumerate() {
            let mut p: &[u8] = &it.path;
            while let Some(parent) = parent_of(p) {
                if let Some(&j) = seen.get(parent) {
                    if j != i {
                        child_sum[j] = add(child_sum[j], it.rec.size.unwrap_or((0, 0)));
                        listed_children[j] = true;
                    }
                    break;
                }
                p = parent;
            }
        }
    }

    let mut tree = ContextTree::new();
    tree.reserve(items.len());
    let mut dir_bytes = (0u64, 0u64);
    let mut link_members: HashMap<u64, Vec<NodeId>> = HashMap::new();
    // Sizes of tar-style hard links: their target's, once resolved.
    let mut link_bounds: HashMap<NodeId, (u64, u64)> = HashMap::new();
    let mut hardlinks_pending: Vec<(NodeId, Vec<u8>, usize)> = Vec::new();
    let mut unlisted: Vec<(NodeId, (u64, u64))> = Vec::new();

    for (i, it) in items.iter().enumerate() {
        let rec = &it.rec;
        let is_parent = has_below.contains(it.path.as_slice());
        let leaves = match mode {
            Mode::Flat => None,
            Mode::Cumulative(l) => Some(l),
        };
        let size = rec.size.unwrap_or((0, 0));
        // Own size: cumulative totals minus what the listed children hold.
        let own = if listed_children[i] {
            let cs = child_sum[i];
            if size.1 < cs.0 && leaves.is_some() && rec.size.is_some() {
                problems.add_lazy(
                    rec.line,
                    || line_text(rec.line),
                    "directory total is smaller than the sum of its entries; read as 0",
                );
            }
            (size.0.saturating_sub(cs.1), size.1.saturating_sub(cs.0))
        } else {
            size
        };
        let kind = match &rec.kind {
            Kind::Unknown if is_parent => Kind::Dir,
            Kind::Unknown => match leaves {
                Some(Leaves::Dirs) => Kind::Dir,
                Some(Leaves::Unknown) if size.1 > 0 => Kind::Dir,
                _ => Kind::File,
            },
            k => k.clone(),
        };
        if it.path.is_empty() {
            // The context root itself.
            if kind != Kind::Dir && kind != Kind::Unknown {
                problems.add_lazy(rec.line, || line_text(rec.line), "the listing's root is not a directory");
                continue;
            }
            match leaves {
                Some(Leaves::Dirs | Leaves::Unknown) => unlisted.push((ROOT, own)),
                _ => dir_bytes = add(dir_bytes, own),
            }
            continue;
        }
        let mut entry = match &kind {
            Kind::Dir => Entry::dir(),
            Kind::File | Kind::Unknown | Kind::Hardlink(_) => Entry::file(own.0),
            Kind::Symlink(Some(t)) => Entry::symlink(t.clone()),
            Kind::Symlink(None) => {
                Entry { kind: EntryKind::Symlink, size: own.0, mode: None, link_group: 0, link_target: None }
            }
            Kind::Other => Entry { kind: EntryKind::Other, size: own.0, mode: None, link_group: 0, link_target: None },
        };
        if let Some(m) = rec.mode {
            entry = entry.with_mode(m);
        }
        let id = match tree.insert(&it.path, entry.clone()) {
            Ok(id) => id,
            Err(e) => {
                problems.add_lazy(rec.line, || line_text(rec.line), format!("{e}; skipped"));
                continue;
            }
        };
        match &kind {
            Kind::Dir => {
                let dir_own = if is_parent || listed_children[i] { own } else { size };
                match leaves {
                    Some(Leaves::Dirs | Leaves::Unknown) => unlisted.push((id, dir_own)),
                    _ => dir_bytes = add(dir_bytes, dir_own),
                }
            }
            Kind::File | Kind::Unknown | Kind::Other => {
                if own.1 > own.0 {
                    tree.set_size_bounds(id, own.0, own.1);
                }
                if kind == Kind::File
                    && let Some(k) = rec.link_key
                {
                    link_members.entry(k).or_default().push(id);
                }
            }
            Kind::Symlink(_) => {
                if own.1 > own.0 && matches!(kind, Kind::Symlink(None)) {
                    tree.set_size_bounds(id, own.0, own.1);
                }
            }
            Kind::Hardlink(target) => {
                link_bounds.insert(id, own);
                hardlinks_pending.push((id, target.clone(), rec.line));
            }
        }
    }

    // Hard links named by inode (or an equivalent key).
    let mut next_group: u64 = 1;
    let mut group_of: HashMap<NodeId, u64> = HashMap::new();
    let mut keys: Vec<_> = link_members.into_iter().filter(|(_, m)| m.len() > 1).collect();
    keys.sort_by_key(|(_, m)| m[0]);
    for (_, members) in keys {
        for id in members {
            group_of.insert(id, next_group);
        }
        next_group += 1;
    }
    // Hard links named by path (tar): resolved once every path is known.
    for (id, target, line) in hardlinks_pending {
        let target_id = clean(strip_root(&target, root)).and_then(|p| tree.lookup(&p));
        match target_id {
            Some(t) if t != id && tree.kind(t) == EntryKind::File => {
                let g = match group_of.get(&t) {
                    Some(&g) => g,
                    None => {
                        let g = next_group;
                        next_group += 1;
                        group_of.insert(t, g);
                        g
                    }
                };
                group_of.insert(id, g);
                link_bounds.insert(id, tree.size_bounds(t));
            }
            _ => problems.add_lazy(
                line,
                || line_text(line),
                "hard link to a path that is not a listed regular file; kept as a file of unknown size",
            ),
        }
    }
    for (id, g) in group_of {
        let bounds = link_bounds.get(&id).copied().unwrap_or_else(|| tree.size_bounds(id));
        let mut e = Entry::file(bounds.0);
        e.mode = tree.mode(id);
        e.link_group = g;
        let path = tree.path(id);
        if tree.insert(&path, e).is_ok() && bounds.1 > bounds.0 {
            tree.set_size_bounds(id, bounds.0, bounds.1);
        }
    }

    for (id, (lo, hi)) in unlisted {
        if hi > 0 {
            tree.set_unlisted(id, lo, hi);
        }
    }
    let mut opaque_dirs: Vec<NodeId> = opaque
        .iter()
        .filter_map(|p| clean(strip_root(p, root)))
        .filter_map(|p| tree.lookup(&p))
        .filter(|&id| tree.kind(id) == EntryKind::Dir)
        .collect();
    opaque_dirs.sort_unstable();
    opaque_dirs.dedup();
    tree.finish();

    let directories_only = matches!(mode, Mode::Cumulative(Leaves::Dirs | Leaves::Unknown));
    Listing {
        tree,
        format,
        sizes,
        unit,
        problems: problems.list,
        problems_total: problems.total,
        directories_only,
        cumulative: matches!(mode, Mode::Cumulative(_)),
        dir_bytes,
        reported_total,
        opaque_dirs,
        hardlinks,
        notes,
        records,
        duplicates,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_and_roots() {
        assert_eq!(clean(b"./a//b/").unwrap(), b"a/b");
        assert_eq!(clean(b".").unwrap(), b"");
        assert!(clean(b"a/../../b").is_none());
        let recs = vec![
            Rec::new(1, b"/srv/app/a".to_vec(), Kind::File, None),
            Rec::new(2, b"/srv/app/b/c".to_vec(), Kind::File, None),
            Rec::new(3, b"/srv/app".to_vec(), Kind::Dir, None),
        ];
        assert_eq!(absolute_root(&recs).unwrap(), b"/srv/app");
        let recs = vec![
            Rec::new(1, b"/srv/app/a".to_vec(), Kind::File, None),
            Rec::new(2, b"/srv/apple".to_vec(), Kind::File, None),
        ];
        assert_eq!(absolute_root(&recs).unwrap(), b"/srv");
    }
}
