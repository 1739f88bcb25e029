//! The build context as a tree: every input (a listing, a real directory, a
//! dropped folder) becomes one [`ContextTree`], an arena of nodes whose
//! children are kept in byte-wise name order — BuildKit's walk order.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Index of a node in a [`ContextTree`].
pub type NodeId = u32;

/// The root directory of every tree (the context directory itself).
pub const ROOT: NodeId = 0;

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    /// A regular file (possibly one of several hard links to the same data).
    File,
    /// A directory.
    Dir,
    /// A symbolic link, never followed.
    Symlink,
    /// A device, FIFO or socket.
    Other,
}

/// A node's facts, as far as the input knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// What the node is.
    pub kind: EntryKind,
    /// Size in bytes (apparent size for files; target length for symlinks).
    pub size: u64,
    /// Permission bits, when the input has them.
    pub mode: Option<u32>,
    /// Files sharing a non-zero link group are hard links to the same data.
    pub link_group: u64,
    /// A symlink's target, verbatim.
    pub link_target: Option<Vec<u8>>,
}

impl Entry {
    /// A regular file of `size` bytes.
    pub fn file(size: u64) -> Entry {
        Entry { kind: EntryKind::File, size, mode: None, link_group: 0, link_target: None }
    }

    /// A directory.
    pub fn dir() -> Entry {
        Entry { kind: EntryKind::Dir, size: 0, mode: None, link_group: 0, link_target: None }
    }

    /// A symlink to `target`.
    pub fn symlink(target: impl Into<Vec<u8>>) -> Entry {
        let target = target.into();
        Entry {
            kind: EntryKind::Symlink,
            size: target.len() as u64,
            mode: None,
            link_group: 0,
            link_target: Some(target),
        }
    }

    /// The same entry with permission bits.
    pub fn with_mode(mut self, mode: u32) -> Entry {
        self.mode = Some(mode);
        self
    }
}

/// 24 bytes: the facts almost every node has. Modes, hard-link groups, link
/// targets and size intervals are rare, so they live in side tables.
#[derive(Debug, Clone)]
struct Node {
    size: u64,
    name_start: u32,
    name_len: u32,
    parent: NodeId,
    kind: EntryKind,
    /// Whether anything was ever inserted below (a directory with children
    /// cannot become a file).
    has_children: bool,
}

/// Why a path could not be added to a tree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TreeError {
    /// The path leaves the context (`..`) or is empty after cleaning.
    #[error("path `{0}` is not inside the context")]
    OutsideContext(String),
    /// A path goes through a component that is already a file or symlink.
    #[error("path `{path}` goes through `{parent}`, which is not a directory")]
    NotADirectory {
        /// The path being added.
        path: String,
        /// The component that is not a directory.
        parent: String,
    },
}

/// FxHash-style hash of a name; tables use the low bits, which the final
/// multiply and shift leave well mixed.
fn name_key(name: &[u8]) -> u32 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = (name.len() as u64).wrapping_mul(K);
    let mut chunks = name.chunks_exact(8);
    for c in &mut chunks {
        h = (h.rotate_left(5) ^ u64::from_le_bytes(c.try_into().expect("8 bytes"))).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut b = [0u8; 8];
        b[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(b)).wrapping_mul(K);
    }
    (h >> 32) as u32
}

/// One directory's open-addressing table inside [`Index::slots`].
#[derive(Debug, Clone, Copy, Default)]
struct Table {
    start: usize,
    len: u32,
    /// A power of two; 0 while the directory has no children.
    cap: u32,
}

/// Child index: one small open-addressing table of `(hash, node)` slots per
/// directory, all in one arena, linear probing. Per directory rather than
/// one table keyed by (parent, name): a listing names a directory's entries
/// together, so consecutive lookups stay in the same few cache lines instead
/// of missing the cache on every entry of a large tree. Node 0 (the root,
/// never a child) marks an empty slot; names are compared by the caller, so
/// equal hashes only cost a probe.
#[derive(Debug, Clone, Default)]
struct Index {
    slots: Vec<(u32, NodeId)>,
    /// Per node.
    tables: Vec<Table>,
    /// Released tables by capacity (log2), reused before the arena grows.
    free: Vec<Vec<usize>>,
    len: usize,
}

impl Index {
    /// Room for `nodes` nodes in all.
    fn reserve_total(&mut self, nodes: usize) {
        self.tables.reserve(nodes.saturating_sub(self.tables.len()));
        // Tables are at most 7/8 full, about half on average, and small
        // directories hold 8 slots (so that the arena is not copied as it grows).
        let want = nodes.saturating_mul(3);
        self.slots.reserve(want.saturating_sub(self.slots.len()));
    }

    fn find(&self, parent: NodeId, h: u32, mut is: impl FnMut(NodeId) -> bool) -> Option<NodeId> {
        let t = *self.tables.get(parent as usize)?;
        if t.len == 0 {
            return None;
        }
        let mask = t.cap as usize - 1;
        let table = &self.slots[t.start..t.start + t.cap as usize];
        let mut i = h as usize & mask;
        loop {
            let (sh, id) = table[i];
            if id == 0 {
                return None;
            }
            if sh == h && is(id) {
                return Some(id);
            }
            i = (i + 1) & mask;
        }
    }

    /// A table of `cap` empty slots; its start.
    fn alloc(&mut self, cap: usize) -> usize {
        let class = cap.trailing_zeros() as usize;
        if let Some(start) = self.free.get_mut(class).and_then(Vec::pop) {
            self.slots[start..start + cap].fill((0, 0));
            return start;
        }
        let start = self.slots.len();
        self.slots.resize(start + cap, (0, 0));
        start
    }

    fn insert(&mut self, parent: NodeId, h: u32, id: NodeId) {
        let p = parent as usize;
        if self.tables.len() <= p {
            self.tables.resize(p + 1, Table::default());
        }
        let mut t = self.tables[p];
        if (t.len as usize + 1) * 8 > t.cap as usize * 7 {
            let cap = (t.cap as usize * 2).max(8);
            let start = self.alloc(cap);
            let mask = cap - 1;
            for k in t.start..t.start + t.cap as usize {
                let (sh, sid) = self.slots[k];
                if sid != 0 {
                    let mut i = sh as usize & mask;
                    while self.slots[start + i].1 != 0 {
                        i = (i + 1) & mask;
                    }
                    self.slots[start + i] = (sh, sid);
                }
            }
            if t.cap > 0 {
                let class = t.cap.trailing_zeros() as usize;
                if self.free.len() <= class {
                    self.free.resize(class + 1, Vec::new());
                }
                self.free[class].push(t.start);
            }
            t.start = start;
            t.cap = cap as u32;
        }
        let mask = t.cap as usize - 1;
        let table = &mut self.slots[t.start..t.start + t.cap as usize];
        let mut i = h as usize & mask;
        while table[i].1 != 0 {
            i = (i + 1) & mask;
        }
        table[i] = (h, id);
        t.len += 1;
        self.tables[p] = t;
        self.len += 1;
    }
}

/// Children of every node as one array: `kids[offsets[id]..offsets[id + 1]]`.
#[derive(Debug, Clone, Default)]
struct Csr {
    offsets: Vec<u32>,
    kids: Vec<NodeId>,
}

impl Csr {
    /// Children in insertion (id) order.
    fn build(nodes: &[Node]) -> Csr {
        let mut offsets = vec![0u32; nodes.len() + 1];
        for n in &nodes[1..] {
            offsets[n.parent as usize + 1] += 1;
        }
        for i in 1..offsets.len() {
            offsets[i] += offsets[i - 1];
        }
        let mut fill: Vec<u32> = offsets[..nodes.len()].to_vec();
        let mut kids = vec![0; nodes.len() - 1];
        for (id, n) in nodes.iter().enumerate().skip(1) {
            let slot = &mut fill[n.parent as usize];
            kids[*slot as usize] = id as NodeId;
            *slot += 1;
        }
        Csr { offsets, kids }
    }

    fn of(&self, id: NodeId) -> &[NodeId] {
        &self.kids[self.offsets[id as usize] as usize..self.offsets[id as usize + 1] as usize]
    }
}

const NO_MODE: u32 = u32::MAX;

/// A build context: a tree of directories, files, symlinks and others.
///
/// While it is being built, children are found through a hash index of
/// (parent, name). [`finish`](Self::finish) lays the children out as one
/// sorted array and drops the index; lookups then binary-search the sorted
/// children. Inserting into a finished tree rebuilds the index first.
#[derive(Debug, Clone)]
pub struct ContextTree {
    nodes: Vec<Node>,
    names: Vec<u8>,
    /// Permission bits per node ([`NO_MODE`] = unknown); empty until a mode is set.
    modes: Vec<u32>,
    link_groups: HashMap<NodeId, u64>,
    link_targets: HashMap<NodeId, Vec<u8>>,
    /// Upper bounds for sizes known only as an interval (rounded units).
    size_hi: HashMap<NodeId, u64>,
    /// Bytes inside a directory that the input counts but does not list
    /// (e.g. `du` without `-a`): `(min, max)`.
    unlisted: HashMap<NodeId, (u64, u64)>,
    /// Child lookup while building (empty once finished).
    index: Index,
    /// Children: sorted by [`finish`](Self::finish), or built in insertion
    /// order on the first `children` call of an unfinished tree.
    csr: OnceLock<Csr>,
    sorted: bool,
}

impl Default for ContextTree {
    fn default() -> Self {
        Self::new()
    }
}

impl ContextTree {
    /// An empty context (just the root directory).
    pub fn new() -> ContextTree {
        ContextTree {
            nodes: vec![Node {
                size: 0,
                name_start: 0,
                name_len: 0,
                parent: ROOT,
                kind: EntryKind::Dir,
                has_children: false,
            }],
            names: Vec::new(),
            modes: Vec::new(),
            link_groups: HashMap::new(),
            link_targets: HashMap::new(),
            size_hi: HashMap::new(),
            unlisted: HashMap::new(),
            index: Index::default(),
            csr: OnceLock::new(),
            sorted: true,
        }
    }

    /// Makes room for `additional` more nodes (avoids rehashing the child
    /// index while a large listing is read).
    pub fn reserve(&mut self, additional: usize) {
        if self.sorted && self.nodes.len() > 1 {
            self.thaw();
        }
        self.nodes.reserve(additional);
        self.index.reserve_total(self.nodes.len() + additional);
        self.names.reserve(additional.saturating_mul(16));
    }

    /// Number of nodes, the root included.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the context holds nothing but its root.
    pub fn is_empty(&self) -> bool {
        self.nodes.len() == 1
    }

    fn name_at<'a>(names: &'a [u8], n: &Node) -> &'a [u8] {
        &names[n.name_start as usize..n.name_start as usize + n.name_len as usize]
    }

    /// The child `name` of `parent`, if any.
    pub(crate) fn child(&self, parent: NodeId, name: &[u8]) -> Option<NodeId> {
        if !self.nodes[parent as usize].has_children {
            return None;
        }
        if self.sorted {
            let kids = self.children(parent);
            return kids.binary_search_by(|&c| self.name(c).cmp(name)).ok().map(|i| kids[i]);
        }
        self.index.find(parent, name_key(name), |id| Self::name_at(&self.names, &self.nodes[id as usize]) == name)
    }

    /// Makes the tree insertable again after [`finish`](Self::finish).
    #[inline]
    fn thaw(&mut self) {
        if self.sorted || self.csr.get().is_some() {
            self.thaw_slow();
        }
    }

    fn thaw_slow(&mut self) {
        if self.sorted {
            self.sorted = false;
            self.csr = OnceLock::new();
            if self.index.len + 1 != self.nodes.len() {
                self.index = Index::default();
                self.index.reserve_total(self.nodes.len());
                for (id, n) in self.nodes.iter().enumerate().skip(1) {
                    self.index.insert(n.parent, name_key(Self::name_at(&self.names, n)), id as NodeId);
                }
            }
        } else if self.csr.get().is_some() {
            self.csr = OnceLock::new();
        }
    }

    /// A new node; the caller has checked that `parent` is a directory
    /// without a child `name`.
    fn push(&mut self, parent: NodeId, name: &[u8], entry: Entry) -> NodeId {
        self.thaw();
        self.push_hashed(parent, name, entry, name_key(name))
    }

    /// [`push`](Self::push) on a thawed tree, with the name's index key.
    fn push_hashed(&mut self, parent: NodeId, name: &[u8], entry: Entry, key: u32) -> NodeId {
        let id = self.nodes.len() as NodeId;
        let name_start = self.names.len() as u32;
        self.names.extend_from_slice(name);
        self.nodes.push(Node {
            size: entry.size,
            name_start,
            name_len: name.len() as u32,
            parent,
            kind: entry.kind,
            has_children: false,
        });
        self.nodes[parent as usize].has_children = true;
        self.index.insert(parent, key, id);
        if !self.modes.is_empty() || entry.mode.is_some() {
            self.modes.resize(id as usize, NO_MODE);
            self.modes.push(entry.mode.unwrap_or(NO_MODE));
        }
        if entry.link_group != 0 {
            self.link_groups.insert(id, entry.link_group);
        }
        if let Some(t) = entry.link_target {
            self.link_targets.insert(id, t);
        }
        id
    }

    /// The directory `name` under `parent`, created (implied) when missing;
    /// `None` when that name is already something other than a directory.
    pub(crate) fn dir_child(&mut self, parent: NodeId, name: &[u8]) -> Option<NodeId> {
        let (id, new) = self.child_or_push(parent, name, Entry::dir());
        (new || self.nodes[id as usize].kind == EntryKind::Dir).then_some(id)
    }

    /// The child `name` of the directory `parent` (`false`), or a new one
    /// made of `entry` (`true`): one hash for the lookup and the insertion.
    pub(crate) fn child_or_push(&mut self, parent: NodeId, name: &[u8], entry: Entry) -> (NodeId, bool) {
        debug_assert!(self.nodes[parent as usize].kind == EntryKind::Dir);
        self.thaw();
        let key = name_key(name);
        if self.nodes[parent as usize].has_children {
            let (nodes, names) = (&self.nodes, &self.names);
            let found = self.index.find(parent, key, |id| Self::name_at(names, &nodes[id as usize]) == name);
            if let Some(id) = found {
                return (id, false);
            }
        }
        (self.push_hashed(parent, name, entry, key), true)
    }

    /// Replaces an existing node's facts (the merge rule of [`insert`](Self::insert)).
    fn update(&mut self, id: NodeId, entry: Entry, path: impl Fn(&Self) -> String) -> Result<NodeId, TreeError> {
        let n = &self.nodes[id as usize];
        if n.kind == EntryKind::Dir && entry.kind != EntryKind::Dir && n.has_children {
            let p = path(self);
            return Err(TreeError::NotADirectory { path: p.clone(), parent: p });
        }
        self.thaw();
        let n = &mut self.nodes[id as usize];
        n.kind = entry.kind;
        n.size = entry.size;
        // The new facts replace the old, interval included.
        self.size_hi.remove(&id);
        if let Some(m) = entry.mode {
            self.set_mode(id, Some(m));
        }
        self.set_link_group(id, entry.link_group);
        match entry.link_target {
            Some(t) => {
                self.link_targets.insert(id, t);
            }
            None => {
                self.link_targets.remove(&id);
            }
        }
        Ok(id)
    }

    /// Adds `path` (relative, `/`-separated; `./`, `//` and a trailing `/`
    /// are tolerated) with `entry`, creating missing parent directories. Adding
    /// a path twice keeps the latest facts (a known mode is kept when the new
    /// entry has none); a directory that has children cannot become a file.
    pub fn insert(&mut self, path: &[u8], entry: Entry) -> Result<NodeId, TreeError> {
        let outside = || TreeError::OutsideContext(String::from_utf8_lossy(path).into_owned());
        // Checked first so that a refused path creates nothing.
        if path.windows(2).any(|w| w == b"..") && path.split(|&b| b == b'/').any(|p| p == b"..") {
            return Err(outside());
        }
        let mut parts = path.split(|&b| b == b'/').filter(|p| !p.is_empty() && *p != b".");
        let mut cur = ROOT;
        let mut pending = parts.next().ok_or_else(outside)?;
        for (done, next) in parts.enumerate() {
            let consumed = done + 1;
            cur = self.dir_child(cur, pending).ok_or_else(|| {
                let dirs: Vec<&[u8]> =
                    path.split(|&b| b == b'/').filter(|p| !p.is_empty() && *p != b".").take(consumed).collect();
                TreeError::NotADirectory {
                    path: String::from_utf8_lossy(path).into_owned(),
                    parent: String::from_utf8_lossy(&dirs.join(&b'/')).into_owned(),
                }
            })?;
            pending = next;
        }
        self.put(cur, pending, entry, |_| String::from_utf8_lossy(path).into_owned())
    }

    fn put(
        &mut self,
        parent: NodeId,
        name: &[u8],
        entry: Entry,
        path: impl Fn(&Self) -> String,
    ) -> Result<NodeId, TreeError> {
        match self.child(parent, name) {
            Some(id) => self.update(id, entry, path),
            None => Ok(self.push(parent, name, entry)),
        }
    }

    /// Adds `name` (one path component) under the directory `parent` with
    /// `entry`: [`insert`](Self::insert) for callers that already hold the
    /// parent's id, with the same merge rule (the latest facts win; a
    /// directory with children cannot become a file). Errors: `name` is empty,
    /// `.`, `..` or contains `/` ([`TreeError::OutsideContext`]), or `parent`
    /// is not a directory ([`TreeError::NotADirectory`]). Panics if `parent`
    /// is not a node of this tree.
    pub fn insert_child(&mut self, parent: NodeId, name: &[u8], entry: Entry) -> Result<NodeId, TreeError> {
        if name.is_empty() || name == b"." || name == b".." || name.contains(&b'/') {
            return Err(TreeError::OutsideContext(String::from_utf8_lossy(name).into_owned()));
        }
        if self.nodes[parent as usize].kind != EntryKind::Dir {
            let p = String::from_utf8_lossy(&self.path(parent)).into_owned();
            let mut full = self.path(parent);
            full.push(b'/');
            full.extend_from_slice(name);
            return Err(TreeError::NotADirectory { path: String::from_utf8_lossy(&full).into_owned(), parent: p });
        }
        self.put(parent, name, entry, |t| {
            let mut full = t.path(parent);
            if !full.is_empty() {
                full.push(b'/');
            }
            full.extend_from_slice(name);
            String::from_utf8_lossy(&full).into_owned()
        })
    }

    /// Sorts every directory's children byte-wise; called by readers once the
    /// tree is complete (evaluation requires it).
    pub fn finish(&mut self) {
        if self.sorted {
            return;
        }
        let mut csr = self.csr.take().unwrap_or_else(|| Csr::build(&self.nodes));
        let (names, nodes) = (&self.names, &self.nodes);
        let name = |id: NodeId| Self::name_at(names, &nodes[id as usize]);
        // Sorted by the names' first 8 bytes as a big-endian number (zero
        // padded), which orders like the names; equal keys compare in full.
        let mut keyed: Vec<(u64, NodeId)> = Vec::new();
        for w in csr.offsets.windows(2) {
            let kids = &mut csr.kids[w[0] as usize..w[1] as usize];
            if kids.len() > 1 {
                keyed.clear();
                keyed.extend(kids.iter().map(|&id| {
                    let n = name(id);
                    let mut b = [0u8; 8];
                    let k = n.len().min(8);
                    b[..k].copy_from_slice(&n[..k]);
                    (u64::from_be_bytes(b), id)
                }));
                keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| name(a.1).cmp(name(b.1))));
                for (k, (_, id)) in kids.iter_mut().zip(&keyed) {
                    *k = *id;
                }
            }
        }
        self.csr = OnceLock::from(csr);
        // Lookups binary-search the sorted children from now on.
        self.index = Index::default();
        self.nodes.shrink_to_fit();
        self.names.shrink_to_fit();
        self.sorted = true;
    }

    /// Whether [`finish`](Self::finish) has run since the last insertion.
    pub fn is_finished(&self) -> bool {
        self.sorted
    }

    /// The node's own name (empty for the root).
    pub fn name(&self, id: NodeId) -> &[u8] {
        Self::name_at(&self.names, &self.nodes[id as usize])
    }

    /// The node's parent (the root is its own parent).
    pub fn parent(&self, id: NodeId) -> NodeId {
        self.nodes[id as usize].parent
    }

    /// The node's children, in byte-wise name order once finished
    /// (insertion order before).
    pub fn children(&self, id: NodeId) -> &[NodeId] {
        if !self.nodes[id as usize].has_children {
            return &[];
        }
        self.csr.get_or_init(|| Csr::build(&self.nodes)).of(id)
    }

    /// What the node is.
    pub fn kind(&self, id: NodeId) -> EntryKind {
        self.nodes[id as usize].kind
    }

    /// Size in bytes of the node itself (files: data; symlinks: target length; dirs: 0).
    pub fn size(&self, id: NodeId) -> u64 {
        self.nodes[id as usize].size
    }

    /// Permission bits, if known.
    pub fn mode(&self, id: NodeId) -> Option<u32> {
        self.modes.get(id as usize).copied().filter(|&m| m != NO_MODE)
    }

    fn set_mode(&mut self, id: NodeId, mode: Option<u32>) {
        if self.modes.is_empty() && mode.is_none() {
            return;
        }
        if self.modes.len() < self.nodes.len() {
            self.modes.resize(self.nodes.len(), NO_MODE);
        }
        self.modes[id as usize] = mode.unwrap_or(NO_MODE);
    }

    /// Marks the node as one name of hard-link group `group` (0 = none).
    pub fn set_link_group(&mut self, id: NodeId, group: u64) {
        if group == 0 {
            if !self.link_groups.is_empty() {
                self.link_groups.remove(&id);
            }
        } else {
            self.link_groups.insert(id, group);
        }
    }

    /// Hard-link group (0 = none).
    pub fn link_group(&self, id: NodeId) -> u64 {
        if self.link_groups.is_empty() {
            return 0;
        }
        self.link_groups.get(&id).copied().unwrap_or(0)
    }

    /// A symlink's target.
    pub fn link_target(&self, id: NodeId) -> Option<&[u8]> {
        if self.link_targets.is_empty() {
            return None;
        }
        self.link_targets.get(&id).map(Vec::as_slice)
    }

    /// The node's path relative to the context root, `/`-separated.
    pub fn path(&self, id: NodeId) -> Vec<u8> {
        let mut parts = Vec::new();
        let mut cur = id;
        while cur != ROOT {
            parts.push(self.name(cur));
            cur = self.parent(cur);
        }
        parts.reverse();
        parts.join(&b'/')
    }

    /// Whether anything was ever inserted below the node.
    pub(crate) fn has_children(&self, id: NodeId) -> bool {
        self.nodes[id as usize].has_children
    }

    /// Sets an existing node's facts without the checks of [`insert`](Self::insert)
    /// (readers that settle a kind once every path is known; the node's
    /// children, if any, stay).
    pub(crate) fn set_entry(&mut self, id: NodeId, entry: Entry) {
        let n = &mut self.nodes[id as usize];
        n.kind = entry.kind;
        n.size = entry.size;
        if !self.size_hi.is_empty() {
            self.size_hi.remove(&id);
        }
        if entry.mode.is_some() {
            self.set_mode(id, entry.mode);
        }
        self.set_link_group(id, entry.link_group);
        match entry.link_target {
            Some(t) => {
                self.link_targets.insert(id, t);
            }
            None if !self.link_targets.is_empty() => {
                self.link_targets.remove(&id);
            }
            None => {}
        }
    }

    /// Records that the node's size is only known to lie in `lo..=hi`
    /// (`size` becomes `lo`).
    pub fn set_size_bounds(&mut self, id: NodeId, lo: u64, hi: u64) {
        self.nodes[id as usize].size = lo;
        if hi > lo {
            self.size_hi.insert(id, hi);
        } else {
            self.size_hi.remove(&id);
        }
    }

    /// The node's size as an interval (`lo == hi` when exact).
    pub fn size_bounds(&self, id: NodeId) -> (u64, u64) {
        let lo = self.nodes[id as usize].size;
        if self.size_hi.is_empty() {
            return (lo, lo);
        }
        (lo, self.size_hi.get(&id).copied().unwrap_or(lo))
    }

    /// Records bytes that the input attributes to directory `id` without
    /// listing the entries holding them (`du` without `-a`).
    pub fn set_unlisted(&mut self, id: NodeId, lo: u64, hi: u64) {
        if hi == 0 {
            self.unlisted.remove(&id);
        } else {
            self.unlisted.insert(id, (lo, hi.max(lo)));
        }
    }

    /// Unlisted bytes of a directory, `(min, max)`; `(0, 0)` when everything is listed.
    pub fn unlisted(&self, id: NodeId) -> (u64, u64) {
        if self.unlisted.is_empty() {
            return (0, 0);
        }
        self.unlisted.get(&id).copied().unwrap_or((0, 0))
    }

    /// Whether any node carries an interval or unlisted bytes.
    pub fn has_uncertainty(&self) -> bool {
        !self.size_hi.is_empty() || !self.unlisted.is_empty()
    }

    /// Looks a relative path up.
    pub fn lookup(&self, path: &[u8]) -> Option<NodeId> {
        let mut cur = ROOT;
        for part in path.split(|&b| b == b'/') {
            if part.is_empty() || part == b"." {
                continue;
            }
            cur = self.child(cur, part)?;
        }
        Some(cur)
    }

    /// All nodes in BuildKit's walk order (depth-first, byte-wise), root excluded.
    pub fn walk(&self) -> impl Iterator<Item = NodeId> + '_ {
        let mut stack: Vec<(NodeId, usize)> = vec![(ROOT, 0)];
        std::iter::from_fn(move || {
            loop {
                let (dir, i) = stack.last_mut()?;
                let kids = self.children(*dir);
                if *i < kids.len() {
                    let id = kids[*i];
                    *i += 1;
                    if self.nodes[id as usize].kind == EntryKind::Dir {
                        stack.push((id, 0));
                    }
                    return Some(id);
                }
                stack.pop();
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implied_parents_and_byte_order() {
        let mut t = ContextTree::new();
        t.insert(b"a-c", Entry::file(1)).unwrap();
        t.insert(b"a/b", Entry::file(2)).unwrap();
        t.insert(b"./B//x/", Entry::dir()).unwrap();
        t.finish();
        let paths: Vec<_> = t.walk().map(|id| String::from_utf8(t.path(id)).unwrap()).collect();
        assert_eq!(paths, ["B", "B/x", "a", "a/b", "a-c"]);
        assert_eq!(t.kind(t.lookup(b"a").unwrap()), EntryKind::Dir);
    }

    #[test]
    fn index_probes_past_equal_hashes() {
        let mut ix = Index::default();
        // Two directories growing in turn: tables move and reuse freed space.
        for id in 1..=100 {
            ix.insert(3, 7, id);
            ix.insert(5, id, 1000 + id);
        }
        assert_eq!(ix.find(3, 7, |id| id == 63), Some(63));
        assert_eq!(ix.find(3, 7, |_| false), None);
        assert_eq!(ix.find(3, 8, |_| true), None);
        assert_eq!(ix.find(4, 7, |_| true), None);
        assert_eq!(ix.find(9, 7, |_| true), None);
        for id in 1..=100 {
            assert_eq!(ix.find(5, id, |i| i == 1000 + id), Some(1000 + id));
        }
        assert!(ix.free.iter().any(|f| !f.is_empty()));
        assert_eq!(ix.len, 200);
    }

    #[test]
    fn lookups_before_and_after_finish_and_after_thawing() {
        let mut t = ContextTree::new();
        let names: Vec<String> = (0..5000).map(|i| format!("n{i}")).collect();
        for n in &names {
            t.insert(format!("d/{n}").as_bytes(), Entry::file(1)).unwrap();
        }
        let check = |t: &ContextTree| {
            for n in &names {
                let id = t.lookup(format!("d/{n}").as_bytes()).expect("listed");
                assert_eq!(t.name(id), n.as_bytes());
            }
            assert!(t.lookup(b"d/missing").is_none());
        };
        check(&t);
        // Unfinished: children in insertion order.
        assert_eq!(t.name(t.children(t.lookup(b"d").unwrap())[1]), b"n1");
        t.finish();
        check(&t);
        assert_eq!(t.name(t.children(t.lookup(b"d").unwrap())[2]), b"n10");
        t.insert(b"d/n1/x", Entry::file(1)).unwrap_err();
        t.insert(b"d/zz", Entry::file(3)).unwrap();
        check(&t);
        t.finish();
        assert_eq!(t.size(t.lookup(b"d/zz").unwrap()), 3);
        assert_eq!(t.len(), 5003);
    }

    #[test]
    fn insert_child_merges_like_insert() {
        let mut t = ContextTree::new();
        let d = t.insert_child(ROOT, b"d", Entry::dir().with_mode(0o755)).unwrap();
        let f = t.insert_child(d, b"f", Entry::file(3)).unwrap();
        assert_eq!(t.insert(b"d/f", Entry::file(4)).unwrap(), f);
        assert_eq!(t.size(f), 4);
        assert_eq!(t.insert_child(d, b"f", Entry::file(5).with_mode(0o600)).unwrap(), f);
        assert_eq!((t.size(f), t.mode(f), t.mode(d)), (5, Some(0o600), Some(0o755)));
        assert!(matches!(t.insert_child(f, b"x", Entry::file(1)), Err(TreeError::NotADirectory { .. })));
        assert!(matches!(t.insert_child(ROOT, b"d", Entry::file(1)), Err(TreeError::NotADirectory { .. })));
        for bad in [&b""[..], b".", b"..", b"a/b"] {
            assert!(matches!(t.insert_child(d, bad, Entry::file(1)), Err(TreeError::OutsideContext(_))));
        }
        let mut g = Entry::file(1);
        g.link_group = 9;
        let h = t.insert_child(d, b"h", g).unwrap();
        assert_eq!(t.link_group(h), 9);
        t.insert_child(d, b"h", Entry::file(1)).unwrap();
        assert_eq!(t.link_group(h), 0);
        assert_eq!(t.path(h), b"d/h");
    }

    #[test]
    fn rejects_escapes_and_files_as_dirs() {
        let mut t = ContextTree::new();
        assert!(t.insert(b"../x", Entry::file(1)).is_err());
        assert!(t.insert(b"a/../x", Entry::file(1)).is_err());
        assert!(t.insert(b"a/..", Entry::file(1)).is_err());
        assert!(t.insert(b"", Entry::file(1)).is_err());
        assert!(t.insert(b"./", Entry::file(1)).is_err());
        t.insert(b"f", Entry::file(1)).unwrap();
        assert!(matches!(
            t.insert(b"f/g/h", Entry::file(1)),
            Err(TreeError::NotADirectory { parent, .. }) if parent == "f"
        ));
        t.insert(b"d/e", Entry::file(1)).unwrap();
        assert!(matches!(t.insert(b"d", Entry::file(1)), Err(TreeError::NotADirectory { .. })));
    }
}
