//! The classic builder (`DOCKER_BUILDKIT=0 docker build`): the exact tar
//! stream docker/cli sends ("Sending build context to Docker daemon ...") and
//! what the daemon deletes from it before `COPY` can see it.
//!
//! It differs from BuildKit: only the root `.dockerignore` counts; the CLI
//! validates the context with the "path or any parent" verdict first; the
//! Dockerfile and `.dockerignore` are re-included when the deprecated
//! one-level check says they are excluded; excluded directories are never tar
//! entries and are entered only when an exception's text starts with their
//! path; sizes are tar sizes (512-byte headers, PAX records, padding).

use std::collections::HashMap;

use serde::Serialize;

use crate::ignore::{IgnoreFile, MatchInfo, RuleSet};
use crate::tree::{ContextTree, EntryKind, NodeId, ROOT};

/// A fatal error of the classic build, at the stage docker would report it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassicError {
    /// `dockerfile`, `parse`, `validate`, `tar`, `daemon`.
    pub stage: &'static str,
    /// `bad_pattern`, `illegal_exclusion`, `line_too_long`, `dockerfile_missing`, `dockerfile_empty`, `unreadable`.
    pub category: &'static str,
    /// A message naming the line, pattern or path at fault.
    pub message: String,
}

/// How an entry appears in the tar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TarKind {
    /// Regular file with data.
    File,
    /// Directory (name ends in `/`).
    Dir,
    /// Symlink.
    Symlink,
    /// Second or later name of an inode: no data.
    Hardlink,
    /// Device or FIFO.
    Other,
}

/// One tar entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TarEntry {
    /// The node.
    #[serde(skip)]
    pub node: NodeId,
    /// The tar name (directories end in `/`).
    pub path: String,
    /// The entry's type.
    #[serde(rename = "type")]
    pub kind: TarKind,
    /// Data bytes in the tar (0 but for files).
    pub size: u64,
    /// Bytes the entry occupies in the stream (headers, PAX records, padded data).
    pub tar_bytes: u64,
    /// Whether a PAX extended header precedes it.
    pub pax: bool,
    /// Symlink target or hard link's first name.
    pub linkname: Option<String>,
}

/// The daemon's handling of the received context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DaemonResult {
    /// The Dockerfile it opened (lowercase fallback applied).
    pub dockerfile: String,
    /// Its error (Dockerfile missing or empty), if any.
    pub error: Option<ClassicError>,
    /// Which of `.dockerignore` / the Dockerfile it deleted.
    pub removed: Vec<String>,
    /// Tar entries that disappear with them.
    pub removed_entries: Vec<String>,
    /// Entries `COPY`/`ADD` can see.
    pub remaining_entries: u64,
    /// File bytes `COPY`/`ADD` can see.
    pub remaining_file_bytes: u64,
}

/// Everything the classic builder does with a context.
#[derive(Debug, Clone, Serialize)]
pub struct ClassicBuild {
    /// The Dockerfile path the CLI resolved (symlinks evaluated).
    pub rel_dockerfile: Option<String>,
    /// `ReadAll` of the root `.dockerignore` (`None` when it cannot be read).
    pub patterns: Option<Vec<String>>,
    /// What the tar walker used (with the CLI's added exceptions).
    pub exclude_patterns: Option<Vec<String>>,
    /// The tar entries in stream order.
    pub entries: Vec<TarEntry>,
    /// Exact length of the stream, end-of-archive blocks included (0 if no tar was made).
    pub tar_bytes: u64,
    /// Sum of file sizes in the tar.
    pub file_bytes: u64,
    /// The first fatal error: where the real build stops.
    pub error: Option<ClassicError>,
    /// Every fatal error met (evaluation goes on so the tar can be inspected).
    pub errors: Vec<ClassicError>,
    /// go-archive hit a pattern error and silently cut the tar short.
    pub tar_walk_error: Option<String>,
    /// What the daemon does with the tar (`None` when no tar was made).
    pub daemon: Option<DaemonResult>,
}

/// Inputs of a classic build.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClassicOptions<'a> {
    /// Bytes of the context's root `.dockerignore`, if it exists.
    pub dockerignore: Option<&'a [u8]>,
    /// `-f` relative to the context, or `None` for the default lookup.
    pub dockerfile: Option<&'a str>,
    /// Paths (relative) that cannot be read.
    pub unreadable: &'a [Vec<u8>],
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Resolves `path` inside the tree, following symlinks (relative ones inside
/// the context) like `filepath.EvalSymlinks`.
fn eval_symlinks(tree: &ContextTree, path: &[u8]) -> Option<Vec<u8>> {
    let mut pending: Vec<Vec<u8>> =
        path.split(|&b| b == b'/').filter(|p| !p.is_empty() && *p != b".").map(<[u8]>::to_vec).rev().collect();
    let mut resolved: Vec<Vec<u8>> = Vec::new();
    let mut hops = 0;
    while let Some(part) = pending.pop() {
        if part == b".." {
            resolved.pop()?;
            continue;
        }
        let mut cur = resolved.clone();
        cur.push(part.clone());
        let id = tree.lookup(&cur.join(&b'/'))?;
        if tree.kind(id) == EntryKind::Symlink {
            hops += 1;
            if hops > 255 {
                return None;
            }
            let target = tree.link_target(id)?;
            if target.first() == Some(&b'/') {
                return None;
            }
            for p in target.split(|&b| b == b'/').filter(|p| !p.is_empty() && *p != b".").rev() {
                pending.push(p.to_vec());
            }
        } else {
            resolved.push(part);
        }
    }
    Some(resolved.join(&b'/'))
}

const BLOCK: u64 = 512;

fn pad(n: u64) -> u64 {
    n.div_ceil(BLOCK).saturating_mul(BLOCK)
}

fn is_ascii(s: &[u8]) -> bool {
    s.iter().all(|&b| b != 0 && b < 0x80)
}

/// Go's `archive/tar` `splitUSTARPath`.
fn splits_ustar(name: &[u8]) -> bool {
    let mut length = name.len();
    if length <= 100 || !is_ascii(name) {
        return false;
    } else if length > 156 {
        length = 156;
    } else if name[length - 1] == b'/' {
        length -= 1;
    }
    let Some(i) = name[..length].iter().rposition(|&b| b == b'/') else {
        return false;
    };
    let nlen = name.len() - i - 1;
    i > 0 && nlen <= 100 && nlen != 0 && i <= 155
}

fn pax_record_len(key: &str, value: usize) -> u64 {
    let size = key.len() + value + 3;
    let size = size + size.to_string().len();
    let record = size.to_string().len() + 1 + key.len() + 1 + value + 1;
    record as u64
}

/// Bytes one entry takes in Go's tar writer, and whether it needs PAX.
fn entry_bytes(name: &[u8], linkname: &[u8], size: u64) -> (u64, bool) {
    let mut records = 0;
    if (!is_ascii(name) || name.len() > 100) && !splits_ustar(name) {
        records += pax_record_len("path", name.len());
    }
    if !is_ascii(linkname) || linkname.len() > 100 {
        records += pax_record_len("linkpath", linkname.len());
    }
    if size >= 1 << 33 {
        records += pax_record_len("size", size.to_string().len());
    }
    let pax = if records > 0 { BLOCK + pad(records) } else { 0 };
    (pax.saturating_add(BLOCK).saturating_add(pad(size)), records > 0)
}

/// Runs docker/cli's classic build steps on `tree`.
pub fn classic_build(tree: &ContextTree, opts: &ClassicOptions<'_>) -> ClassicBuild {
    let mut out = ClassicBuild {
        rel_dockerfile: None,
        patterns: None,
        exclude_patterns: None,
        entries: Vec::new(),
        tar_bytes: 0,
        file_bytes: 0,
        error: None,
        errors: Vec::new(),
        tar_walk_error: None,
        daemon: None,
    };
    let fail = |out: &mut ClassicBuild, e: ClassicError| {
        if out.error.is_none() {
            out.error = Some(e.clone());
        }
        out.errors.push(e);
    };

    // The CLI's Dockerfile lookup: -f, else `Dockerfile`, else `dockerfile`.
    let requested = opts.dockerfile.unwrap_or("Dockerfile");
    let mut candidate = requested.to_string();
    if opts.dockerfile.is_none() && tree.lookup(b"Dockerfile").is_none() && tree.lookup(b"dockerfile").is_some() {
        candidate = "dockerfile".into();
    }
    let rel = eval_symlinks(tree, candidate.as_bytes());
    match &rel {
        Some(r) => out.rel_dockerfile = Some(lossy(r)),
        None => fail(
            &mut out,
            ClassicError {
                stage: "dockerfile",
                category: "dockerfile_missing",
                message: format!("Cannot locate Dockerfile: {candidate}"),
            },
        ),
    }
    let rel_dockerfile = rel.unwrap_or_else(|| candidate.clone().into_bytes());

    let file = match opts.dockerignore.map(IgnoreFile::parse).transpose() {
        Ok(f) => f.unwrap_or_default(),
        Err(e) => {
            // The build stops before anything else is decided.
            out.rel_dockerfile = None;
            fail(&mut out, ClassicError { stage: "parse", category: e.category(), message: e.to_string() });
            return out;
        }
    };
    let patterns: Vec<String> = file.rules.iter().map(|r| r.pattern.clone()).collect();
    let set = RuleSet::new(file.clone());

    // ValidateContextDirectory: the "or parent" verdict, excluded dirs skipped.
    match &set {
        Err(e) => fail(&mut out, ClassicError { stage: "validate", category: e.category(), message: e.to_string() }),
        Ok(set) => {
            if let Some(e) = validate(tree, set, opts.unreadable) {
                fail(&mut out, e);
            }
        }
    }

    // TrimBuildFilesFromExcludes, with the deprecated one-level check.
    let mut extra: Vec<Vec<u8>> = Vec::new();
    if let Ok(set) = &set {
        if set.matches_one_level(b".dockerignore").unwrap_or(false) {
            extra.push(b"!.dockerignore".to_vec());
        }
        if set.matches_one_level(&rel_dockerfile).unwrap_or(false) {
            let mut p = b"!".to_vec();
            p.extend_from_slice(&rel_dockerfile);
            extra.push(p);
        }
    }
    out.exclude_patterns = Some(patterns.iter().cloned().chain(extra.iter().map(|p| lossy(p))).collect());
    out.patterns = Some(patterns);
    let tar_set = match set.as_ref().map_err(Clone::clone).and_then(|s| s.with_appended(&extra)) {
        Ok(s) => s,
        Err(e) => {
            fail(&mut out, ClassicError { stage: "tar", category: e.category(), message: e.to_string() });
            return out;
        }
    };

    tar_walk(tree, &tar_set, &mut out);
    out.tar_bytes = out.entries.iter().fold(2 * BLOCK, |a, e| a.saturating_add(e.tar_bytes));
    out.file_bytes = out.entries.iter().filter(|e| e.kind == TarKind::File).fold(0, |a, e| a.saturating_add(e.size));

    let daemon = daemon(tree, &out, &file, requested, &rel_dockerfile, opts.dockerfile.is_none());
    if let Some(e) = &daemon.error {
        fail(&mut out, e.clone());
    }
    out.daemon = Some(daemon);
    out
}

fn validate(tree: &ContextTree, set: &RuleSet, unreadable: &[Vec<u8>]) -> Option<ClassicError> {
    // Each directory's "matched here or above" rules thread down to its
    // children, so no ancestor is matched twice.
    let mut stack: Vec<(NodeId, usize, usize, MatchInfo)> = vec![(ROOT, 0, 0, MatchInfo::default())];
    let mut path: Vec<u8> = Vec::new();
    let mut below = MatchInfo::default();
    while let Some((dir, i, len, _)) = stack.last_mut() {
        let kids = tree.children(*dir);
        if *i >= kids.len() {
            stack.pop();
            continue;
        }
        let id = kids[*i];
        *i += 1;
        let (at_root, base) = (*dir == ROOT, *len);
        path.truncate(base);
        if !at_root {
            path.push(b'/');
        }
        path.extend_from_slice(tree.name(id));
        let is_dir = tree.kind(id) == EntryKind::Dir;
        let parent = if at_root { None } else { stack.last().map(|f| &f.3) };
        match set.or_parent_step(&path, parent, is_dir.then_some(&mut below)) {
            Err(e) => {
                return Some(ClassicError {
                    stage: "validate",
                    category: "bad_pattern",
                    message: format!("checking context: {e}"),
                });
            }
            Ok((true, _)) => continue,
            Ok((false, _)) => {}
        }
        if tree.kind(id) == EntryKind::File && unreadable.contains(&path) {
            return Some(ClassicError {
                stage: "validate",
                category: "unreadable",
                message: format!("checking context: no permission to read from '{}'", lossy(&path)),
            });
        }
        if is_dir {
            stack.push((id, 0, path.len(), std::mem::take(&mut below)));
        }
    }
    None
}

fn tar_walk(tree: &ContextTree, set: &RuleSet, out: &mut ClassicBuild) {
    let exceptions: Vec<Vec<u8>> = set
        .rules()
        .iter()
        .filter(|r| r.exception)
        .map(|r| {
            let mut p = r.pattern_bytes()[1..].to_vec();
            p.push(b'/');
            p
        })
        .collect();
    let mut seen_inodes: HashMap<u64, Vec<u8>> = HashMap::new();
    let mut stack: Vec<(NodeId, usize, usize, MatchInfo)> = vec![(ROOT, 0, 0, MatchInfo::default())];
    let mut path: Vec<u8> = Vec::new();
    let mut hits = MatchInfo::default();
    while let Some((dir, i, len, _)) = stack.last_mut() {
        let kids = tree.children(*dir);
        if *i >= kids.len() {
            stack.pop();
            continue;
        }
        let id = kids[*i];
        *i += 1;
        let (at_root, base) = (*dir == ROOT, *len);
        path.truncate(base);
        if !at_root {
            path.push(b'/');
        }
        path.extend_from_slice(tree.name(id));
        let parent = if at_root { None } else { stack.last().map(|f| &f.3) };
        let excluded = match set.evaluate(&path, parent, &mut hits) {
            Ok(d) => d.excluded,
            Err(e) => {
                out.tar_walk_error = Some(format!("error matching {}: {e}", lossy(&path)));
                return;
            }
        };
        let is_dir = tree.kind(id) == EntryKind::Dir;
        if excluded {
            if !is_dir || !set.has_exceptions() {
                continue;
            }
            path.push(b'/');
            let enter = exceptions.iter().any(|e| e.starts_with(&path));
            path.pop();
            if enter {
                stack.push((id, 0, path.len(), std::mem::take(&mut hits)));
            }
            continue;
        }
        let mut name = path.clone();
        let (kind, size, linkname) = match tree.kind(id) {
            EntryKind::Dir => {
                name.push(b'/');
                (TarKind::Dir, 0, Vec::new())
            }
            EntryKind::Symlink => (TarKind::Symlink, 0, tree.link_target(id).unwrap_or_default().to_vec()),
            EntryKind::Other => (TarKind::Other, 0, Vec::new()),
            EntryKind::File => {
                let g = tree.link_group(id);
                match (g != 0).then(|| seen_inodes.get(&g).cloned()).flatten() {
                    Some(first) => (TarKind::Hardlink, 0, first),
                    None => {
                        if g != 0 {
                            seen_inodes.insert(g, name.clone());
                        }
                        (TarKind::File, tree.size(id), Vec::new())
                    }
                }
            }
        };
        let (tar_bytes, pax) = entry_bytes(&name, &linkname, size);
        out.entries.push(TarEntry {
            node: id,
            path: lossy(&name),
            kind,
            size,
            tar_bytes,
            pax,
            linkname: (!linkname.is_empty()).then(|| lossy(&linkname)),
        });
        if is_dir {
            stack.push((id, 0, path.len(), std::mem::take(&mut hits)));
        }
    }
}

fn daemon(
    tree: &ContextTree,
    out: &ClassicBuild,
    file: &IgnoreFile,
    requested: &str,
    rel_dockerfile: &[u8],
    default_name: bool,
) -> DaemonResult {
    let received = |p: &[u8]| -> Option<&TarEntry> {
        out.entries.iter().find(|e| e.path.as_bytes().strip_suffix(b"/").unwrap_or(e.path.as_bytes()) == p)
    };
    let mut name = lossy(rel_dockerfile);
    if received(rel_dockerfile).is_none()
        && default_name
        && requested == "Dockerfile"
        && received(b"dockerfile").is_some()
    {
        name = "dockerfile".into();
    }
    let error = match received(name.as_bytes()) {
        None => Some(ClassicError {
            stage: "daemon",
            category: "dockerfile_missing",
            message: format!("Cannot locate specified Dockerfile: {name}"),
        }),
        Some(e) if e.kind == TarKind::File && tree.size(e.node) == 0 => Some(ClassicError {
            stage: "daemon",
            category: "dockerfile_empty",
            message: format!("the Dockerfile ({name}) cannot be empty"),
        }),
        Some(_) => None,
    };
    let mut removed = Vec::new();
    let mut removed_entries = Vec::new();
    if error.is_none() && received(b".dockerignore").is_some() {
        // The daemon re-reads the received `.dockerignore` and uses the
        // package-level "or parent" check on the original patterns.
        let set = RuleSet::new(file.clone()).ok();
        for target in [".dockerignore".to_string(), name.clone()] {
            let rm = set.as_ref().is_some_and(|s| s.matches_or_parent(target.as_bytes()).is_ok_and(|(m, _)| m));
            if rm && !removed.contains(&target) {
                let prefix = format!("{target}/");
                for e in &out.entries {
                    if e.path == target || e.path.starts_with(&prefix) {
                        removed_entries.push(e.path.clone());
                    }
                }
                removed.push(target);
            }
        }
    }
    let remaining: Vec<&TarEntry> = out.entries.iter().filter(|e| !removed_entries.contains(&e.path)).collect();
    DaemonResult {
        dockerfile: name,
        error,
        removed,
        removed_entries,
        remaining_entries: remaining.len() as u64,
        remaining_file_bytes: remaining
            .iter()
            .filter(|e| e.kind == TarKind::File)
            .fold(0, |a, e| a.saturating_add(e.size)),
    }
}
