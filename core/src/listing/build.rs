//! From parsed records to a [`ContextTree`]: path cleaning, implied parents,
//! duplicates, directories told apart from files by their children, hard-link
//! groups, and cumulative directory sizes turned into own sizes.

use std::collections::HashMap;
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
    /// The decoded path as listed (`./a/b`, `a/b`, `/abs/a/b`, `.`); empty
    /// when [`span`](Self::span) is set.
    pub path: Vec<u8>,
    /// The path as a byte range of the input, when it is there verbatim (no copy).
    pub span: Option<(usize, usize)>,
    pub kind: Kind,
    /// Size in bytes as an interval (already converted from blocks/units).
    pub size: Option<(u64, u64)>,
    pub mode: Option<u32>,
    /// Entries sharing a key are names of the same inode.
    pub link_key: Option<u64>,
}

impl Rec {
    pub(crate) fn new(line: usize, path: Vec<u8>, kind: Kind, size: Option<(u64, u64)>) -> Rec {
        Rec { line, path, span: None, kind, size, mode: None, link_key: None }
    }

    /// A record whose path is `input[start..end]`, verbatim.
    pub(crate) fn borrowed(line: usize, start: usize, end: usize, kind: Kind, size: Option<(u64, u64)>) -> Rec {
        Rec { line, path: Vec::new(), span: Some((start, end)), kind, size, mode: None, link_key: None }
    }

    /// The path as listed.
    pub(crate) fn path<'a>(&'a self, input: &'a [u8]) -> &'a [u8] {
        match self.span {
            Some((a, b)) => &input[a..b],
            None => &self.path,
        }
    }
}

/// Notes a format adds once the builder has decided how leaves read
/// (`du`: files listed or not); the flag says whether any name is a dotfile.
pub(crate) type LeafNotes = fn(Leaves, bool) -> Vec<String>;

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
    /// `Some` when the builder decides the leaves of a cumulative listing from
    /// its shape (`du`); the notes are put first.
    pub auto_leaves: Option<LeafNotes>,
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
            auto_leaves: None,
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
fn absolute_root<'a>(paths: impl Iterator<Item = &'a [u8]>) -> Option<Vec<u8>> {
    let mut common: Option<Vec<&[u8]>> = None;
    let mut count = 0usize;
    for path in paths {
        if !path.starts_with(b"/") {
            continue;
        }
        count += 1;
        let parts: Vec<&[u8]> = path.split(|&b| b == b'/').filter(|p| !p.is_empty() && *p != b".").collect();
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

/// What `du`'s listed leaves are: unknown for a summary (`du -s *`), files
/// when a leaf is zero (directories never are) or when at least 30% of the
/// leaves are named like files, directories otherwise. Names are only looked
/// at when the sizes do not settle it.
fn du_leaves(
    tree: &ContextTree,
    summary: bool,
    is_leaf: impl Fn(usize) -> bool,
    zero: impl Fn(usize) -> bool,
) -> Leaves {
    if summary {
        return Leaves::Unknown;
    }
    let n = tree.len();
    let (mut leaves, mut any_zero) = (0usize, false);
    for id in (1..n).filter(|&id| is_leaf(id)) {
        leaves += 1;
        any_zero |= zero(id);
    }
    let filelike =
        || (1..n).filter(|&id| is_leaf(id) && looks_like_file(tree.name(id as NodeId))).count() * 10 >= leaves * 3;
    if any_zero || (leaves > 0 && filelike()) { Leaves::Files } else { Leaves::Dirs }
}

/// A file-like name: has an extension with a letter (`main.go`, `a.tar.gz`), not a dotfile.
pub(crate) fn looks_like_file(path: &[u8]) -> bool {
    let base = match path.iter().rposition(|&b| b == b'/') {
        Some(i) => &path[i + 1..],
        None => path,
    };
    match base.iter().rposition(|&b| b == b'.') {
        Some(0) | None => false,
        Some(i) => {
            let ext = &base[i + 1..];
            (1..=8).contains(&ext.len())
                && ext.iter().all(u8::is_ascii_alphanumeric)
                && ext.iter().any(u8::is_ascii_alphabetic)
        }
    }
}

/// Not listed, or the record index + 1.
const IMPLIED: u32 = 0;

/// How many leading bytes `a` and `b` share.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + 8 <= n {
        let x = u64::from_le_bytes(a[i..i + 8].try_into().expect("8 bytes"))
            ^ u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
        if x != 0 {
            return i + x.trailing_zeros() as usize / 8;
        }
        i += 8;
    }
    i + a[i..n].iter().zip(&b[i..n]).take_while(|(x, y)| x == y).count()
}

/// Puts `path` (relative to the context after `strip_root`) in the tree:
/// the parent directories (implied ones created), then the entry itself as
/// `entry` unless the path is already listed.
struct Placer {
    /// The raw directory part of the previous path: listings name a
    /// directory's entries together and walk in depth-first order, so most
    /// paths share most of their directories with the previous one.
    last_dir: Vec<u8>,
    /// The nodes of `last_dir`'s first components, each with the offset in
    /// `last_dir` where its component ends.
    stack: Vec<(usize, NodeId)>,
}

enum DirError {
    /// A `..` component.
    Outside,
    /// The component ending at this offset is not a directory.
    NotADirectory(usize),
}

enum Placed {
    Root,
    New(NodeId),
    Existing(NodeId),
}

impl Placer {
    fn new() -> Placer {
        Placer { last_dir: Vec::new(), stack: Vec::new() }
    }

    fn forget(&mut self) {
        self.last_dir.clear();
        self.stack.clear();
    }

    /// The directory `dir` (raw: `./`, `//` tolerated), created where missing.
    fn dir(&mut self, tree: &mut ContextTree, dir: &[u8]) -> Result<NodeId, DirError> {
        if dir == self.last_dir.as_slice() {
            return Ok(self.stack.last().map_or(ROOT, |s| s.1));
        }
        let same = common_prefix(dir, &self.last_dir);
        // A component of the previous directory is shared when it ends
        // within the common bytes, at a component boundary of `dir` too.
        let keep = self
            .stack
            .iter()
            .take_while(|&&(end, _)| end < same || (end == same && (end == dir.len() || dir[end] == b'/')))
            .count();
        self.stack.truncate(keep);
        let (mut pos, mut cur) = self.stack.last().copied().unwrap_or((0, ROOT));
        // The shared components were checked with the previous path.
        let rest = &dir[pos..];
        if memchr::memchr_iter(b'.', rest).any(|i| rest.get(i + 1) == Some(&b'.'))
            && rest.split(|&b| b == b'/').any(|p| p == b"..")
        {
            self.forget();
            return Err(DirError::Outside);
        }
        self.last_dir.clear();
        self.last_dir.extend_from_slice(dir);
        while pos < dir.len() {
            let start = if dir[pos] == b'/' { pos + 1 } else { pos };
            let end = memchr::memchr(b'/', &dir[start..]).map_or(dir.len(), |i| start + i);
            pos = end;
            let part = &dir[start..end];
            if part.is_empty() || part == b"." {
                continue;
            }
            let Some(id) = tree.dir_child(cur, part) else {
                self.forget();
                return Err(DirError::NotADirectory(end));
            };
            cur = id;
            self.stack.push((end, cur));
        }
        Ok(cur)
    }

    /// The node placed, `Placed::Root` for the context root, or the problem text.
    fn place(&mut self, tree: &mut ContextTree, path: &[u8], entry: Entry) -> Result<Placed, String> {
        let outside = || "path leaves the context (`..`); skipped".to_string();
        let trimmed = {
            let mut end = path.len();
            while end > 0 && path[end - 1] == b'/' {
                end -= 1;
            }
            &path[..end]
        };
        let (dir, name) = match memchr::memrchr(b'/', trimmed) {
            Some(i) => (&trimmed[..i], &trimmed[i + 1..]),
            None => (&b""[..], trimmed),
        };
        let (dir, name) = if name == b"." || name.is_empty() {
            // `a/.` or `.`: the entry is the directory itself.
            let Some(last) = trimmed.split(|&b| b == b'/').rfind(|p| !p.is_empty() && *p != b".") else {
                return Ok(Placed::Root);
            };
            let n = last.as_ptr() as usize - trimmed.as_ptr() as usize;
            (&trimmed[..n], last)
        } else {
            (dir, name)
        };
        if name == b".." {
            return Err(outside());
        }
        // A directory listed after its entries (`du`): one of the previous
        // path's directories, already found.
        if trimmed.len() <= self.last_dir.len()
            && self.last_dir.starts_with(trimmed)
            && let Some(&(_, id)) = self.stack.iter().rev().find(|s| s.0 == trimmed.len())
        {
            return Ok(Placed::Existing(id));
        }
        let parent = self.dir(tree, dir).map_err(|e| {
            let DirError::NotADirectory(end) = e else {
                return outside();
            };
            let parent = clean(&dir[..end]).map(|p| String::from_utf8_lossy(&p).into_owned()).unwrap_or_default();
            let path = clean(path).map(|p| String::from_utf8_lossy(&p).into_owned()).unwrap_or_default();
            format!("{}; skipped", crate::tree::TreeError::NotADirectory { path, parent })
        })?;
        Ok(match tree.child_or_push(parent, name, entry) {
            (id, true) => Placed::New(id),
            (id, false) => Placed::Existing(id),
        })
    }
}

/// The stream met a path it cannot place on its own: an absolute path (the
/// context root is the common directory of every absolute path, known only
/// at the end). The caller reads the input again with records.
pub(crate) struct NeedsRecords;

/// A `du`-style listing (cumulative sizes, kinds unknown, leaves decided
/// from the shape) put in the tree while it is read: no record is kept, only
/// each listed node's line and size. The result is the one [`build`] gives
/// for the same records.
pub(crate) struct Stream {
    tree: ContextTree,
    placer: Placer,
    /// Per node: the line that lists it (0: implied) and its size.
    listed: Vec<(usize, (u64, u64))>,
    /// The line listing the context root, and its size.
    root: Option<(usize, (u64, u64))>,
    duplicates: usize,
    /// Placement problems, reported after the reader's.
    problems: Problems,
}

impl Stream {
    /// Room for about `capacity` entries.
    pub(crate) fn new(capacity: usize) -> Stream {
        let mut tree = ContextTree::new();
        tree.reserve(capacity);
        let mut listed = Vec::with_capacity(capacity + capacity / 4 + 16);
        listed.push((0, (0, 0)));
        Stream { tree, placer: Placer::new(), listed, root: None, duplicates: 0, problems: Problems::default() }
    }

    /// Places the entry of line `line` (`text`, for problems); the first
    /// listing of a path wins.
    pub(crate) fn add(&mut self, line: usize, text: &[u8], path: &[u8], size: (u64, u64)) -> Result<(), NeedsRecords> {
        if path.len() > MAX_PATH {
            self.problems.add(line, text, "longer than any path can be (4096 bytes); skipped");
            return Ok(());
        }
        if path.first() == Some(&b'/') {
            return Err(NeedsRecords);
        }
        // Unknown kinds are directories until every path is known.
        match self.placer.place(&mut self.tree, path, Entry::dir()) {
            Ok(Placed::Root) => {
                if self.root.is_some() {
                    self.duplicates += 1;
                } else {
                    self.root = Some((line, size));
                }
            }
            Ok(Placed::New(id)) => {
                let id = id as usize;
                if self.listed.len() <= id {
                    self.listed.resize(id + 1, (0, (0, 0)));
                }
                self.listed[id] = (line, size);
            }
            Ok(Placed::Existing(id)) => match self.listed.get_mut(id as usize) {
                Some(l) if l.0 != 0 => self.duplicates += 1,
                Some(l) => *l = (line, size),
                None => {
                    self.listed.resize(id as usize + 1, (0, (0, 0)));
                    self.listed[id as usize] = (line, size);
                }
            },
            Err(msg) => self.problems.add(line, text, msg),
        }
        Ok(())
    }

    /// The listing: `parsed` carries the reader's facts (no records),
    /// `problems` the reader's problems.
    pub(crate) fn finish(
        self,
        parsed: Parsed,
        format: ListingFormat,
        mut problems: Problems,
        records: usize,
        line_text: &dyn Fn(usize) -> Vec<u8>,
    ) -> Listing {
        let Stream { mut tree, placer, mut listed, root, duplicates, problems: placing } = self;
        drop(placer);
        let Parsed { sizes, unit, hardlinks, reported_total, mut notes, auto_leaves, .. } = parsed;
        for p in placing.list {
            if problems.list.len() < MAX_PROBLEMS {
                problems.list.push(p);
            }
        }
        problems.total += placing.total;
        let n = tree.len();
        listed.resize(n, (0, (0, 0)));
        if duplicates > 0 {
            notes.push(format!("{duplicates} path(s) listed more than once; the first listing of each was kept"));
        }
        // What the nearest listed entries below each node hold (children
        // have higher ids than their parents).
        let mut below = vec![(0u64, 0u64); n];
        let mut listed_below = vec![false; n];
        for id in (1..n).rev() {
            let p = tree.parent(id as NodeId) as usize;
            let (c, l) = if listed[id].0 != 0 { (listed[id].1, true) } else { (below[id], listed_below[id]) };
            below[p] = add(below[p], c);
            listed_below[p] |= l;
        }
        // The shape, as in `build`.
        let nested = (1..n).any(|id| listed[id].0 != 0 && listed_below[id]);
        let summary = root.is_none() && !nested;
        let is_leaf = |id: usize| listed[id].0 != 0 && !listed_below[id];
        let leaves = du_leaves(&tree, summary, is_leaf, |id| listed[id].1.1 == 0);
        if let Some(leaf_notes) = auto_leaves {
            let dotfiles = (1..n).any(|id| tree.name(id as NodeId).starts_with(b"."));
            let mut first = leaf_notes(leaves, dotfiles);
            first.append(&mut notes);
            notes = first;
        }
        let unlisted_dirs = matches!(leaves, Leaves::Dirs | Leaves::Unknown);

        let mut dir_bytes = (0u64, 0u64);
        // Own size: the cumulative total minus what the listed entries below hold.
        let own_of = |id: usize, size: (u64, u64)| {
            if listed_below[id] {
                let cs = below[id];
                ((size.0.saturating_sub(cs.1), size.1.saturating_sub(cs.0)), size.1 < cs.0)
            } else {
                (size, false)
            }
        };
        // `build` reports in record order, the root's first.
        if let Some((line, size)) = root {
            let (own, short) = own_of(ROOT as usize, size);
            if short {
                problems.add_lazy(line, || line_text(line), TOTAL_TOO_SMALL);
            }
            let dir = tree.has_children(ROOT)
                || match leaves {
                    Leaves::Dirs => true,
                    Leaves::Unknown => size.1 > 0,
                    Leaves::Files => false,
                };
            if !dir {
                problems.add_lazy(line, || line_text(line), "the listing's root is not a directory");
            } else if unlisted_dirs {
                if own.1 > 0 {
                    tree.set_unlisted(ROOT, own.0, own.1);
                }
            } else {
                dir_bytes = add(dir_bytes, own);
            }
        }
        let mut short_lines: Vec<usize> = Vec::new();
        for (id, &(line, size)) in listed.iter().enumerate().skip(1) {
            if line == 0 {
                continue;
            }
            let (own, short) = own_of(id, size);
            if short {
                short_lines.push(line);
            }
            let parent = tree.has_children(id as NodeId);
            let dir = parent
                || match leaves {
                    Leaves::Dirs => true,
                    Leaves::Unknown => size.1 > 0,
                    Leaves::Files => false,
                };
            if dir {
                // Already a directory since it was placed.
                let dir_own = if parent || listed_below[id] { own } else { size };
                if unlisted_dirs {
                    if dir_own.1 > 0 {
                        tree.set_unlisted(id as NodeId, dir_own.0, dir_own.1);
                    }
                } else {
                    dir_bytes = add(dir_bytes, dir_own);
                }
            } else {
                tree.set_entry(id as NodeId, Entry::file(own.0));
                if own.1 > own.0 {
                    tree.set_size_bounds(id as NodeId, own.0, own.1);
                }
            }
        }
        short_lines.sort_unstable();
        for line in short_lines {
            problems.add_lazy(line, || line_text(line), TOTAL_TOO_SMALL);
        }
        drop((below, listed_below, listed));
        tree.finish();
        Listing {
            tree,
            format,
            sizes,
            unit,
            problems: problems.list,
            problems_total: problems.total,
            directories_only: unlisted_dirs,
            cumulative: true,
            dir_bytes,
            reported_total,
            opaque_dirs: Vec::new(),
            hardlinks,
            notes,
            records,
            duplicates,
        }
    }
}

const TOTAL_TOO_SMALL: &str = "directory total is smaller than the sum of its entries; read as 0";

/// Builds the listing's tree and totals. `input` holds the paths of
/// borrowed records.
pub(crate) fn build(
    parsed: Parsed,
    format: ListingFormat,
    mut problems: Problems,
    records: usize,
    input: &[u8],
    line_text: &dyn Fn(usize) -> Vec<u8>,
) -> Listing {
    let Parsed { recs, mode, sizes, unit, hardlinks, reported_total, opaque, mut notes, auto_leaves } = parsed;
    let root = absolute_root(recs.iter().map(|r| r.path(input)));
    let root = root.as_deref();

    // Place every path; the first listing of a path wins. Unknown kinds are
    // directories until every path is known (something may be listed below).
    let mut tree = ContextTree::new();
    tree.reserve(recs.len());
    // Per node: the record that lists it (index + 1), or IMPLIED.
    let mut listed: Vec<u32> = Vec::with_capacity(recs.len() + recs.len() / 4 + 16);
    let mut node_of: Vec<NodeId> = vec![ROOT; recs.len()];
    let mut root_rec: Option<usize> = None;
    let mut duplicates = 0usize;
    let mut placer = Placer::new();
    for (i, rec) in recs.iter().enumerate() {
        let path = rec.path(input);
        if path.len() > MAX_PATH {
            problems.add_lazy(rec.line, || line_text(rec.line), "longer than any path can be (4096 bytes); skipped");
            continue;
        }
        let path = strip_root(path, root);
        let entry = match &rec.kind {
            Kind::File | Kind::Hardlink(_) => Entry::file(0),
            Kind::Dir | Kind::Unknown => Entry::dir(),
            Kind::Symlink(_) => {
                Entry { kind: EntryKind::Symlink, size: 0, mode: None, link_group: 0, link_target: None }
            }
            Kind::Other => Entry { kind: EntryKind::Other, size: 0, mode: None, link_group: 0, link_target: None },
        };
        let id = match placer.place(&mut tree, path, entry) {
            Ok(Placed::Root) => {
                if root_rec.is_some() {
                    duplicates += 1;
                } else {
                    root_rec = Some(i);
                }
                continue;
            }
            Ok(Placed::New(id)) => id,
            Ok(Placed::Existing(id)) => {
                if listed.get(id as usize).is_some_and(|&l| l != IMPLIED) {
                    duplicates += 1;
                    continue;
                }
                if tree.has_children(id) && !matches!(rec.kind, Kind::Dir | Kind::Unknown) {
                    let p = clean(path).map(|p| String::from_utf8_lossy(&p).into_owned()).unwrap_or_default();
                    let e = crate::tree::TreeError::NotADirectory { path: p.clone(), parent: p };
                    problems.add_lazy(rec.line, || line_text(rec.line), format!("{e}; skipped"));
                    continue;
                }
                id
            }
            Err(msg) => {
                problems.add_lazy(rec.line, || line_text(rec.line), msg);
                continue;
            }
        };
        if listed.len() <= id as usize {
            listed.resize(id as usize + 1, IMPLIED);
        }
        listed[id as usize] = i as u32 + 1;
        node_of[i] = id;
    }
    listed.resize(tree.len(), IMPLIED);
    drop(placer);
    if duplicates > 0 {
        notes.push(format!("{duplicates} path(s) listed more than once; the first listing of each was kept"));
    }
    let size_of = |id: usize| recs[listed[id] as usize - 1].size.unwrap_or((0, 0));

    // Cumulative sizes: what the nearest listed entries below each node hold.
    // Children have higher ids than their parents, so one backward pass sums them.
    let n = tree.len();
    let mut below: Vec<(u64, u64)> = Vec::new();
    let mut listed_below: Vec<bool> = Vec::new();
    let cumulative = matches!(mode, Mode::Cumulative(_));
    if cumulative {
        below = vec![(0, 0); n];
        listed_below = vec![false; n];
        for id in (1..n).rev() {
            let p = tree.parent(id as NodeId) as usize;
            let (c, l) = if listed[id] != IMPLIED { (size_of(id), true) } else { (below[id], listed_below[id]) };
            below[p] = add(below[p], c);
            listed_below[p] |= l;
        }
    }
    // Whether the root entry is a listed record with something listed below it.

    let mode = match (mode, auto_leaves) {
        (Mode::Cumulative(_), Some(leaf_notes)) => {
            // du's shape: a summary (`du -s *`) has no root line and nothing
            // nested; files are listed when a leaf is zero (directories never
            // are) or when many leaves are named like files.
            let nested = (1..n).any(|id| listed[id] != IMPLIED && listed_below[id]);
            let summary = root_rec.is_none() && !nested;
            let is_leaf = |id: usize| listed[id] != IMPLIED && !listed_below[id];
            let l = du_leaves(&tree, summary, is_leaf, |id| size_of(id).1 == 0);
            let dotfiles = (1..n).any(|id| tree.name(id as NodeId).starts_with(b"."));
            let mut first = leaf_notes(l, dotfiles);
            first.append(&mut notes);
            notes = first;
            Mode::Cumulative(l)
        }
        (m, _) => m,
    };
    let leaves = match mode {
        Mode::Flat => None,
        Mode::Cumulative(l) => Some(l),
    };

    let mut dir_bytes = (0u64, 0u64);
    let mut link_members: HashMap<u64, Vec<NodeId>> = HashMap::new();
    // Sizes of tar-style hard links: their target's, once resolved.
    let mut link_bounds: HashMap<NodeId, (u64, u64)> = HashMap::new();
    let mut hardlinks_pending: Vec<(NodeId, Vec<u8>, usize)> = Vec::new();
    let mut unlisted: Vec<(NodeId, (u64, u64))> = Vec::new();

    let root_item = root_rec.map(|i| (i, ROOT));
    let items = root_item.into_iter().chain(
        recs.iter()
            .enumerate()
            .filter(|&(i, _)| node_of[i] != ROOT && listed[node_of[i] as usize] == i as u32 + 1)
            .map(|(i, _)| (i, node_of[i])),
    );
    for (i, id) in items {
        let rec = &recs[i];
        let is_parent = tree.has_children(id);
        let size = rec.size.unwrap_or((0, 0));
        // Own size: cumulative totals minus what the listed children hold.
        let own = if cumulative && listed_below[id as usize] {
            let cs = below[id as usize];
            if size.1 < cs.0 && leaves.is_some() && rec.size.is_some() {
                problems.add_lazy(rec.line, || line_text(rec.line), TOTAL_TOO_SMALL);
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
        if id == ROOT {
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
        tree.set_entry(id, entry);
        match &kind {
            Kind::Dir => {
                let dir_own = if is_parent || (cumulative && listed_below[id as usize]) { own } else { size };
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
    drop((below, listed_below, listed, node_of));

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
        let recs = [
            Rec::new(1, b"/srv/app/a".to_vec(), Kind::File, None),
            Rec::new(2, b"/srv/app/b/c".to_vec(), Kind::File, None),
            Rec::new(3, b"/srv/app".to_vec(), Kind::Dir, None),
        ];
        assert_eq!(absolute_root(recs.iter().map(|r| r.path.as_slice())).unwrap(), b"/srv/app");
        let recs = [
            Rec::new(1, b"/srv/app/a".to_vec(), Kind::File, None),
            Rec::new(2, b"/srv/apple".to_vec(), Kind::File, None),
        ];
        assert_eq!(absolute_root(recs.iter().map(|r| r.path.as_slice())).unwrap(), b"/srv");
    }
}
