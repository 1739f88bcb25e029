//! The build context as a tree: every input (a listing, a real directory, a
//! dropped folder) becomes one [`ContextTree`], an arena of nodes whose
//! children are kept in byte-wise name order — BuildKit's walk order.

use std::collections::HashMap;

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

#[derive(Debug, Clone)]
struct Node {
    name_start: u32,
    name_len: u32,
    parent: NodeId,
    kind: EntryKind,
    mode: Option<u32>,
    size: u64,
    link_group: u64,
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

/// FxHash-style mixing of (parent, name): fast, and good enough to keep
/// collisions (which stay correct, only slower) rare.
fn child_key(parent: NodeId, name: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = (parent as u64).wrapping_mul(K);
    let mut chunks = name.chunks_exact(8);
    for c in &mut chunks {
        h = (h.rotate_left(5) ^ u64::from_le_bytes(c.try_into().expect("8 bytes"))).wrapping_mul(K);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ b as u64).wrapping_mul(K);
    }
    (h.rotate_left(5) ^ name.len() as u64).wrapping_mul(K)
}

/// The keys are already hashes: pass them through.
#[derive(Debug, Clone, Copy, Default)]
struct BuildNoHash;

impl std::hash::BuildHasher for BuildNoHash {
    type Hasher = NoHash;
    fn build_hasher(&self) -> NoHash {
        NoHash(0)
    }
}

#[derive(Debug, Clone, Copy)]
struct NoHash(u64);

impl std::hash::Hasher for NoHash {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | b as u64;
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A build context: a tree of directories, files, symlinks and others.
#[derive(Debug, Clone)]
pub struct ContextTree {
    nodes: Vec<Node>,
    names: Vec<u8>,
    /// Children of each directory, sorted byte-wise once the tree is built.
    children: Vec<Vec<NodeId>>,
    link_targets: HashMap<NodeId, Vec<u8>>,
    /// Upper bounds for sizes known only as an interval (rounded units).
    size_hi: HashMap<NodeId, u64>,
    /// Bytes inside a directory that the input counts but does not list
    /// (e.g. `du` without `-a`): `(min, max)`.
    unlisted: HashMap<NodeId, (u64, u64)>,
    /// Child lookup by a hash of (parent, name); on the rare collision the
    /// parent's children are scanned. No allocation per lookup.
    index: HashMap<u64, NodeId, BuildNoHash>,
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
                name_start: 0,
                name_len: 0,
                parent: ROOT,
                kind: EntryKind::Dir,
                mode: None,
                size: 0,
                link_group: 0,
            }],
            names: Vec::new(),
            children: vec![Vec::new()],
            link_targets: HashMap::new(),
            size_hi: HashMap::new(),
            unlisted: HashMap::new(),
            index: HashMap::with_hasher(BuildNoHash),
            sorted: true,
        }
    }

    /// Makes room for `additional` more nodes (avoids rehashing the child
    /// index while a large listing is read).
    pub fn reserve(&mut self, additional: usize) {
        self.nodes.reserve(additional);
        self.children.reserve(additional);
        self.index.reserve(additional);
        self.names.reserve(additional * 12);
    }

    /// Number of nodes, the root included.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the context holds nothing but its root.
    pub fn is_empty(&self) -> bool {
        self.nodes.len() == 1
    }

    fn child(&self, parent: NodeId, name: &[u8]) -> Option<NodeId> {
        let h = child_key(parent, name);
        let &id = self.index.get(&h)?;
        if self.nodes[id as usize].parent == parent && self.name(id) == name {
            return Some(id);
        }
        self.children[parent as usize].iter().copied().find(|&c| self.name(c) == name)
    }

    fn push(&mut self, parent: NodeId, name: &[u8], entry: &Entry) -> NodeId {
        let id = self.nodes.len() as NodeId;
        let name_start = self.names.len() as u32;
        self.names.extend_from_slice(name);
        self.nodes.push(Node {
            name_start,
            name_len: name.len() as u32,
            parent,
            kind: entry.kind,
            mode: entry.mode,
            size: entry.size,
            link_group: entry.link_group,
        });
        self.children.push(Vec::new());
        self.children[parent as usize].push(id);
        self.index.entry(child_key(parent, name)).or_insert(id);
        if let Some(t) = &entry.link_target {
            self.link_targets.insert(id, t.clone());
        }
        self.sorted = false;
        id
    }

    /// Adds `path` (relative, `/`-separated; `./`, `//` and a trailing `/`
    /// are tolerated) with `entry`, creating missing parent directories. Adding
    /// a path twice keeps the latest facts.
    pub fn insert(&mut self, path: &[u8], entry: Entry) -> Result<NodeId, TreeError> {
        let mut parts: Vec<&[u8]> = Vec::new();
        for part in path.split(|&b| b == b'/') {
            match part {
                b"" | b"." => {}
                b".." => return Err(TreeError::OutsideContext(String::from_utf8_lossy(path).into_owned())),
                p => parts.push(p),
            }
        }
        let Some((last, dirs)) = parts.split_last() else {
            return Err(TreeError::OutsideContext(String::from_utf8_lossy(path).into_owned()));
        };
        let mut cur = ROOT;
        for (i, d) in dirs.iter().enumerate() {
            cur = match self.child(cur, d) {
                Some(id) if self.nodes[id as usize].kind == EntryKind::Dir => id,
                Some(_) => {
                    return Err(TreeError::NotADirectory {
                        path: String::from_utf8_lossy(path).into_owned(),
                        parent: String::from_utf8_lossy(&dirs[..=i].join(&b'/')).into_owned(),
                    });
                }
                None => self.push(cur, d, &Entry::dir()),
            };
        }
        match self.child(cur, last) {
            Some(id) => {
                let n = &mut self.nodes[id as usize];
                if n.kind == EntryKind::Dir && entry.kind != EntryKind::Dir && !self.children[id as usize].is_empty() {
                    return Err(TreeError::NotADirectory {
                        path: String::from_utf8_lossy(path).into_owned(),
                        parent: String::from_utf8_lossy(path).into_owned(),
                    });
                }
                n.kind = entry.kind;
                n.size = entry.size;
                // The new facts replace the old, interval included.
                self.size_hi.remove(&id);
                n.mode = entry.mode.or(n.mode);
                n.link_group = entry.link_group;
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
            None => Ok(self.push(cur, last, &entry)),
        }
    }

    /// Sorts every directory's children byte-wise; called by readers once the
    /// tree is complete (evaluation requires it).
    pub fn finish(&mut self) {
        if self.sorted {
            return;
        }
        let (names, nodes) = (&self.names, &self.nodes);
        let name = |id: &NodeId| {
            let n = &nodes[*id as usize];
            &names[n.name_start as usize..(n.name_start + n.name_len) as usize]
        };
        for c in &mut self.children {
            c.sort_unstable_by(|a, b| name(a).cmp(name(b)));
        }
        self.sorted = true;
    }

    /// Whether [`finish`](Self::finish) has run since the last insertion.
    pub fn is_finished(&self) -> bool {
        self.sorted
    }

    /// The node's own name (empty for the root).
    pub fn name(&self, id: NodeId) -> &[u8] {
        let n = &self.nodes[id as usize];
        &self.names[n.name_start as usize..(n.name_start + n.name_len) as usize]
    }

    /// The node's parent (the root is its own parent).
    pub fn parent(&self, id: NodeId) -> NodeId {
        self.nodes[id as usize].parent
    }

    /// The node's children, in byte-wise name order once finished.
    pub fn children(&self, id: NodeId) -> &[NodeId] {
        &self.children[id as usize]
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
        self.nodes[id as usize].mode
    }

    /// Marks the node as one name of hard-link group `group` (0 = none).
    pub fn set_link_group(&mut self, id: NodeId, group: u64) {
        self.nodes[id as usize].link_group = group;
    }

    /// Hard-link group (0 = none).
    pub fn link_group(&self, id: NodeId) -> u64 {
        self.nodes[id as usize].link_group
    }

    /// A symlink's target.
    pub fn link_target(&self, id: NodeId) -> Option<&[u8]> {
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
                let kids = &self.children[*dir as usize];
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
    fn lookups_survive_hash_collisions() {
        let mut t = ContextTree::new();
        let names: Vec<String> = (0..5000).map(|i| format!("n{i}")).collect();
        for n in &names {
            t.insert(format!("d/{n}").as_bytes(), Entry::file(1)).unwrap();
        }
        // Force a collision: a second entry under the same key.
        let d = t.lookup(b"d").unwrap();
        let first = t.child(d, b"n0").unwrap();
        let key = child_key(d, b"n1");
        t.index.insert(key, first);
        assert_eq!(t.child(d, b"n1").map(|i| t.name(i).to_vec()), Some(b"n1".to_vec()));
        for n in &names {
            assert!(t.lookup(format!("d/{n}").as_bytes()).is_some());
        }
        assert!(t.lookup(b"d/missing").is_none());
    }

    #[test]
    fn rejects_escapes_and_files_as_dirs() {
        let mut t = ContextTree::new();
        assert!(t.insert(b"../x", Entry::file(1)).is_err());
        assert!(t.insert(b"", Entry::file(1)).is_err());
        t.insert(b"f", Entry::file(1)).unwrap();
        assert!(matches!(t.insert(b"f/g", Entry::file(1)), Err(TreeError::NotADirectory { .. })));
    }
}
