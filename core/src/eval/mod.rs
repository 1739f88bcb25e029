//! Evaluation: which entries of a [`ContextTree`] a build transfers, in which
//! order, and why each node is in or out.
//!
//! [`transfer`] reproduces BuildKit's client side exactly (fsutil's filtered
//! walk and `Send`): the threaded exclude verdict, directory pruning with its
//! `/*/**` quirk, directories sent lazily before their first sent descendant,
//! include patterns from the Dockerfile's FollowPaths, symlinks as leaves and
//! hard links sent once with data.

pub mod classic;
mod follow;

pub use follow::include_patterns;

use serde::Serialize;

use crate::ignore::{IgnoreError, MatchInfo, PatternError, RuleSet, has_prefix_below};
use crate::tree::{ContextTree, EntryKind, NodeId, ROOT};

/// What a transfer is asked to do.
#[derive(Debug, Clone, Copy, Default)]
pub struct TransferOptions<'a> {
    /// The `.dockerignore` rules (BuildKit's exclude patterns), if any.
    pub rules: Option<&'a RuleSet>,
    /// The Dockerfile's FollowPaths; `None` means the whole context.
    pub follow_paths: Option<&'a [String]>,
}

/// How an entry goes over the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "type")]
pub enum SentKind {
    /// A regular file with its data.
    File,
    /// A directory.
    Dir,
    /// A symlink (its target text is sent, never followed).
    Symlink,
    /// A later name of an already sent inode: no data.
    Hardlink {
        /// The first sent name of the same inode.
        first: NodeId,
    },
    /// A device, FIFO or socket.
    Other,
}

/// One entry of the transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentEntry {
    /// The node sent.
    pub node: NodeId,
    /// How it is sent.
    pub kind: SentKind,
}

/// Why a node is, or is not, part of the transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum NodeState {
    /// Sent (files, symlinks, included directories).
    Sent,
    /// An excluded directory sent anyway because something below it is sent.
    SentForDescendant,
    /// Excluded by the rules.
    Excluded,
    /// Excluded directory that BuildKit does not even enter.
    Pruned,
    /// Inside a directory that was not entered.
    NotVisited,
    /// Not among the Dockerfile's FollowPaths.
    NotFollowed,
    /// An entered directory that was not sent because nothing below it is.
    Empty,
    /// Evaluating it hit a pattern error (the build fails here).
    Error,
}

/// The verdict of one node, for `explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeVerdict {
    /// What happened to the node.
    pub state: NodeState,
    /// The rule (index into [`RuleSet::rules`]) that decided the exclude verdict.
    pub rule: Option<u32>,
    /// Whether that rule's hit was inherited from the parent directory.
    pub inherited: bool,
    /// Whether the exclude rules exclude the node (before pruning effects).
    pub excluded: bool,
}

const UNVISITED: NodeVerdict =
    NodeVerdict { state: NodeState::NotVisited, rule: None, inherited: false, excluded: false };

/// Counts of what a transfer sends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// All entries sent.
    pub entries: u64,
    /// Directories.
    pub dirs: u64,
    /// Regular files sent with data.
    pub files: u64,
    /// Symlinks.
    pub symlinks: u64,
    /// Hard-link entries (no data).
    pub hardlinks: u64,
    /// Devices, FIFOs, sockets.
    pub other: u64,
    /// File data a cold transfer sends: the sum of `files` sizes.
    pub file_bytes: u64,
}

/// Why a transfer cannot start or stops.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransferError {
    /// Include patterns derived from FollowPaths were rejected.
    #[error("invalid include patterns from the Dockerfile: {0}")]
    IncludePatterns(IgnoreError),
    /// A lazily failing exclude pattern was consulted.
    #[error(transparent)]
    Exclude(PatternError),
    /// A lazily failing include pattern was consulted.
    #[error("include pattern: {0}")]
    Include(PatternError),
}

/// The result of a transfer.
#[derive(Debug, Clone)]
pub struct Transfer {
    /// The entries BuildKit sends, in order (up to an error).
    pub entries: Vec<SentEntry>,
    /// The counts.
    pub totals: Totals,
    /// The error that aborts the transfer (and the build), if any.
    pub error: Option<TransferError>,
    /// The include patterns in effect (FollowPaths with symlinks resolved).
    pub include_patterns: Option<Vec<Vec<u8>>>,
    verdicts: Vec<NodeVerdict>,
}

impl Transfer {
    /// The verdict of one node.
    pub fn verdict(&self, id: NodeId) -> NodeVerdict {
        self.verdicts.get(id as usize).copied().unwrap_or(UNVISITED)
    }

    /// Whether the node is sent.
    pub fn is_sent(&self, id: NodeId) -> bool {
        matches!(self.verdict(id).state, NodeState::Sent | NodeState::SentForDescendant)
    }
}

struct Frame {
    dir: NodeId,
    next: usize,
    exclude: MatchInfo,
    include: MatchInfo,
    called: bool,
    /// Whether everything below is in scope.
    all: bool,
}

/// Which part of the tree a walk evaluates.
#[derive(Clone, Copy)]
pub(crate) enum Scope<'s> {
    /// Everything, as BuildKit does.
    All,
    /// Only nodes with `marks[id] == root` (and everything below them) and
    /// the directories leading to them (`marks[id] == path`); the rest is
    /// neither evaluated nor counted, and no per-node verdicts are kept.
    Marked { marks: &'s [u32], path: u32, root: u32 },
}

/// Walks `tree` as BuildKit's client does and returns what it sends.
pub fn transfer(tree: &ContextTree, opts: &TransferOptions<'_>) -> Transfer {
    walk(tree, opts, Scope::All, None)
}

/// [`transfer`], optionally limited to a [`Scope`], and optionally recording
/// in `hit_roots` each (node, compiled exclude rule) where the rule hit the
/// node but not its parent.
pub(crate) fn walk(
    tree: &ContextTree,
    opts: &TransferOptions<'_>,
    scope: Scope<'_>,
    mut hit_roots: Option<&mut Vec<(NodeId, u32)>>,
) -> Transfer {
    debug_assert!(tree.is_finished(), "ContextTree::finish must run before evaluation");
    let full = matches!(scope, Scope::All);
    let mut out = Transfer {
        entries: Vec::new(),
        totals: Totals::default(),
        error: None,
        include_patterns: None,
        verdicts: if full { vec![UNVISITED; tree.len()] } else { Vec::new() },
    };
    let includes = match opts.follow_paths {
        Some(paths) => include_patterns(tree, paths),
        None => None,
    };
    let include_set = match &includes {
        Some(p) => match RuleSet::from_patterns(p) {
            Ok(set) => Some(set),
            Err(e) => {
                out.error = Some(TransferError::IncludePatterns(e));
                out.include_patterns = includes;
                return out;
            }
        },
        None => None,
    };
    out.include_patterns = includes;
    let excludes = opts.rules.filter(|r| !r.is_empty());
    let include_prefixes = include_set.as_ref().and_then(RuleSet::inclusion_prefixes);
    let exception_prefixes = excludes.and_then(RuleSet::exception_prefixes);

    let mut first_of_group: std::collections::HashMap<u64, NodeId> = std::collections::HashMap::new();
    let mut stack = vec![Frame {
        dir: ROOT,
        next: 0,
        exclude: MatchInfo::default(),
        include: MatchInfo::default(),
        called: true,
        all: full,
    }];
    let mut leaf_exclude = MatchInfo::default();
    let mut leaf_include = MatchInfo::default();
    let mut path: Vec<u8> = Vec::new();
    let mut path_lens: Vec<usize> = vec![0];

    while let Some(top) = stack.last_mut() {
        let kids = tree.children(top.dir);
        if top.next >= kids.len() {
            let done = stack.pop().expect("non-empty");
            path_lens.pop();
            path.truncate(*path_lens.last().unwrap_or(&0));
            if done.dir != ROOT
                && !done.called
                && let Some(v) = out.verdicts.get_mut(done.dir as usize)
                && v.state == NodeState::Sent
            {
                v.state = NodeState::Empty;
            }
            continue;
        }
        let id = kids[top.next];
        top.next += 1;
        let mut all = top.all;
        if let Scope::Marked { marks, path, root } = scope
            && !all
        {
            match marks.get(id as usize) {
                Some(&m) if m == root => all = true,
                Some(&m) if m == path => {}
                _ => continue,
            }
        }
        let parent_exclude = &top.exclude;
        let parent_include = &top.include;
        let is_root_level = top.dir == ROOT;

        let base = *path_lens.last().unwrap_or(&0);
        path.truncate(base);
        if base > 0 {
            path.push(b'/');
        }
        path.extend_from_slice(tree.name(id));
        let is_dir = tree.kind(id) == EntryKind::Dir;
        let mut skip = false;
        let mut verdict = NodeVerdict { state: NodeState::Sent, rule: None, inherited: false, excluded: false };

        let mut child_include = MatchInfo::default();
        if let Some(inc) = &include_set {
            let parent = (!is_root_level).then_some(parent_include);
            let hits = if is_dir { &mut child_include } else { &mut leaf_include };
            match inc.evaluate(&path, parent, hits) {
                Err(e) => {
                    verdict.state = NodeState::Error;
                    set_verdict(&mut out, id, verdict);
                    out.error = Some(TransferError::Include(e));
                    break;
                }
                Ok(v) => {
                    // For includes, "excluded" means "matched an include pattern".
                    if !v.excluded {
                        if is_dir
                            && let Some(prefixes) = &include_prefixes
                            && !has_prefix_below(prefixes, &path)
                        {
                            verdict.state = NodeState::NotFollowed;
                            set_verdict(&mut out, id, verdict);
                            continue;
                        }
                        skip = true;
                        verdict.state = NodeState::NotFollowed;
                    }
                }
            }
        }

        let mut child_exclude = MatchInfo::default();
        if let Some(exc) = excludes {
            let parent = (!is_root_level).then_some(parent_exclude);
            let hits = if is_dir { &mut child_exclude } else { &mut leaf_exclude };
            match exc.evaluate(&path, parent, hits) {
                Err(e) => {
                    verdict.state = NodeState::Error;
                    set_verdict(&mut out, id, verdict);
                    out.error = Some(TransferError::Exclude(e));
                    break;
                }
                Ok(v) => {
                    if let Some(rec) = hit_roots.as_deref_mut() {
                        rec.extend(hits.new_hits(parent).map(|r| (id, r as u32)));
                    }
                    verdict.rule = v.decided_by.map(|r| r as u32);
                    verdict.inherited = v.inherited;
                    verdict.excluded = v.excluded;
                    if v.excluded {
                        if is_dir && !exc.enters_excluded_dir(exception_prefixes.as_deref(), &path) {
                            verdict.state = NodeState::Pruned;
                            set_verdict(&mut out, id, verdict);
                            continue;
                        }
                        skip = true;
                        verdict.state = NodeState::Excluded;
                    }
                }
            }
        }

        if !skip {
            // Directories entered without being sent are sent just before
            // their first sent descendant.
            for f in stack.iter_mut().skip(1) {
                if !f.called {
                    f.called = true;
                    if let Some(v) = out.verdicts.get_mut(f.dir as usize) {
                        v.state = NodeState::SentForDescendant;
                    }
                    record(&mut out, tree, f.dir, &mut first_of_group);
                }
            }
            set_verdict(&mut out, id, verdict);
            record(&mut out, tree, id, &mut first_of_group);
        } else {
            set_verdict(&mut out, id, verdict);
        }
        if is_dir {
            let len = path.len();
            path_lens.push(len);
            stack.push(Frame { dir: id, next: 0, exclude: child_exclude, include: child_include, called: !skip, all });
        }
    }
    out
}

fn set_verdict(out: &mut Transfer, id: NodeId, v: NodeVerdict) {
    if let Some(slot) = out.verdicts.get_mut(id as usize) {
        *slot = v;
    }
}

fn record(
    out: &mut Transfer,
    tree: &ContextTree,
    id: NodeId,
    first_of_group: &mut std::collections::HashMap<u64, NodeId>,
) {
    let kind = match tree.kind(id) {
        EntryKind::Dir => SentKind::Dir,
        EntryKind::Symlink => SentKind::Symlink,
        EntryKind::Other => SentKind::Other,
        EntryKind::File => {
            let group = tree.link_group(id);
            match (group != 0).then(|| first_of_group.get(&group).copied()).flatten() {
                Some(first) => SentKind::Hardlink { first },
                None => {
                    if group != 0 {
                        first_of_group.insert(group, id);
                    }
                    SentKind::File
                }
            }
        }
    };
    let t = &mut out.totals;
    t.entries += 1;
    match kind {
        SentKind::File => {
            t.files += 1;
            t.file_bytes = t.file_bytes.saturating_add(tree.size(id));
        }
        SentKind::Dir => t.dirs += 1,
        SentKind::Symlink => t.symlinks += 1,
        SentKind::Hardlink { .. } => t.hardlinks += 1,
        SentKind::Other => t.other += 1,
    }
    out.entries.push(SentEntry { node: id, kind });
}
