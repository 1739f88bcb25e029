//! FollowPaths → include patterns, resolving symlinks along each path as
//! fsutil's `FollowLinks` does (so `COPY current/` with `current -> releases/v2`
//! also sends `releases/v2`).

use std::collections::BTreeSet;

use crate::ignore::fnmatch::glob_match;
use crate::ignore::gostr::clean;
use crate::tree::{ContextTree, EntryKind};

/// The include patterns BuildKit derives from FollowPaths on this tree, or
/// `None` when one of them is the context root (no filter at all).
pub fn include_patterns(tree: &ContextTree, follow_paths: &[impl AsRef<[u8]>]) -> Option<Vec<Vec<u8>>> {
    let mut resolved = BTreeSet::new();
    for p in follow_paths {
        resolve(tree, p.as_ref(), &mut resolved, 0);
    }
    dedupe(resolved.into_iter().collect())
}

fn join(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut v = a.to_vec();
    v.push(b'/');
    v.extend_from_slice(b);
    clean(&v)
}

/// Relative form of a cleaned path: the FS that fsutil resolves in is rooted at the context.
fn relative(p: Vec<u8>) -> Vec<u8> {
    match p.strip_prefix(b"/") {
        Some([]) => b".".to_vec(),
        Some(rest) => rest.to_vec(),
        None => p,
    }
}

fn resolve(tree: &ContextTree, path: &[u8], resolved: &mut BTreeSet<Vec<u8>>, depth: usize) {
    // A symlink cycle would recurse forever; fsutil would fail the build long before.
    if depth > 255 {
        return;
    }
    let mut rest: Vec<u8> = relative(clean(path));
    let mut current: Vec<u8> = b".".to_vec();
    loop {
        let (head, tail) = match rest.iter().position(|&b| b == b'/') {
            Some(i) => (rest[..i].to_vec(), rest[i + 1..].to_vec()),
            None => (rest.clone(), Vec::new()),
        };
        current = join(&current, &head);
        let targets = read_symlink(tree, &current, true);
        rest = tail;
        if (rest.is_empty() || !targets.is_empty()) && resolved.contains(&current) {
            return;
        }
        if !targets.is_empty() {
            resolved.insert(current.clone());
            for t in targets {
                resolve(tree, &join(&t, &rest), resolved, depth + 1);
            }
            return;
        }
        if rest.is_empty() {
            resolved.insert(current);
            return;
        }
    }
}

fn contains_wildcards(name: &[u8]) -> bool {
    let mut i = 0;
    while i < name.len() {
        match name[i] {
            b'\\' => i += 1,
            b'*' | b'?' | b'[' => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

fn split_dir(p: &[u8]) -> (&[u8], &[u8]) {
    match p.iter().rposition(|&b| b == b'/') {
        Some(i) => (&p[..i], &p[i + 1..]),
        None => (b".", p),
    }
}

fn read_symlink(tree: &ContextTree, p: &[u8], allow_wildcard: bool) -> Vec<Vec<u8>> {
    let (dir, base) = split_dir(p);
    if allow_wildcard && contains_wildcards(base) {
        let Some(d) = tree.lookup(dir) else {
            return Vec::new();
        };
        if tree.kind(d) != EntryKind::Dir {
            return Vec::new();
        }
        let mut out = Vec::new();
        for &c in tree.children(d) {
            if glob_match(base, tree.name(c)) {
                out.extend(read_symlink(tree, &join(dir, tree.name(c)), false));
            }
        }
        return out;
    }
    let Some(id) = tree.lookup(p) else {
        return Vec::new();
    };
    if tree.kind(id) != EntryKind::Symlink {
        return Vec::new();
    }
    let link = clean(tree.link_target(id).unwrap_or_default());
    if link.first() == Some(&b'/') {
        return vec![relative(link)];
    }
    vec![relative(clean(&join(b"/", &join(dir, &link))))]
}

/// fsutil's `dedupePaths` on a sorted list: the root means no filter; paths
/// below an earlier path are redundant.
fn dedupe(sorted: Vec<Vec<u8>>) -> Option<Vec<Vec<u8>>> {
    let mut out: Vec<Vec<u8>> = Vec::with_capacity(sorted.len());
    for s in sorted {
        if s == b"." {
            return None;
        }
        if let Some(last) = out.last()
            && s.len() > last.len()
            && s.starts_with(last)
            && s[last.len()] == b'/'
        {
            continue;
        }
        out.push(s);
    }
    Some(out)
}
