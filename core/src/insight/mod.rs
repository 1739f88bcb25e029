//! Insight: lints that catch real `.dockerignore` mistakes and suggestions
//! whose savings are computed by running the engine on the edited rules.
//!
//! Everything here is measured, never estimated. A lint states what Docker
//! does with a line (see `SEMANTICS.md`) and which paths and bytes of *this*
//! input it affects; a suggestion carries a concrete edit and the bytes and
//! files it saves, obtained by evaluating the edited rule set with
//! [`crate::eval::transfer`] under the same options as the transfer it is
//! compared with. Candidates are ranked and capped so that a large context
//! costs a bounded number of evaluations ([`MAX_EVALUATIONS`]).
//!
//! Entry points: [`lints`], [`suggestions`] (or [`insight`] for both) on an
//! [`Input`], and [`file_lints`] for an ignore file that Docker rejects as a
//! whole (no [`RuleSet`] exists then).
//!
//! The lints are about BuildKit (the walk [`crate::eval::transfer`]
//! models); where the classic builder differs, the message says so.

mod catalog;
mod dockerfile;
mod rules;
mod suggest;
mod text;

use std::cell::{Cell, OnceCell};
use std::collections::HashSet;

use serde::Serialize;

use crate::dockerfile::{Analysis, Dockerfile};
use crate::eval::{NodeState, SentKind, Transfer, TransferOptions, transfer};
use crate::ignore::{IgnoreFile, RuleSet};
use crate::tree::{ContextTree, EntryKind, NodeId};

pub use catalog::{JunkKind, is_junk_name};
pub use text::file_lints;

/// Upper bound on rule-set evaluations one [`insight`] call runs (each walks
/// the tree once). Candidates are ranked first, so the cap drops the least
/// promising ones.
pub const MAX_EVALUATIONS: usize = 160;

/// Evaluations a large tree gets: the budget shrinks so that one call walks
/// about this many nodes in all (never below [`MIN_EVALUATIONS`]).
pub const NODE_WALK_BUDGET: usize = 24_000_000;

/// The fewest evaluations a call may spend, whatever the tree's size (a
/// rule set of more than [`RULES_PER_EVALUATION`] rules gets fewer).
pub const MIN_EVALUATIONS: usize = 24;

/// Rules an evaluation is priced at: a walk matches every node against every
/// rule, so a set with k times as many rules gets k times fewer evaluations
/// (at least one), which keeps a generated 10,000-line file from spending
/// minutes on suggestions.
pub const RULES_PER_EVALUATION: usize = 64;

/// How many example paths a lint or suggestion carries.
pub const MAX_SAMPLE_PATHS: usize = 10;

/// How serious a lint is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing is wrong as such.
    Info,
    /// Very likely not what the author meant, or costly.
    Warning,
    /// The build fails, or reads nothing where it needs files.
    Error,
}

/// What an edit does to the ignore file (or, for the last kinds, to the build).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Append the rule text (one or more lines) at the end of the file.
    Add,
    /// Replace the rule on `line` with the text (one or more lines).
    Replace,
    /// Delete the rule on `line`.
    Remove,
    /// Move the rule on `line` to just below the rule on `after`.
    MoveAfter,
    /// Replace the whole ignore file with the text.
    ReplaceFile,
    /// Change the Dockerfile instruction on `dockerfile_line` to the text.
    Dockerfile,
    /// Change how the build is invoked (context directory, builder).
    Build,
}

/// A concrete change, as a one-click edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    /// What to do.
    pub action: Action,
    /// The ignore-file line it applies to (`replace`, `remove`, `move_after`).
    pub line: Option<usize>,
    /// The new text: rule line(s), a whole file, or a Dockerfile instruction.
    pub text: String,
    /// For `move_after`: the line to move below.
    pub after: Option<usize>,
}

/// One finding about the ignore file in this input.
#[derive(Debug, Clone, Serialize)]
pub struct Lint {
    /// The rule's 1-based line in the ignore file, when the lint is about a rule.
    pub line: Option<usize>,
    /// Stable machine-readable code; [`CODES`] lists them all with their meaning.
    pub code: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// One or two sentences: what Docker does, and what it means here.
    pub message: String,
    /// A bounded sample of the affected paths (directories end in `/`).
    pub paths: Vec<String>,
    /// How many paths are affected in all (the sample holds at most [`MAX_SAMPLE_PATHS`]).
    pub path_count: u64,
    /// Bytes of file data affected (what is sent, or lost, because of it).
    pub bytes: u64,
    /// The rule as written, when the lint is about a rule.
    pub rule: Option<String>,
    /// The Dockerfile line involved (COPY/ADD/RUN --mount), if any.
    pub dockerfile_line: Option<usize>,
    /// A fix, when one is clear; its effect is in the matching [`Suggestion`].
    pub fix: Option<Edit>,
}

/// All lint codes with a one-line meaning.
pub const CODES: &[(&str, &str)] = &[
    ("root_only", "a pattern without `/` only matches at the context root, but deeper matches are sent"),
    ("dead_rule", "the rule matches nothing in this input (or, for `!`, re-includes nothing)"),
    ("shadowed_rule", "the rule matches paths, but other lines decide all of them: removing it changes nothing"),
    ("exception_pruned", "an exception cannot re-include paths because BuildKit never enters their excluded directory"),
    ("exception_before_rule", "an exception comes before the rule it should undo, which excludes the paths again"),
    ("exception_unreachable", "the walk never consults the exception for these paths (their parent was not excluded)"),
    ("reexclude_ignored", "a repeated rule does not exclude again what an earlier exception re-included below it"),
    ("brace_expansion", "`{a,b}` is not expanded by Docker"),
    ("regexp_syntax", "`|` or `{n}` in a wildcard pattern are Go regexp syntax in Docker"),
    ("bang_class", "`[!x]` is not a negated class in Docker (it matches `!` or `x`)"),
    ("inline_comment", "`#` is a comment only in column 0: this line is a pattern"),
    ("escaped_space", "a trailing `\\ ` is trimmed to `\\`: Docker rejects the file"),
    ("outside_context", "`../` patterns can never match: paths are relative to the context root"),
    ("absolute_path", "a leading `/` is the context root, not the filesystem root"),
    ("backslash_separator", "`\\` is a regexp escape in Docker patterns, not a path separator"),
    ("never_matches", "the pattern can never match any path"),
    ("lazy_error", "Docker accepts the pattern but fails the build when it is first consulted"),
    ("copy_source_excluded", "the rules exclude everything a COPY/ADD/bind source of the Dockerfile needs"),
    ("copy_source_partial", "the rules exclude part of a COPY/ADD/bind source of the Dockerfile"),
    ("secret", "credentials or keys are sent with the context"),
    ("bad_pattern", "Docker rejects the whole ignore file because of this line"),
];

/// One proposed change with its measured effect.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    /// The rule text to add or put in place (one or more lines; a whole file
    /// for `replace_file`; a Dockerfile instruction for `dockerfile`).
    pub rule: String,
    /// Context bytes saved on a cold build (negative: more is sent), from
    /// evaluating the edited rules; `None` when the lever is not the context
    /// (cache mounts).
    pub saving_bytes: Option<i64>,
    /// Context files saved, likewise.
    pub saving_files: Option<i64>,
    /// Why, in one or two sentences, with the numbers.
    pub reason: String,
    /// `root_only_fix`, `junk`, `biggest`, `secret`, `exception_fix`,
    /// `habit_fix`, `bundle`, `allow_list`, `follow_paths`,
    /// `narrower_context`, `cache_mount`.
    pub kind: &'static str,
    /// The edit.
    pub edit: Edit,
    /// The context after the edit: file bytes a cold transfer sends.
    pub projected_bytes: Option<u64>,
    /// A bounded sample of what stops (or starts) being sent.
    pub paths: Vec<String>,
    /// The Dockerfile line involved, if any.
    pub dockerfile_line: Option<usize>,
}

/// Both lists.
#[derive(Debug, Clone, Serialize)]
pub struct Insight {
    /// The lints, most serious first, then by line.
    pub lints: Vec<Lint>,
    /// The suggestions, biggest saving first (bundle and allow-list included).
    pub suggestions: Vec<Suggestion>,
    /// Rule-set evaluations (tree walks) spent: at most [`MAX_EVALUATIONS`],
    /// fewer on large trees (see [`NODE_WALK_BUDGET`]) and large rule sets
    /// (see [`RULES_PER_EVALUATION`]).
    pub evaluations: usize,
}

/// What the insight is computed from.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The context.
    pub tree: &'a ContextTree,
    /// The ignore rules in effect, if any.
    pub rules: Option<&'a RuleSet>,
    /// The transfer the report shows, evaluated with `rules` and `follow_paths`.
    pub transfer: &'a Transfer,
    /// The FollowPaths applied to `transfer` (`--copy-only`), if any. Edited
    /// rule sets are evaluated with the same paths so savings compare like
    /// with like.
    pub follow_paths: Option<&'a [String]>,
    /// What the Dockerfile reads ([`crate::dockerfile::analyze`]).
    pub dockerfile: Option<&'a Analysis>,
    /// The parsed Dockerfile ([`crate::dockerfile::parse`]), for its `RUN` instructions.
    pub dockerfile_parsed: Option<&'a Dockerfile>,
}

impl<'a> Input<'a> {
    /// An input without a Dockerfile.
    pub fn new(tree: &'a ContextTree, rules: Option<&'a RuleSet>, transfer: &'a Transfer) -> Input<'a> {
        Input { tree, rules, transfer, follow_paths: None, dockerfile: None, dockerfile_parsed: None }
    }

    /// The same input with the Dockerfile's analysis (and its parse, if available).
    pub fn with_dockerfile(mut self, analysis: &'a Analysis, parsed: Option<&'a Dockerfile>) -> Input<'a> {
        self.dockerfile = Some(analysis);
        self.dockerfile_parsed = parsed;
        self
    }

    /// The same input, stating that `transfer` applied these FollowPaths.
    pub fn with_follow_paths(mut self, follow_paths: Option<&'a [String]>) -> Input<'a> {
        self.follow_paths = follow_paths;
        self
    }
}

/// Lints and suggestions in one go (they share evaluations).
pub fn insight(input: &Input<'_>) -> Insight {
    let ctx = Ctx::new(input);
    let (lints, fixes) = rules::lints_and_fixes(&ctx);
    let suggestions = suggest::build(&ctx, &lints, fixes);
    Insight { lints, suggestions, evaluations: ctx.evaluations.get() }
}

/// The lints for this input, most serious first.
pub fn lints(input: &Input<'_>) -> Vec<Lint> {
    let ctx = Ctx::new(input);
    rules::lints(&ctx)
}

/// The suggestions for this input, biggest saving first.
pub fn suggestions(input: &Input<'_>) -> Vec<Suggestion> {
    insight(input).suggestions
}

/// Whether a pattern (as `ReadAll` returns it) is one that `.gitignore`
/// would apply at any depth but Docker applies only at the context root: no
/// `/`, no leading `**`, not an exception. The `root_only` lint and
/// `explain`'s hint rest on this test.
pub fn root_only_candidate(pattern: &[u8]) -> bool {
    !pattern.is_empty() && !pattern.starts_with(b"!") && !pattern.contains(&b'/') && !pattern.starts_with(b"**")
}

/// Shared state: the input plus per-node sizes and an evaluation budget.
pub(crate) struct Ctx<'a> {
    pub(crate) tree: &'a ContextTree,
    pub(crate) rules: Option<&'a RuleSet>,
    pub(crate) base: &'a Transfer,
    pub(crate) follow: Option<&'a [String]>,
    pub(crate) dockerfile: Option<&'a Analysis>,
    pub(crate) parsed: Option<&'a Dockerfile>,
    /// Per node: (file bytes, files) sent below it (the node included).
    pub(crate) sent: Vec<(u64, u64)>,
    /// Per node: (file bytes, files) below it, sent or not (hard links once).
    pub(crate) all: Vec<(u64, u64)>,
    /// Per node: the rule that decided it (its own, or a pruned ancestor's).
    pub(crate) decided: Vec<Option<u32>>,
    /// All nodes in walk order (parents before children).
    pub(crate) order: Vec<NodeId>,
    /// Files the Dockerfile's named sources read (computed once).
    pub(crate) needed: OnceCell<Option<HashSet<NodeId>>>,
    /// The Dockerfile's named sources and what each reads (computed once).
    pub(crate) sources: OnceCell<Vec<dockerfile::SourceNeed>>,
    evaluations: Cell<usize>,
    /// Evaluations this call may spend.
    pub(crate) budget: usize,
}

/// A measured edit: the transfer it gives and the saving against the base.
pub(crate) struct Measured {
    pub(crate) transfer: Transfer,
    pub(crate) saving_bytes: i64,
    pub(crate) saving_files: i64,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(input: &Input<'a>) -> Ctx<'a> {
        let tree = input.tree;
        let n = tree.len();
        let mut sent = vec![(0u64, 0u64); n];
        for e in &input.transfer.entries {
            if matches!(e.kind, SentKind::File) {
                sent[e.node as usize] = (tree.size(e.node), 1);
            }
        }
        let mut all = vec![(0u64, 0u64); n];
        let mut seen = std::collections::HashSet::new();
        let order: Vec<NodeId> = tree.walk().collect();
        for &id in &order {
            if tree.kind(id) == EntryKind::File {
                let g = tree.link_group(id);
                if g == 0 || seen.insert(g) {
                    all[id as usize] = (tree.size(id), 1);
                }
            }
        }
        for &id in order.iter().rev() {
            let p = tree.parent(id) as usize;
            let (s, a) = (sent[id as usize], all[id as usize]);
            sent[p].0 += s.0;
            sent[p].1 += s.1;
            all[p].0 += a.0;
            all[p].1 += a.1;
        }
        let mut decided = vec![None; n];
        for &id in &order {
            let v = input.transfer.verdict(id);
            decided[id as usize] = match v.state {
                NodeState::NotVisited => decided[tree.parent(id) as usize],
                NodeState::Excluded | NodeState::Pruned => v.rule,
                NodeState::Sent | NodeState::Empty | NodeState::SentForDescendant => v.rule,
                _ => None,
            };
        }
        Ctx {
            tree,
            rules: input.rules,
            base: input.transfer,
            follow: input.follow_paths,
            dockerfile: input.dockerfile,
            parsed: input.dockerfile_parsed,
            sent,
            all,
            decided,
            order,
            needed: OnceCell::new(),
            sources: OnceCell::new(),
            evaluations: Cell::new(0),
            budget: {
                let by_tree = (NODE_WALK_BUDGET / n.max(1)).clamp(MIN_EVALUATIONS, MAX_EVALUATIONS);
                let rules = input.rules.map_or(0, |r| r.rules().len()).max(RULES_PER_EVALUATION);
                (by_tree * RULES_PER_EVALUATION / rules).max(1)
            },
        }
    }

    /// The current patterns, as `ReadAll` returned them.
    pub(crate) fn patterns(&self) -> Vec<Vec<u8>> {
        self.rules.map(|r| r.rules().iter().map(|r| r.pattern_bytes().to_vec()).collect()).unwrap_or_default()
    }

    /// Evaluations spent so far.
    pub(crate) fn spent(&self) -> usize {
        self.evaluations.get()
    }

    /// Whether another evaluation fits in the budget (and counts it).
    pub(crate) fn take_budget(&self) -> bool {
        let n = self.evaluations.get();
        if n >= self.budget {
            return false;
        }
        self.evaluations.set(n + 1);
        true
    }

    /// Evaluates `patterns` (each as `ReadAll` returns it) with the base
    /// transfer's FollowPaths. `None` when Docker would reject the set or the
    /// budget is spent.
    pub(crate) fn evaluate(&self, patterns: &[Vec<u8>]) -> Option<Measured> {
        self.evaluate_with(patterns, self.follow)
    }

    /// Like [`Ctx::evaluate`] with other FollowPaths.
    pub(crate) fn evaluate_with(&self, patterns: &[Vec<u8>], follow: Option<&[String]>) -> Option<Measured> {
        let set = RuleSet::from_patterns(patterns).ok()?;
        if !self.take_budget() {
            return None;
        }
        let t = transfer(self.tree, &TransferOptions { rules: Some(&set), follow_paths: follow });
        if t.error.is_some() {
            return None;
        }
        Some(Measured {
            saving_bytes: self.base.totals.file_bytes as i64 - t.totals.file_bytes as i64,
            saving_files: self.base.totals.files as i64 - t.totals.files as i64,
            transfer: t,
        })
    }

    /// The patterns after applying `edits` in turn to the current rules
    /// (lines refer to the current file); `None` if an edit does not apply
    /// to the ignore file or names a missing line.
    pub(crate) fn apply(&self, edits: &[&Edit]) -> Option<Vec<Vec<u8>>> {
        let mut cur: Vec<(Option<usize>, Vec<u8>)> = self
            .rules
            .map(|r| r.rules().iter().map(|r| (Some(r.line), r.pattern_bytes().to_vec())).collect())
            .unwrap_or_default();
        for e in edits {
            let at = |cur: &Vec<(Option<usize>, Vec<u8>)>, l: Option<usize>| {
                l.and_then(|l| cur.iter().position(|(x, _)| *x == Some(l)))
            };
            match e.action {
                Action::Add => cur.extend(parse_patterns(&e.text)?.into_iter().map(|p| (None, p))),
                Action::Replace => {
                    let i = at(&cur, e.line)?;
                    let new = parse_patterns(&e.text)?;
                    cur.splice(i..=i, new.into_iter().map(|p| (None, p)));
                }
                Action::Remove => {
                    let i = at(&cur, e.line)?;
                    cur.remove(i);
                }
                Action::MoveAfter => {
                    let i = at(&cur, e.line)?;
                    let item = cur.remove(i);
                    let j = at(&cur, e.after)?;
                    cur.insert(j + 1, item);
                }
                Action::ReplaceFile => cur = parse_patterns(&e.text)?.into_iter().map(|p| (None, p)).collect(),
                Action::Dockerfile | Action::Build => return None,
            }
        }
        Some(cur.into_iter().map(|(_, p)| p).collect())
    }

    /// Evaluates the rules after `edits`.
    pub(crate) fn measure(&self, edits: &[&Edit]) -> Option<Measured> {
        self.evaluate(&self.apply(edits)?)
    }

    /// The text of rule `i` as written, trimmed.
    pub(crate) fn rule_text(&self, i: usize) -> String {
        self.rules.map(|r| r.rules()[i].text.trim().to_string()).unwrap_or_default()
    }

    /// `line N (`text`)`.
    pub(crate) fn rule_ref(&self, i: usize) -> String {
        match self.rules {
            Some(r) => format!("line {} (`{}`)", r.rules()[i].line, r.rules()[i].text.trim()),
            None => String::new(),
        }
    }

    pub(crate) fn line(&self, i: usize) -> usize {
        self.rules.map(|r| r.rules()[i].line).unwrap_or(0)
    }

    /// The displayed path of a node (directories end in `/`).
    pub(crate) fn show(&self, id: NodeId) -> String {
        let mut s = String::from_utf8_lossy(&self.tree.path(id)).into_owned();
        if self.tree.kind(id) == EntryKind::Dir {
            s.push('/');
        }
        s
    }

    /// The biggest paths the base sends and `after` does not (`removed`),
    /// or the other way round: top-most whole directories, else files.
    pub(crate) fn moved_sample(&self, after: &Transfer, removed: bool) -> Vec<String> {
        let tree = self.tree;
        let n = tree.len();
        // Sent files per subtree after the edit.
        let mut after_sent = vec![(0u64, 0u64); n];
        for e in &after.entries {
            if matches!(e.kind, SentKind::File) {
                after_sent[e.node as usize] = (tree.size(e.node), 1);
            }
        }
        for &id in self.order.iter().rev() {
            let p = tree.parent(id) as usize;
            let a = after_sent[id as usize];
            after_sent[p].0 += a.0;
            after_sent[p].1 += a.1;
        }
        let (from, to) = if removed { (&self.sent, &after_sent) } else { (&after_sent, &self.sent) };
        // Descend where something moves; a subtree that loses (gains) all
        // it had (has) is shown as one path.
        let mut found: Vec<(u64, NodeId)> = Vec::new();
        let mut stack: Vec<NodeId> = tree.children(crate::tree::ROOT).to_vec();
        while let Some(id) = stack.pop() {
            let (f, t) = (from[id as usize], to[id as usize]);
            if f.1 <= t.1 && f.0 <= t.0 {
                continue;
            }
            if t.1 == 0 || tree.kind(id) != EntryKind::Dir {
                found.push((f.0.saturating_sub(t.0), id));
                continue;
            }
            stack.extend(tree.children(id));
        }
        found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        found.into_iter().take(MAX_SAMPLE_PATHS).map(|(_, id)| self.show(id)).collect()
    }
}

/// `1234567` → `1.2 MB` (decimal units, as Docker and the CLI print sizes).
pub(crate) fn human(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "kB", "MB", "GB", "TB", "PB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1000.0 && u < UNITS.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 { format!("{bytes} B") } else { format!("{v:.1} {}", UNITS[u]) }
}

/// `1 file` / `3 files`.
pub(crate) fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The patterns (as `ReadAll` returns them) of ignore-file text.
pub(crate) fn parse_patterns(text: &str) -> Option<Vec<Vec<u8>>> {
    IgnoreFile::parse(text.as_bytes()).ok().map(|f| f.rules.iter().map(|r| r.pattern_bytes().to_vec()).collect())
}

/// A rule line that matches exactly this path (anchored at the context
/// root), escaping what Docker would read as pattern syntax; `None` when the
/// name cannot be written (invalid UTF-8, trailing whitespace, control
/// characters).
pub(crate) fn literal_rule(path: &[u8], dir: bool) -> Option<String> {
    let s = std::str::from_utf8(path).ok()?;
    if s.is_empty() || s.chars().any(|c| c.is_control()) || s.ends_with(char::is_whitespace) {
        return None;
    }
    let needs_regex = s.chars().any(|c| matches!(c, '*' | '?' | '[' | ']' | '\\'));
    let mut out = String::with_capacity(s.len() + 2);
    for (i, c) in s.chars().enumerate() {
        let first = i == 0;
        match c {
            '*' | '?' | '[' | ']' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            // In a pattern that becomes a regexp these are syntax (see the
            // README's "two quirks"); in an exact pattern they are literal.
            '{' | '}' | '|' | '^' if needs_regex => {
                out.push('\\');
                out.push(c);
            }
            '#' | '!' if first => {
                out.push('\\');
                out.push(c);
            }
            c if first && c.is_whitespace() => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    if dir {
        out.push('/');
    }
    // Verify with the engine: the rule must match the path itself.
    let pats = parse_patterns(&out)?;
    let set = RuleSet::from_patterns(&pats).ok()?;
    match set.verdict(path, None) {
        Ok(v) if v.excluded => Some(out),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_rules_escape_what_docker_would_read_as_syntax() {
        assert_eq!(literal_rule(b"audit-results", true).as_deref(), Some("audit-results/"));
        assert_eq!(literal_rule(b"run 2026 (manual)", true).as_deref(), Some("run 2026 (manual)/"));
        assert_eq!(literal_rule(b"[brackets].md", false).as_deref(), Some("\\[brackets\\].md"));
        assert_eq!(literal_rule(b"a{1}*b", false).as_deref(), Some("a\\{1\\}\\*b"));
        assert_eq!(literal_rule(b"#hash", false).as_deref(), Some("\\#hash"));
        assert_eq!(literal_rule(b"!bang", false).as_deref(), Some("\\!bang"));
        assert_eq!(literal_rule(b"trailing ", false), None);
        assert_eq!(literal_rule(b"\xff", false), None);
    }

    #[test]
    fn sizes_read_like_the_cli() {
        assert_eq!(human(999), "999 B");
        assert_eq!(human(285_147_136), "285.1 MB");
        assert_eq!(count(1, "file", "files"), "1 file");
    }

    #[test]
    fn root_only_candidates() {
        assert!(root_only_candidate(b"node_modules"));
        assert!(root_only_candidate(b"*.test"));
        assert!(!root_only_candidate(b"**/node_modules"));
        assert!(!root_only_candidate(b"a/b"));
        assert!(!root_only_candidate(b"!keep"));
    }
}
