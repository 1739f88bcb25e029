//! The one result type both front ends render: totals, what the rules
//! exclude, each rule's saving, and how the Dockerfile narrows the transfer.
//! `ctxlens --json` prints it as is.

use serde::Serialize;

use crate::eval::{NodeState, Scope, Totals, Transfer, TransferOptions, transfer, walk};
use crate::ignore::RuleSet;
use crate::tree::{ContextTree, EntryKind, NodeId, ROOT};

/// Where the rules came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IgnoreSource {
    /// `<Dockerfile>.dockerignore`, which takes precedence (even when empty).
    Dockerfile,
    /// The context's root `.dockerignore`.
    Context,
    /// A file named on the command line.
    Explicit,
    /// No rules.
    None,
}

/// The ignore file in effect and its rules with their effect.
#[derive(Debug, Clone, Serialize)]
pub struct IgnoreReport {
    /// Where the rules came from.
    pub source: IgnoreSource,
    /// The file's path as the user knows it, if any.
    pub file: Option<String>,
    /// Each rule and what it does in this context.
    pub rules: Vec<RuleReport>,
    /// Lines of rules whose saving was not computed (reported as 0): the
    /// summary bounds the work spent on savings, see [`SAVINGS_BUDGET`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub savings_not_computed: Vec<usize>,
}

/// One rule's effect.
#[derive(Debug, Clone, Serialize)]
pub struct RuleReport {
    /// 1-based line.
    pub line: usize,
    /// The line as written.
    pub text: String,
    /// What Docker makes of it (cleaned, `!` kept).
    pub pattern: String,
    /// Whether it is an exception.
    pub exception: bool,
    /// Files excluded where this rule decided (directly or through a parent).
    pub excluded_files: u64,
    /// Bytes of those files.
    pub excluded_bytes: u64,
    /// Context bytes without this rule minus with it (negative for an
    /// exception that re-includes data).
    pub saving_bytes: i64,
    /// Context files without this rule minus with it.
    pub saving_files: i64,
}

/// Totals of the context as sent.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ContextReport {
    /// File data a cold BuildKit transfer sends (a hard-linked file once).
    /// When the input is not exact, the figure with listed sizes at their
    /// lower bound and unlisted directory contents counted as sent; the
    /// interval is `bytes_min..=bytes_max`.
    pub bytes: u64,
    /// Regular files sent with data.
    pub files: u64,
    /// Directories sent.
    pub dirs: u64,
    /// Symlinks sent.
    pub symlinks: u64,
    /// Hard-link entries (no data).
    pub hardlinks: u64,
    /// Other entries (devices, FIFOs).
    pub other: u64,
    /// All entries sent.
    pub entries: u64,
    /// Lower bound of `bytes` when the input's sizes are rounded or some
    /// directories' contents are not listed (equals `bytes` when exact).
    pub bytes_min: u64,
    /// Upper bound of `bytes`.
    pub bytes_max: u64,
    /// Lines of rules whose effect cannot be decided because the input does
    /// not list what they could match (e.g. `du` without `-a`).
    pub undecided_rules: Vec<usize>,
}

impl From<Totals> for ContextReport {
    fn from(t: Totals) -> Self {
        ContextReport {
            bytes: t.file_bytes,
            files: t.files,
            dirs: t.dirs,
            symlinks: t.symlinks,
            hardlinks: t.hardlinks,
            other: t.other,
            entries: t.entries,
            bytes_min: t.file_bytes,
            bytes_max: t.file_bytes,
            undecided_rules: Vec::new(),
        }
    }
}

/// What is left out.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct ExcludedReport {
    /// Bytes of file data not sent.
    pub bytes: u64,
    /// Files not sent.
    pub files: u64,
}

/// How the Dockerfile narrows the transfer.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TransferReport {
    /// Whether the build reads the context at all.
    pub context_used: bool,
    /// Paths the transfer is restricted to (sorted), or `null` when unrestricted.
    pub follow_paths: Option<Vec<String>>,
    /// Whether the figures above apply the restriction (`--copy-only`).
    pub applied: bool,
    /// The Dockerfile read, if any.
    pub dockerfile: Option<String>,
    /// Sources that could not be resolved exactly.
    pub unresolved: Vec<String>,
}

/// What goes over the wire to BuildKit, beyond the file data itself.
///
/// fsutil sends one STAT packet per entry, then the data of each file the
/// receiver asks for, in 32 KiB chunks. The packet sizes here are an
/// estimate of that protobuf/gRPC framing, labelled as such.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct WireReport {
    /// A first (cold) build: all metadata plus all file data, framed.
    pub cold_bytes_estimate: u64,
    /// A repeat build when nothing changed: metadata only, no data is requested.
    pub warm_bytes_estimate: u64,
}

/// Framing of one STAT packet besides its path and link target (gRPC frame,
/// packet type, mode, size, mtime, field tags).
const STAT_OVERHEAD: u64 = 32;
/// Framing of one DATA packet (gRPC frame, type, id, length).
const DATA_OVERHEAD: u64 = 14;
const CHUNK: u64 = 32 * 1024;

/// Estimates the wire cost of a transfer.
pub fn wire(tree: &ContextTree, t: &Transfer) -> WireReport {
    let mut meta = 0;
    let mut data = 0;
    // Path lengths from the parent's, memoised: building each path costs an
    // allocation and a climb to the root per entry (a third of a 1M-entry evaluation).
    let mut lens = vec![u64::MAX; tree.len()];
    let mut chain = Vec::new();
    for e in &t.entries {
        let path_len = path_len(tree, e.node, &mut lens, &mut chain);
        let link = tree.link_target(e.node).map_or(0, |l| l.len() as u64);
        meta = u64::saturating_add(meta, STAT_OVERHEAD + path_len + link);
        if matches!(e.kind, crate::eval::SentKind::File) {
            let size = tree.size(e.node);
            // Every file ends with an empty DATA packet.
            data = u64::saturating_add(data, size.saturating_add((size.div_ceil(CHUNK) + 1) * DATA_OVERHEAD));
        }
    }
    WireReport { cold_bytes_estimate: meta.saturating_add(data), warm_bytes_estimate: meta }
}

/// `tree.path(id).len()` through `lens` (`u64::MAX`: not known yet).
fn path_len(tree: &ContextTree, id: NodeId, lens: &mut [u64], chain: &mut Vec<NodeId>) -> u64 {
    chain.clear();
    let mut cur = id;
    while cur != ROOT && lens[cur as usize] == u64::MAX {
        chain.push(cur);
        cur = tree.parent(cur);
    }
    let mut len = if cur == ROOT { None } else { Some(lens[cur as usize]) };
    for &n in chain.iter().rev() {
        let own = tree.name(n).len() as u64;
        let l = len.map_or(own, |p| p.saturating_add(1).saturating_add(own));
        lens[n as usize] = l;
        len = Some(l);
    }
    len.unwrap_or(0)
}

/// Everything ctxlens says about one context.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The context as sent.
    pub context: ContextReport,
    /// What the rules (and the Dockerfile restriction, when applied) leave out.
    pub excluded: ExcludedReport,
    /// The ignore file and each rule's effect.
    pub ignore: IgnoreReport,
    /// The Dockerfile's effect, when there is a Dockerfile.
    pub transfer: TransferReport,
    /// Wire cost estimates for cold and repeat builds.
    pub wire: WireReport,
    /// The error that makes Docker fail the build, if any.
    pub error: Option<String>,
}

/// Context bytes when the input is not exact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Bounds {
    /// Listed sizes at their lower bound, unlisted directory contents counted as sent.
    pub estimate: u64,
    /// The least the context can be.
    pub min: u64,
    /// The most the context can be.
    pub max: u64,
    /// Lines of rules whose effect the input cannot show.
    pub undecided_rules: Vec<usize>,
}

/// The bounds the input allows for transfer `t`: rounded sizes of sent
/// files give intervals, and bytes a listing attributes to a directory
/// without naming its files (`du` without `-a`) count fully, partly or not
/// at all depending on whether some rule could reach below it.
pub fn bounds(tree: &ContextTree, rules: Option<&RuleSet>, t: &Transfer) -> Bounds {
    let (mut lo, mut hi) = (0u64, 0u64);
    let mut estimate = t.totals.file_bytes;
    for e in &t.entries {
        if matches!(e.kind, crate::eval::SentKind::File) {
            let (a, b) = tree.size_bounds(e.node);
            // Rounded sizes near u64::MAX (`16E` in `du -h`) must not wrap.
            lo = lo.saturating_add(a);
            hi = hi.saturating_add(b);
        }
    }
    let mut undecided = std::collections::BTreeSet::new();
    let mut visit = |id: NodeId| {
        let (ulo, uhi) = tree.unlisted(id);
        if uhi == 0 {
            return;
        }
        let path = tree.path(id);
        // The context root is always entered, though the walk never reports it.
        let state = if id == ROOT { NodeState::Sent } else { t.verdict(id).state };
        let (in_lo, in_hi, deciders) = match state {
            NodeState::Pruned | NodeState::NotVisited | NodeState::NotFollowed | NodeState::Error => (0, 0, vec![]),
            NodeState::Excluded => {
                let rescuers = rules.map(|r| r.rules_reaching_below(&path, true)).unwrap_or_default();
                if rescuers.is_empty() { (0, 0, vec![]) } else { (0, uhi, rescuers) }
            }
            _ => {
                let cutters = rules.map(|r| r.rules_reaching_below(&path, false)).unwrap_or_default();
                if cutters.is_empty() { (ulo, uhi, vec![]) } else { (0, uhi, cutters) }
            }
        };
        lo = lo.saturating_add(in_lo);
        hi = hi.saturating_add(in_hi);
        if matches!(state, NodeState::Sent | NodeState::SentForDescendant | NodeState::Empty) {
            estimate = estimate.saturating_add(ulo);
        }
        if let Some(r) = rules {
            undecided.extend(deciders.into_iter().map(|i| r.rules()[i].line));
        }
    };
    visit(ROOT);
    for id in tree.walk() {
        if tree.kind(id) == EntryKind::Dir {
            visit(id);
        }
    }
    Bounds { estimate, min: lo, max: hi, undecided_rules: undecided.into_iter().collect() }
}

/// Widens `context` to the bounds the input allows.
fn apply_bounds(tree: &ContextTree, rules: Option<&RuleSet>, t: &Transfer, context: &mut ContextReport) {
    let b = bounds(tree, rules, t);
    context.bytes = b.estimate;
    context.bytes_min = b.min;
    context.bytes_max = b.max;
    context.undecided_rules = b.undecided_rules;
}

/// Bytes and files of a whole tree (unique file data; hard links once).
pub fn tree_totals(tree: &ContextTree) -> (u64, u64) {
    let mut seen = std::collections::HashSet::new();
    let (mut bytes, mut files) = (0, 0);
    for id in tree.walk() {
        if tree.kind(id) == EntryKind::File {
            let g = tree.link_group(id);
            if g == 0 || seen.insert(g) {
                bytes = u64::saturating_add(bytes, tree.size(id));
                files += 1;
            }
        }
    }
    (bytes, files)
}

/// The rule that decided each node's exclusion (indexed by node): its own
/// verdict's, or for nodes inside a pruned directory, the pruned ancestor's.
/// `None` for nodes that are sent.
pub fn deciding_rules(tree: &ContextTree, t: &Transfer) -> Vec<Option<u32>> {
    deciding_rules_in(tree, tree.walk(), t)
}

/// [`deciding_rules`] over a parents-first order of every node the caller
/// already holds (a front end that keeps one saves a walk of the tree).
pub fn deciding_rules_in(
    tree: &ContextTree,
    order: impl IntoIterator<Item = NodeId>,
    t: &Transfer,
) -> Vec<Option<u32>> {
    let mut out = vec![None; tree.len()];
    for id in order {
        let v = t.verdict(id);
        out[id as usize] = match v.state {
            NodeState::NotVisited => out[tree.parent(id) as usize],
            NodeState::Excluded | NodeState::Pruned => v.rule,
            _ => None,
        };
    }
    out
}

/// Evaluates `tree` and builds the report, returning the transfer it is
/// based on too. `rules` is `None` for no ignore file; `transfer_info` is
/// `None` without a Dockerfile.
pub fn build_report(
    tree: &ContextTree,
    rules: Option<&RuleSet>,
    source: IgnoreSource,
    file: Option<String>,
    transfer_info: Option<TransferReport>,
) -> (Report, Transfer) {
    let transfer_info = transfer_info.unwrap_or(TransferReport { context_used: true, ..TransferReport::default() });
    let follow: Option<Vec<String>> =
        Some(&transfer_info).filter(|t| t.applied && t.context_used).and_then(|t| t.follow_paths.clone());
    let unused = transfer_info.applied && !transfer_info.context_used;
    let run = |set: Option<&RuleSet>| -> Transfer {
        if unused {
            let empty = ContextTree::new();
            return transfer(&empty, &TransferOptions::default());
        }
        transfer(tree, &TransferOptions { rules: set, follow_paths: follow.as_deref() })
    };
    let mut roots = Vec::new();
    let main = match rules {
        Some(set) if !unused => walk(
            tree,
            &TransferOptions { rules: Some(set), follow_paths: follow.as_deref() },
            Scope::All,
            Some(&mut roots),
        ),
        _ => run(rules),
    };
    let (mut all_bytes, all_files) = tree_totals(tree);
    if tree.has_uncertainty() {
        all_bytes =
            std::iter::once(ROOT).chain(tree.walk()).fold(all_bytes, |b, id| b.saturating_add(tree.unlisted(id).0));
    }
    let mut context = ContextReport::from(main.totals);
    if tree.has_uncertainty() && !unused {
        apply_bounds(tree, rules, &main, &mut context);
    }
    let excluded = ExcludedReport {
        bytes: all_bytes.saturating_sub(context.bytes),
        files: all_files.saturating_sub(context.files),
    };
    let mut rule_reports = Vec::new();
    let mut not_computed = Vec::new();
    if let Some(set) = rules {
        let decided = deciding_rules(tree, &main);
        let mut per_rule = vec![(0u64, 0u64); set.rules().len()];
        let mut seen = std::collections::HashSet::new();
        for id in tree.walk() {
            if tree.kind(id) != EntryKind::File || main.is_sent(id) {
                continue;
            }
            let g = tree.link_group(id);
            if g != 0 && !seen.insert(g) {
                continue;
            }
            if let Some(r) = decided[id as usize] {
                per_rule[r as usize].0 += 1;
                per_rule[r as usize].1 = per_rule[r as usize].1.saturating_add(tree.size(id));
            }
        }
        let opts = TransferOptions { rules: None, follow_paths: follow.as_deref() };
        let naive = |s: &RuleSet| -> (i64, i64) {
            let t = run(Some(s));
            // Compare like with like: the same estimate as `context.bytes`.
            let mut without = ContextReport::from(t.totals);
            if tree.has_uncertainty() && !unused {
                apply_bounds(tree, Some(s), &t, &mut without);
            }
            (delta(without.bytes, context.bytes), delta(t.totals.files, context.files))
        };
        let savings = if unused {
            // Nothing is sent, with or without any rule.
            vec![Some((0, 0)); set.rules().len()]
        } else {
            rule_savings(tree, set, &opts, &main, &roots, naive, None)
        };
        for (i, rule) in set.rules().iter().enumerate() {
            let (saving_bytes, saving_files) = savings[i].unwrap_or_else(|| {
                not_computed.push(rule.line);
                (0, 0)
            });
            rule_reports.push(RuleReport {
                line: rule.line,
                text: rule.text.clone(),
                pattern: rule.pattern.clone(),
                exception: rule.exception,
                excluded_files: per_rule[i].0,
                excluded_bytes: per_rule[i].1,
                saving_bytes,
                saving_files,
            });
        }
    }
    let report = Report {
        context,
        excluded,
        ignore: IgnoreReport { source, file, rules: rule_reports, savings_not_computed: not_computed },
        transfer: transfer_info,
        wire: wire(tree, &main),
        error: main.error.as_ref().map(|e| e.to_string()),
    };
    (report, main)
}

/// Work the per-rule savings of one report may take beyond the main walk,
/// in node evaluations times rules: this many, or 20 main walks if more.
/// Past it, further savings that need a walk are left out (and listed in
/// [`IgnoreReport::savings_not_computed`]) rather than hanging the summary.
pub const SAVINGS_BUDGET: u64 = 200_000_000;

/// Each rule's saving (only rule `only`'s, if given: the others stay `(0, 0)`), `None`
/// where the budget ran out. `naive` evaluates a
/// set in full (the definition); everything else is an exact shortcut:
///
/// * A rule that hit no node in the main walk changes no verdict there, so
///   without it the walk decides every node it visited alike. Only pruning
///   can differ, and only by dropping an exception: the walk then skips more
///   excluded directories, which changes nothing unless something inside an
///   excluded directory was sent.
/// * A rule that hit nodes changes verdicts only there and below (hits are
///   inherited), so only those subtrees are walked again, and each one's
///   sent files are swapped for the main walk's. Hard links (which name is
///   sent first depends on the whole walk), inexact sizes (the estimate
///   depends on directory states) and a change in pruning fall back to the
///   full walk.
fn rule_savings(
    tree: &ContextTree,
    set: &RuleSet,
    opts: &TransferOptions<'_>,
    main: &Transfer,
    roots: &[(NodeId, u32)],
    naive: impl Fn(&RuleSet) -> (i64, i64),
    only: Option<usize>,
) -> Vec<Option<(i64, i64)>> {
    let n = set.rules().len();
    let compiled = set.compiled_len();
    let mut out = vec![Some((0, 0)); n];
    let per_walk = (tree.len() as u64).saturating_mul(compiled as u64).max(1);
    // One rule asked for by name is always computed.
    let mut budget = if only.is_some() { u64::MAX } else { SAVINGS_BUDGET.max(per_walk.saturating_mul(20)) };
    let skip = |i: usize| only.is_some_and(|o| o != i);
    let mut spend = |cost: u64| -> bool {
        let ok = budget >= cost;
        budget = budget.saturating_sub(cost);
        ok
    };
    if main.error.is_some() {
        // The walk stops at the error: every saving is a walk of its own.
        for (i, slot) in out.iter_mut().enumerate() {
            if !skip(i) {
                *slot = spend(per_walk).then(|| naive(&set.without(i)));
            }
        }
        return out;
    }
    let kept = set.pruning_kept_without();
    let sent_in_excluded = (1..tree.len() as NodeId).any(|id| main.verdict(id).state == NodeState::SentForDescendant);
    let exact_tree = !tree.has_uncertainty() && (1..tree.len() as NodeId).all(|id| tree.link_group(id) == 0);
    let mut by_rule: Vec<Vec<NodeId>> = vec![Vec::new(); compiled];
    for &(id, c) in roots {
        by_rule[c as usize].push(id);
    }
    // What the main walk sends below each node (files, bytes).
    let mut below: Vec<(u64, u64, u64)> = Vec::new();
    let mut marks: Vec<u32> = Vec::new();
    for (c, hit) in by_rule.iter().enumerate() {
        let i = set.rule_of(c);
        if skip(i) {
            continue;
        }
        let without = || set.without(i);
        if hit.is_empty() {
            if kept[c] || !sent_in_excluded {
                continue;
            }
            out[i] = spend(per_walk).then(|| naive(&without()));
            continue;
        }
        if !kept[c] || !exact_tree {
            out[i] = spend(per_walk).then(|| naive(&without()));
            continue;
        }
        if below.is_empty() {
            below = sent_below(tree, main);
            marks = vec![0; tree.len()];
        }
        let (path, root) = (2 * c as u32 + 1, 2 * c as u32 + 2);
        let mut cost = 0u64;
        for &r in hit {
            marks[r as usize] = root;
            cost += below[r as usize].2;
            let mut cur = r;
            while cur != ROOT {
                cur = tree.parent(cur);
                if marks[cur as usize] == path {
                    break;
                }
                marks[cur as usize] = path;
                cost += 1;
            }
        }
        if !spend(cost.saturating_mul(compiled as u64)) {
            out[i] = None;
            continue;
        }
        let s = without();
        let t = walk(
            tree,
            &TransferOptions { rules: Some(&s), ..*opts },
            Scope::Marked { marks: &marks, path, root },
            None,
        );
        if t.error.is_some() {
            out[i] = spend(per_walk).then(|| naive(&s));
            continue;
        }
        let (files, bytes) = hit.iter().fold((0u64, 0u64), |(f, b), &r| {
            (f.saturating_add(below[r as usize].0), b.saturating_add(below[r as usize].1))
        });
        out[i] = Some((delta(t.totals.file_bytes, bytes), delta(t.totals.files, files)));
    }
    out
}

/// `a - b` as a signed saving, clamped: listings can claim sizes near
/// `u64::MAX`, which no `i64` holds.
fn delta(a: u64, b: u64) -> i64 {
    (i128::from(a) - i128::from(b)).clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// One rule's saving on demand, as [`build_report`] computes every rule's:
/// for a front end that shows savings lazily (a rule at a time) instead of
/// evaluating the set without the rule in full.
///
/// [`RuleSavings::new`] runs the main walk once, recording where each rule
/// first hits; [`RuleSavings::saving`] then walks again only the subtrees
/// the rule hit (nothing for a rule that hit nothing), falling back to a
/// full evaluation only where that shortcut is not exact (hard links,
/// inexact sizes, a change in pruning, a pattern error).
pub struct RuleSavings<'t> {
    tree: &'t ContextTree,
    set: &'t RuleSet,
    follow: Option<Vec<String>>,
    main: Transfer,
    roots: Vec<(NodeId, u32)>,
    context: ContextReport,
}

impl<'t> RuleSavings<'t> {
    /// Evaluates `set` on `tree` (restricted to `follow_paths`, as
    /// [`TransferOptions::follow_paths`]) once.
    pub fn new(tree: &'t ContextTree, set: &'t RuleSet, follow_paths: Option<&[String]>) -> RuleSavings<'t> {
        let follow = follow_paths.map(<[String]>::to_vec);
        let mut roots = Vec::new();
        let opts = TransferOptions { rules: Some(set), follow_paths: follow.as_deref() };
        let main = walk(tree, &opts, Scope::All, Some(&mut roots));
        let mut context = ContextReport::from(main.totals);
        if tree.has_uncertainty() {
            apply_bounds(tree, Some(set), &main, &mut context);
        }
        RuleSavings { tree, set, follow, main, roots, context }
    }

    /// The transfer with all the rules (the one [`transfer`] gives).
    pub fn transfer(&self) -> &Transfer {
        &self.main
    }

    /// Rule `i`'s saving (index into [`RuleSet::rules`]): context bytes and
    /// files without the rule minus with it, bytes as [`ContextReport::bytes`]
    /// counts them. `None` for an index out of range.
    pub fn saving(&self, i: usize) -> Option<(i64, i64)> {
        if i >= self.set.rules().len() {
            return None;
        }
        let (tree, context) = (self.tree, &self.context);
        let opts = TransferOptions { rules: None, follow_paths: self.follow.as_deref() };
        let naive = |s: &RuleSet| -> (i64, i64) {
            let t = transfer(tree, &TransferOptions { rules: Some(s), ..opts });
            let mut without = ContextReport::from(t.totals);
            if tree.has_uncertainty() {
                apply_bounds(tree, Some(s), &t, &mut without);
            }
            (delta(without.bytes, context.bytes), delta(t.totals.files, context.files))
        };
        rule_savings(tree, self.set, &opts, &self.main, &self.roots, naive, Some(i))[i]
    }
}

/// Files and bytes the transfer sends with data in each node's subtree, and
/// the subtree's size.
fn sent_below(tree: &ContextTree, t: &Transfer) -> Vec<(u64, u64, u64)> {
    let mut below = vec![(0u64, 0u64, 1u64); tree.len()];
    for e in &t.entries {
        if matches!(e.kind, crate::eval::SentKind::File) {
            below[e.node as usize] = (1, tree.size(e.node), 1);
        }
    }
    let order: Vec<NodeId> = tree.walk().collect();
    for &id in order.iter().rev() {
        let p = tree.parent(id) as usize;
        let (f, b, n) = below[id as usize];
        below[p].0 += f;
        below[p].1 = below[p].1.saturating_add(b);
        below[p].2 += n;
    }
    below
}

/// Total file bytes below each directory that the transfer sends, and the
/// node ids of the largest sent files: for "biggest contributors" views.
pub fn sent_sizes(tree: &ContextTree, t: &Transfer) -> Vec<u64> {
    let mut sizes = vec![0u64; tree.len()];
    for e in &t.entries {
        if matches!(e.kind, crate::eval::SentKind::File) {
            let mut cur: NodeId = e.node;
            let s = tree.size(e.node);
            loop {
                sizes[cur as usize] = sizes[cur as usize].saturating_add(s);
                if cur == ROOT {
                    break;
                }
                cur = tree.parent(cur);
            }
        }
    }
    sizes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::Entry;

    /// The memoised path lengths give what building every path gives.
    #[test]
    fn wire_metadata_counts_every_sent_path() {
        let mut tree = ContextTree::new();
        for p in ["a/b/c.txt", "a/b/d/e.log", "a/f", "g.log", "h/i/j/k"] {
            tree.insert(p.as_bytes(), Entry::file(40_000)).unwrap();
        }
        tree.insert(b"a/link", Entry::symlink("../g.log")).unwrap();
        tree.finish();
        let rules = RuleSet::parse(b"a/b\n!a/b/d/e.log\nh/i\n").unwrap();
        let t = transfer(&tree, &TransferOptions { rules: Some(&rules), follow_paths: None });
        let meta: u64 = t
            .entries
            .iter()
            .map(|e| {
                STAT_OVERHEAD + tree.path(e.node).len() as u64 + tree.link_target(e.node).map_or(0, |l| l.len() as u64)
            })
            .sum();
        let w = wire(&tree, &t);
        assert_eq!(w.warm_bytes_estimate, meta);
        assert!(t.entries.iter().any(|e| tree.path(e.node) == b"a/b/d/e.log"), "an exception below an excluded dir");
        assert_eq!(w.cold_bytes_estimate - meta, t.totals.files * (40_000 + 3 * DATA_OVERHEAD));
    }
}
