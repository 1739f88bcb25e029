//! What changes between two evaluations of the same tree (two rule sets, or
//! two builders): paths that move in or out, with bytes and files.

use serde::Serialize;

use crate::eval::Transfer;
use crate::tree::{ContextTree, EntryKind, NodeId, ROOT};

/// One path whose fate changes; a directory stands for everything below it
/// that changes the same way.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// Path relative to the context (directories end in `/`).
    pub path: String,
    /// File bytes that move.
    pub bytes: u64,
    /// Files that move.
    pub files: u64,
}

/// The difference between `before` and `after`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Diff {
    /// Sent after but not before.
    pub added: Vec<Change>,
    /// Sent before but not after.
    pub removed: Vec<Change>,
    /// Context bytes after minus before.
    pub bytes_delta: i64,
    /// Context files after minus before.
    pub files_delta: i64,
}

#[derive(Clone, Copy, Default)]
struct Moves {
    added_bytes: u64,
    added_files: u64,
    removed_bytes: u64,
    removed_files: u64,
    /// Files below that do not move.
    steady: u64,
}

/// Compares two transfers of `tree`.
pub fn diff(tree: &ContextTree, before: &Transfer, after: &Transfer) -> Diff {
    let n = tree.len();
    let mut moves = vec![Moves::default(); n];
    // Children come after their parents in walk order: accumulate bottom-up.
    let order: Vec<NodeId> = tree.walk().collect();
    for &id in order.iter().rev() {
        let mut m = moves[id as usize];
        if tree.kind(id) != EntryKind::Dir {
            let (b, a) = (before.is_sent(id), after.is_sent(id));
            let size = if tree.kind(id) == EntryKind::File { tree.size(id) } else { 0 };
            match (b, a) {
                (false, true) => {
                    m.added_bytes = m.added_bytes.saturating_add(size);
                    m.added_files += 1;
                }
                (true, false) => {
                    m.removed_bytes = m.removed_bytes.saturating_add(size);
                    m.removed_files += 1;
                }
                _ => m.steady += 1,
            }
            moves[id as usize] = m;
        }
        let p = tree.parent(id) as usize;
        let c = moves[id as usize];
        let pm = &mut moves[p];
        pm.added_bytes = pm.added_bytes.saturating_add(c.added_bytes);
        pm.added_files += c.added_files;
        pm.removed_bytes = pm.removed_bytes.saturating_add(c.removed_bytes);
        pm.removed_files += c.removed_files;
        pm.steady += c.steady;
    }
    let mut out = Diff {
        bytes_delta: after.totals.file_bytes as i64 - before.totals.file_bytes as i64,
        files_delta: after.totals.files as i64 - before.totals.files as i64,
        ..Diff::default()
    };
    collect(tree, ROOT, &moves, before, after, &mut out);
    out
}

fn collect(tree: &ContextTree, dir: NodeId, moves: &[Moves], before: &Transfer, after: &Transfer, out: &mut Diff) {
    for &c in tree.children(dir) {
        let m = moves[c as usize];
        let is_dir = tree.kind(c) == EntryKind::Dir;
        let mut path = String::from_utf8_lossy(&tree.path(c)).into_owned();
        if is_dir {
            path.push('/');
        }
        let only_added = m.removed_files == 0 && m.steady == 0 && m.added_files > 0;
        let only_removed = m.added_files == 0 && m.steady == 0 && m.removed_files > 0;
        if is_dir && only_added {
            out.added.push(Change { path, bytes: m.added_bytes, files: m.added_files });
        } else if is_dir && only_removed {
            out.removed.push(Change { path, bytes: m.removed_bytes, files: m.removed_files });
        } else if is_dir {
            collect(tree, c, moves, before, after, out);
        } else if !before.is_sent(c) && after.is_sent(c) {
            out.added.push(Change { path, bytes: m.added_bytes, files: 1 });
        } else if before.is_sent(c) && !after.is_sent(c) {
            out.removed.push(Change { path, bytes: m.removed_bytes, files: 1 });
        }
    }
}
