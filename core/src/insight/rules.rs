//! Lints about the rules' effect on this context: root-only patterns, dead
//! and shadowed rules, exceptions that cannot work, lazy errors, habits with
//! their measured effect, secrets, and the Dockerfile's sources.

use std::collections::BTreeSet;

use crate::eval::{NodeState, TransferError};
use crate::ignore::RuleSet;
use crate::tree::{EntryKind, NodeId, ROOT};

use super::catalog::{junk_of, under_test_dir};
use super::text::{self, body};
use super::{Action, Ctx, Edit, Lint, MAX_SAMPLE_PATHS, Severity, Suggestion, count, human, root_only_candidate};

/// Matched nodes kept per rule (counts and bytes stay exact beyond it).
const HIT_NODES: usize = 4000;
/// Nodes checked against the parent-matching verdict.
const OR_PARENT_CHECKS: usize = 50_000;
/// Evaluations the shadowed-rule check may spend (after a cheap prefilter).
const MAX_SHADOW_EVALUATIONS: usize = 12;
/// Nodes inside pruned directories checked per exception.
const PRUNED_CHECKS: usize = 20_000;

/// The top-most nodes a single pattern matches (with everything below them).
#[derive(Debug, Default, Clone)]
pub(crate) struct Hits {
    pub(crate) nodes: Vec<NodeId>,
    pub(crate) count: u64,
    pub(crate) bytes: u64,
    pub(crate) files: u64,
    pub(crate) sent_bytes: u64,
    pub(crate) sent_files: u64,
    /// The pattern's regexp does not compile (lazy error): nothing measured.
    pub(crate) error: bool,
}

impl Hits {
    fn add(&mut self, ctx: &Ctx<'_>, id: NodeId) {
        if self.nodes.len() < HIT_NODES {
            self.nodes.push(id);
        }
        self.count += 1;
        let (b, f) = ctx.all[id as usize];
        let (sb, sf) = ctx.sent[id as usize];
        self.bytes = self.bytes.saturating_add(b);
        self.files += f;
        self.sent_bytes = self.sent_bytes.saturating_add(sb);
        self.sent_files += sf;
    }

    /// The biggest matched paths.
    pub(crate) fn sample(&self, ctx: &Ctx<'_>, sent: bool) -> Vec<String> {
        let mut v: Vec<NodeId> = self.nodes.clone();
        let key = |id: &NodeId| if sent { ctx.sent[*id as usize].0 } else { ctx.all[*id as usize].0 };
        v.sort_by(|a, b| key(b).cmp(&key(a)).then(a.cmp(b)));
        v.into_iter().take(MAX_SAMPLE_PATHS).map(|id| ctx.show(id)).collect()
    }
}

fn special(c: u8) -> bool {
    b"*?[]\\{}|^".contains(&c)
}

/// Where a single pattern can match: below `start` (the directory its
/// literal leading components name), down to `max_depth` components.
struct Scan {
    set: RuleSet,
    start: NodeId,
    max_depth: usize,
}

fn scan_of(ctx: &Ctx<'_>, body: &[u8]) -> Option<Scan> {
    let set = RuleSet::from_patterns(&[body]).ok()?;
    let tree = ctx.tree;
    let comps: Vec<&[u8]> = body.split(|&b| b == b'/').collect();
    // Descend through the literal leading components directly.
    let mut start = ROOT;
    for c in &comps[..comps.len() - 1] {
        if c.is_empty() || c.iter().any(|&b| special(b)) {
            break;
        }
        let mut p = tree.path(start);
        if !p.is_empty() {
            p.push(b'/');
        }
        p.extend_from_slice(c);
        match tree.lookup(&p) {
            Some(id) if tree.kind(id) == EntryKind::Dir => start = id,
            _ => return None,
        }
    }
    // Without `**`, negated classes, escapes or alternation a pattern of n
    // components only matches paths of n components.
    let unbounded = body.windows(2).any(|w| w == b"**" || w == b"[^") || body.contains(&b'\\') || body.contains(&b'|');
    let max_depth = if unbounded { usize::MAX } else { comps.len() };
    Some(Scan { set, start, max_depth })
}

struct Frame {
    dir: NodeId,
    next: usize,
    len: usize,
    depth: usize,
    /// Patterns still looking below `dir` (no ancestor matched).
    active: Vec<u32>,
}

/// Where each pattern matches in the whole tree (pruning ignored: this is
/// about the pattern, not the walk): the top-most matches, each covering
/// its subtree, as if each pattern were a rule set of its own. One walk
/// serves all the patterns; each is tried only below the directory its
/// literal leading components name and down to the depth it can reach.
pub(crate) fn all_pattern_hits(ctx: &Ctx<'_>, bodies: &[&[u8]]) -> Vec<Hits> {
    let tree = ctx.tree;
    let mut hits = vec![Hits::default(); bodies.len()];
    let scans: Vec<Option<Scan>> = bodies.iter().map(|b| scan_of(ctx, b)).collect();
    // Patterns that start below each directory, and the directories leading to them.
    let mut starts: std::collections::HashMap<NodeId, Vec<u32>> = std::collections::HashMap::new();
    let mut leads = vec![false; tree.len()];
    for (i, s) in scans.iter().enumerate() {
        let Some(s) = s else { continue };
        starts.entry(s.start).or_default().push(i as u32);
        let mut cur = s.start;
        while !leads[cur as usize] {
            leads[cur as usize] = true;
            if cur == ROOT {
                break;
            }
            cur = tree.parent(cur);
        }
    }
    let mut dead = vec![false; bodies.len()];
    let reach = |active: &[u32], depth: usize| {
        active.iter().any(|&r| scans[r as usize].as_ref().is_some_and(|s| depth < s.max_depth))
    };
    let mut path: Vec<u8> = Vec::new();
    let root_active = starts.get(&ROOT).cloned().unwrap_or_default();
    if !leads[ROOT as usize] {
        return hits;
    }
    let mut stack = vec![Frame { dir: ROOT, next: 0, len: 0, depth: 0, active: root_active }];
    let mut kept: Vec<u32> = Vec::new();
    while let Some(f) = stack.last_mut() {
        let kids = tree.children(f.dir);
        if f.next >= kids.len() {
            stack.pop();
            continue;
        }
        let id = kids[f.next];
        f.next += 1;
        let (len, d) = (f.len, f.depth + 1);
        path.truncate(len);
        if len > 0 {
            path.push(b'/');
        }
        path.extend_from_slice(tree.name(id));
        let mut runes = crate::ignore::Runes::new(&path);
        kept.clear();
        for &r in &f.active {
            let (ri, s) = (r as usize, scans[r as usize].as_ref().expect("active patterns compiled"));
            if dead[ri] || d > s.max_depth {
                continue;
            }
            // The pattern's own first level has no parent memory.
            match s.set.lone_rule_hits(0, &path, &mut runes, f.dir == s.start) {
                Err(_) => {
                    dead[ri] = true;
                    hits[ri] = Hits { error: true, ..Hits::default() };
                }
                Ok(true) => hits[ri].add(ctx, id),
                Ok(false) => kept.push(r),
            }
        }
        if tree.kind(id) != EntryKind::Dir {
            continue;
        }
        let mut active = std::mem::take(&mut kept);
        active.retain(|&r| !dead[r as usize]);
        let descend = reach(&active, d) || leads[id as usize];
        if let Some(more) = starts.get(&id) {
            active.extend(more.iter().copied().filter(|&r| !dead[r as usize]));
        }
        if descend {
            let len = path.len();
            stack.push(Frame { dir: id, next: 0, len, depth: d, active });
        }
    }
    hits
}

/// Sent nodes below the root level whose own name a root-only pattern would
/// match (top-most only). Paths sent because an exception re-includes them
/// are left out (that is deliberate), and so is the inside of other junk
/// directories (`node_modules/x/dist` is a `node_modules` problem).
fn deeper_name_hits(ctx: &Ctx<'_>, body: &[u8]) -> Hits {
    let mut hits = Hits::default();
    let Ok(set) = RuleSet::from_patterns(&[body]) else {
        return hits;
    };
    let tree = ctx.tree;
    let rules = ctx.rules;
    let mut stack: Vec<NodeId> = tree.children(ROOT).iter().rev().copied().collect();
    while let Some(id) = stack.pop() {
        if ctx.sent[id as usize].1 == 0 {
            continue;
        }
        let by_exception = ctx.decided[id as usize].zip(rules).is_some_and(|(r, rs)| rs.rules()[r as usize].exception);
        if by_exception {
            continue;
        }
        let top = tree.parent(id) == ROOT;
        let is_dir = tree.kind(id) == EntryKind::Dir;
        if !top && set.verdict(tree.name(id), None).is_ok_and(|v| v.excluded) {
            if is_junk(ctx, id) {
                hits.add(ctx, id);
            }
            continue;
        }
        if is_dir && (top || junk_of(tree.name(id), true, false).is_none()) {
            stack.extend(tree.children(id).iter().rev());
        }
    }
    hits
}

/// Whether a node is catalogued junk (file-name junk such as `*.log` does
/// not count under test, example or docs directories, where it is data).
pub(crate) fn is_junk(ctx: &Ctx<'_>, id: NodeId) -> bool {
    let tree = ctx.tree;
    match junk_of(tree.name(id), tree.kind(id) == EntryKind::Dir, tree.parent(id) == ROOT) {
        Some(j) => !matches!(j.name, super::catalog::Name::Suffix(_)) || !under_test_dir(&tree.path(id)),
        None => false,
    }
}

/// Lints plus the suggestions that fix them (measured).
pub(crate) fn lints_and_fixes(ctx: &Ctx<'_>) -> (Vec<Lint>, Vec<Suggestion>) {
    let mut out = Vec::new();
    let mut fixes = Vec::new();
    if let Some(rules) = ctx.rules {
        rule_lints(ctx, rules, &mut out, &mut fixes);
    }
    super::dockerfile::copy_lints(ctx, &mut out);
    secret_lints(ctx, &mut out, &mut fixes);
    out.sort_by(|a, b| {
        b.severity.cmp(&a.severity).then(a.line.unwrap_or(usize::MAX).cmp(&b.line.unwrap_or(usize::MAX)))
    });
    (out, fixes)
}

pub(crate) fn lints(ctx: &Ctx<'_>) -> Vec<Lint> {
    lints_and_fixes(ctx).0
}

fn lint(ctx: &Ctx<'_>, i: usize, code: &'static str, severity: Severity, message: String) -> Lint {
    Lint {
        line: Some(ctx.line(i)),
        code,
        severity,
        message,
        paths: Vec::new(),
        path_count: 0,
        bytes: 0,
        rule: Some(ctx.rule_text(i)),
        dockerfile_line: None,
        fix: None,
    }
}

/// Measures a lint's fix and turns it into a suggestion; `None` when the
/// fix would take away a file the Dockerfile names.
fn fix_suggestion(ctx: &Ctx<'_>, kind: &'static str, edit: &Edit, reason: String) -> Option<Suggestion> {
    let m = ctx.measure(&[edit])?;
    if super::dockerfile::loses_needed_in(ctx, &m.transfer) {
        return None;
    }
    let removed = m.saving_bytes > 0 || m.saving_files > 0;
    Some(Suggestion {
        rule: edit.text.clone(),
        saving_bytes: Some(m.saving_bytes),
        saving_files: Some(m.saving_files),
        reason,
        kind,
        edit: edit.clone(),
        projected_bytes: Some(m.transfer.totals.file_bytes),
        paths: ctx.moved_sample(&m.transfer, removed),
        dockerfile_line: None,
    })
}

fn effect(saving_bytes: i64, saving_files: i64) -> String {
    let files = match saving_files {
        0 => "as many files".to_string(),
        f if f > 0 => format!("{} fewer", count(f as u64, "file", "files")),
        f => format!("{} more", count(f.unsigned_abs(), "file", "files")),
    };
    match saving_bytes {
        b if b > 0 => format!("sends {} less ({files})", human(b as u64)),
        b if b < 0 => format!("sends {} more ({files})", human(b.unsigned_abs())),
        _ => format!("sends the same bytes ({files})"),
    }
}

fn rule_lints(ctx: &Ctx<'_>, rules: &RuleSet, out: &mut Vec<Lint>, fixes: &mut Vec<Suggestion>) {
    let n = rules.rules().len();
    let bodies: Vec<&[u8]> = rules.rules().iter().map(|r| body(r.pattern_bytes())).collect();
    let hits = all_pattern_hits(ctx, &bodies);
    // Rules with a more specific finding are not also called dead or shadowed.
    let mut explained = vec![false; n];

    // Text habits, with what they do here and what the fix would do.
    for h in text::habits(rules.file()) {
        if h.code == "bad_pattern" || h.code == "escaped_space" {
            continue; // cannot happen on a compiled set
        }
        let mut l = lint(ctx, h.rule, h.code, h.severity, h.message);
        let hit = &hits[h.rule];
        if h.code == "lazy_error" {
            if let Some(TransferError::Exclude(e)) = &ctx.base.error
                && e.line == ctx.line(h.rule)
            {
                l.severity = Severity::Error;
                l.message = format!(
                    "Docker accepts `{}` but its regexp does not compile ({}): the build fails with \"syntax error \
                     in pattern\" when the walk reaches `{}`",
                    e.pattern, e.detail, e.path
                );
                l.paths = vec![e.path.clone()];
                l.path_count = 1;
            } else {
                l.message.push_str("; no path in this input reaches it yet");
            }
        } else if hit.count > 0 {
            l.paths = hit.sample(ctx, false);
            l.path_count = hit.count;
            l.message.push_str(&format!(
                "; here it matches {} ({})",
                count(hit.count, "path", "paths"),
                human(hit.bytes)
            ));
        } else {
            l.message.push_str("; here it matches nothing");
        }
        if let Some(fix) = &h.fix {
            if h.measure_fix
                && let Some(s) = fix_suggestion(ctx, "habit_fix", fix, String::new())
            {
                let (b, f) = (s.saving_bytes.unwrap_or(0), s.saving_files.unwrap_or(0));
                if b != 0 || f != 0 {
                    l.message.push_str(&format!("; the fix {}", effect(b, f)));
                    l.bytes = b.unsigned_abs();
                    if l.paths.is_empty() {
                        l.paths = s.paths.clone();
                    }
                }
                let mut s = s;
                s.reason = format!("Fixes line {}: {}", ctx.line(h.rule), l.message);
                fixes.push(s);
            }
            l.fix = Some(fix.clone());
        }
        explained[h.rule] = true;
        out.push(l);
    }

    // Root-only patterns with deeper matches that are still sent.
    for (i, r) in rules.rules().iter().enumerate() {
        let b = body(r.pattern_bytes());
        let written = r.text.trim().trim_start_matches('!').trim_start();
        if r.exception || !root_only_candidate(b) || written.starts_with('/') || written.starts_with("./") {
            continue;
        }
        if hits[i].error {
            continue;
        }
        let deeper = deeper_name_hits(ctx, b);
        if deeper.count == 0 {
            continue;
        }
        // Only junk counts: for other names a root-only rule is as likely
        // meant (`/docs`, `tests`, `static`), and nobody wants that alarm.
        // Below 64 KiB it is not worth an alarm.
        if deeper.count == 0 || deeper.sent_bytes < 64 * 1024 {
            continue;
        }
        let severity = Severity::Warning;
        let name = String::from_utf8_lossy(b);
        let fixed = format!("**/{written}");
        let what = match (deeper.nodes.iter().all(|&id| ctx.tree.kind(id) == EntryKind::Dir), deeper.count == 1) {
            (true, true) => format!("nested `{name}` directory"),
            (true, false) => format!("nested `{name}` directories"),
            (false, true) => format!("deeper path matching `{name}`"),
            (false, false) => format!("deeper paths matching `{name}`"),
        };
        let edit = Edit { action: Action::Replace, line: Some(r.line), text: fixed.clone(), after: None };
        let mut l = lint(
            ctx,
            i,
            "root_only",
            severity,
            format!(
                "{} {what} ({}) {} still sent — did you mean `{fixed}`? In Docker a pattern without `/` only \
                 matches at the context root (it is not a basename match as in .gitignore)",
                deeper.count,
                human(deeper.sent_bytes),
                if deeper.count == 1 { "is" } else { "are" }
            ),
        );
        l.paths = deeper.sample(ctx, true);
        l.path_count = deeper.count;
        l.bytes = deeper.sent_bytes;
        if let Some(s) = fix_suggestion(
            ctx,
            "root_only_fix",
            &edit,
            format!(
                "`{}` (line {}) only matches at the context root; `{fixed}` also excludes the {} {what} below it",
                r.text.trim(),
                r.line,
                deeper.count
            ),
        ) {
            fixes.push(s);
        }
        l.fix = Some(edit);
        explained[i] = true;
        out.push(l);
    }

    // Absolute host paths.
    for (i, r) in rules.rules().iter().enumerate() {
        let written = r.text.trim().trim_start_matches('!').trim_start();
        let b = body(r.pattern_bytes());
        let first = b.split(|&c| c == b'/').next().unwrap_or_default();
        const HOST: &[&str] = &["home", "Users", "root", "usr", "var", "opt", "mnt", "srv", "Volumes", "private"];
        if written.starts_with('/')
            && b.contains(&b'/')
            && HOST.iter().any(|h| h.as_bytes() == first)
            && ctx.tree.lookup(first).is_none()
        {
            out.push(lint(
                ctx,
                i,
                "absolute_path",
                Severity::Warning,
                format!(
                    "A leading `/` means the context root in Docker, not the filesystem root: `{}` is read as \
                     `{}` inside the context, which does not exist here; write the path relative to the context",
                    written,
                    String::from_utf8_lossy(b)
                ),
            ));
            explained[i] = true;
        }
    }

    exception_lints(ctx, rules, &hits, &mut explained, out, fixes);

    // Dead rules.
    for (i, r) in rules.rules().iter().enumerate() {
        let b = body(r.pattern_bytes());
        if explained[i] || hits[i].error || hits[i].count > 0 {
            continue;
        }
        let missing = missing_parent(ctx, b);
        if missing.is_none() && precautionary(b) {
            continue;
        }
        let mut l = lint(
            ctx,
            i,
            "dead_rule",
            Severity::Info,
            if r.exception {
                format!("`{}` matches no path in this input, so it re-includes nothing here", r.text.trim())
            } else if let Some(m) = &missing {
                format!("`{}` matches no path in this input: `{m}` does not exist here (a typo?)", r.text.trim())
            } else {
                format!(
                    "`{}` matches no path in this input (fine if it is meant for files that appear later; check \
                     it for typos)",
                    r.text.trim()
                )
            },
        );
        l.fix = Some(Edit { action: Action::Remove, line: Some(r.line), text: String::new(), after: None });
        out.push(l);
    }
    shadowed(ctx, rules, &hits, &explained, out);
}

/// The first literal leading directory of a pattern that the tree lacks
/// (`src/fronted` in `src/fronted/dist`).
fn missing_parent(ctx: &Ctx<'_>, body: &[u8]) -> Option<String> {
    let comps: Vec<&[u8]> = body.split(|&b| b == b'/').collect();
    let mut prefix: Vec<u8> = Vec::new();
    for c in &comps[..comps.len().saturating_sub(1)] {
        if c.is_empty() || c.iter().any(|&b| special(b)) {
            return None;
        }
        if !prefix.is_empty() {
            prefix.push(b'/');
        }
        prefix.extend_from_slice(c);
        if ctx.tree.lookup(&prefix).is_none() {
            return Some(String::from_utf8_lossy(&prefix).into_owned());
        }
    }
    None
}

/// Names excluded as a precaution (junk, secrets): a rule for them that
/// matches nothing yet is not worth a note.
fn precautionary(body: &[u8]) -> bool {
    let last = body.rsplit(|&b| b == b'/').next().unwrap_or(body);
    let last = last.strip_prefix(b"**").unwrap_or(last);
    !last.is_empty()
        && (junk_of(last, true, true).is_some()
            || super::catalog::secret_of(last).is_some()
            || last.starts_with(b".env")
            || last.starts_with(b"*.")
            || last.ends_with(b"*"))
}

/// Rules whose removal changes nothing, found one at a time (narrowest
/// first, later lines first), each against the rules left after removing
/// the ones found before: so all of them can go together. A normal rule
/// whose paths are all re-included by later exceptions (the `log/*` +
/// `!log/.keep` idiom) is left alone: it is there for files to come.
fn shadowed(ctx: &Ctx<'_>, rules: &RuleSet, hits: &[Hits], explained: &[bool], out: &mut Vec<Lint>) {
    let rs = rules.rules();
    let mut order: Vec<usize> =
        (0..rs.len()).filter(|&i| !explained[i] && !hits[i].error && hits[i].count > 0).collect();
    let breadth = |i: usize| {
        let b = body(rs[i].pattern_bytes());
        if b.windows(2).any(|w| w == b"**") {
            2
        } else if b.iter().any(|&c| special(c)) {
            1
        } else {
            0
        }
    };
    order.sort_by_key(|&i| (hits[i].count, breadth(i), std::cmp::Reverse(i)));
    // Top-most nodes each rule decides in the base.
    let mut decided_tops: Vec<Vec<NodeId>> = vec![Vec::new(); rs.len()];
    for id in ctx.tree.walk() {
        if let Some(r) = ctx.decided[id as usize] {
            let p = ctx.tree.parent(id);
            if (p == ROOT || ctx.decided[p as usize] != Some(r)) && decided_tops[r as usize].len() < 64 {
                decided_tops[r as usize].push(id);
            }
        }
    }
    let mut removed: Vec<usize> = Vec::new();
    // Informational: a few evaluations at most.
    let stop = ctx.spent() + (ctx.budget / 3).min(MAX_SHADOW_EVALUATIONS);
    for i in order {
        if ctx.spent() >= stop {
            break;
        }
        let keep: Vec<usize> = (0..rs.len()).filter(|&j| j != i && !removed.contains(&j)).collect();
        let pats: Vec<Vec<u8>> = keep.iter().map(|&j| rs[j].pattern_bytes().to_vec()).collect();
        // Cheap test first: a node this rule decides changes verdict without it.
        if !decided_tops[i].is_empty() {
            let Ok(set) = RuleSet::from_patterns(&pats) else { continue };
            let changes = decided_tops[i].iter().any(|&id| {
                set.verdict_for_path(&ctx.tree.path(id)).map_or(true, |v| v.excluded != ctx.base.verdict(id).excluded)
            });
            if changes {
                continue;
            }
        }
        let Some(m) = ctx.evaluate(&pats) else { continue };
        if m.transfer.entries != ctx.base.entries {
            continue;
        }
        // Which lines decide the paths it matches, once it is gone.
        let mut deciders = BTreeSet::new();
        for &id in hits[i].nodes.iter().take(500) {
            let mut cur = id;
            loop {
                let v = m.transfer.verdict(cur);
                if v.state != NodeState::NotVisited || cur == ROOT {
                    if let Some(j) = v.rule {
                        deciders.insert(keep[j as usize]);
                    }
                    break;
                }
                cur = ctx.tree.parent(cur);
            }
        }
        let r = &rs[i];
        let normal_deciders: Vec<usize> = deciders.iter().copied().filter(|&j| !rs[j].exception).collect();
        let message = if r.exception {
            if deciders.is_empty() {
                // A .gitignore habit: the exception undoes a root-only rule
                // that never matched down there.
                let names: Vec<&[u8]> = hits[i].nodes.iter().map(|&id| ctx.tree.name(id)).collect();
                let habit = rs[..i].iter().find(|e| {
                    let b = body(e.pattern_bytes());
                    !e.exception
                        && root_only_candidate(b)
                        && RuleSet::from_patterns(&[b])
                            .is_ok_and(|set| names.iter().any(|n| set.verdict(n, None).is_ok_and(|v| v.excluded)))
                });
                match habit {
                    Some(e) => format!(
                        "`{}` re-includes nothing here: nothing it matches is excluded (`{}` on line {} only \
                         matches at the context root, so it never excluded these paths)",
                        r.text.trim(),
                        e.text.trim(),
                        e.line
                    ),
                    None => format!("`{}` re-includes nothing here: nothing it matches is excluded", r.text.trim()),
                }
            } else {
                let by: Vec<String> = deciders.iter().take(4).map(|&j| ctx.rule_ref(j)).collect();
                format!(
                    "Every path `{}` matches is decided by {} anyway: removing it changes nothing in this input",
                    r.text.trim(),
                    by.join(", ")
                )
            }
        } else if normal_deciders.is_empty() {
            continue; // only later exceptions decide: kept for files to come
        } else {
            let by: Vec<String> = normal_deciders.iter().take(4).map(|&j| ctx.rule_ref(j)).collect();
            format!(
                "Everything `{}` matches here is also excluded by {}: removing it changes nothing in this input",
                r.text.trim(),
                by.join(", ")
            )
        };
        removed.push(i);
        let mut l = lint(ctx, i, "shadowed_rule", Severity::Info, message);
        l.paths = hits[i].sample(ctx, false);
        l.path_count = hits[i].count;
        l.fix = Some(Edit { action: Action::Remove, line: Some(r.line), text: String::new(), after: None });
        out.push(l);
    }
}

fn exception_lints(
    ctx: &Ctx<'_>,
    rules: &RuleSet,
    hits: &[Hits],
    explained: &mut [bool],
    out: &mut Vec<Lint>,
    fixes: &mut Vec<Suggestion>,
) {
    if !rules.has_exceptions() {
        return;
    }
    let tree = ctx.tree;
    let rs = rules.rules();
    let decides: Vec<bool> = {
        let mut d = vec![false; rs.len()];
        for r in ctx.decided.iter().flatten() {
            d[*r as usize] = true;
        }
        d
    };

    // 1. Exceptions that would re-include paths inside directories BuildKit
    //    never enters (pruning, with the `/*/**` quirk).
    if rules.exception_prefixes().is_some() {
        for (i, r) in rs.iter().enumerate() {
            if !r.exception {
                continue;
            }
            let b = body(r.pattern_bytes());
            let stripped = b.strip_suffix(b"/**").unwrap_or(b);
            let stripped = stripped.strip_suffix(b"/*").unwrap_or(stripped);
            let Some(start) = tree.lookup(stripped).filter(|&id| id != ROOT) else { continue };
            let mut affected: Vec<NodeId> = Vec::new();
            let (mut files, mut bytes, mut checks) = (0u64, 0u64, 0usize);
            let mut stack = vec![start];
            while let Some(id) = stack.pop() {
                checks += 1;
                if checks > PRUNED_CHECKS {
                    break;
                }
                let st = ctx.base.verdict(id).state;
                if matches!(st, NodeState::NotVisited | NodeState::Pruned)
                    && tree.kind(id) != EntryKind::Dir
                    && let Ok(v) = rules.verdict_for_path(&tree.path(id))
                    && !v.excluded
                    && v.decided_by == Some(i)
                {
                    files += 1;
                    bytes = u64::saturating_add(bytes, tree.size(id));
                    if affected.len() < MAX_SAMPLE_PATHS {
                        affected.push(id);
                    }
                }
                if tree.kind(id) == EntryKind::Dir {
                    stack.extend(tree.children(id).iter().rev());
                }
            }
            if files == 0 {
                continue;
            }
            let pruned_dirs: BTreeSet<String> = affected
                .iter()
                .filter_map(|&id| {
                    let mut cur = tree.parent(id);
                    let mut top = None;
                    while cur != ROOT {
                        if ctx.base.verdict(cur).state == NodeState::Pruned {
                            top = Some(cur);
                        }
                        cur = tree.parent(cur);
                    }
                    top.map(|t| ctx.show(t))
                })
                .collect();
            let dirs: Vec<String> = pruned_dirs.iter().take(3).map(|d| format!("`{d}`")).collect();
            let quirk = b.ends_with(b"/*/**");
            let written = r.text.trim();
            let message = if quirk {
                format!(
                    "`{written}` would re-include {} ({}), but BuildKit decides which excluded directories to \
                     enter by stripping `/**` and then `/*` from each exception, reads this one as `{}`, and never \
                     enters {}: those files are not sent",
                    count(files, "file", "files"),
                    human(bytes),
                    String::from_utf8_lossy(stripped),
                    dirs.join(", ")
                )
            } else {
                format!(
                    "`{written}` would re-include {} ({}), but BuildKit never enters the excluded {} that hold \
                     them, so they are not sent",
                    count(files, "file", "files"),
                    human(bytes),
                    dirs.join(", ")
                )
            };
            let mut l = lint(ctx, i, "exception_pruned", Severity::Warning, message);
            l.paths = affected.iter().map(|&id| ctx.show(id)).collect();
            l.path_count = files;
            l.bytes = bytes;
            if quirk {
                let fixed = format!("!{}/**/*", String::from_utf8_lossy(&b[..b.len() - 3]));
                let edit = Edit { action: Action::Replace, line: Some(r.line), text: fixed.clone(), after: None };
                if let Some(s) = fix_suggestion(
                    ctx,
                    "exception_fix",
                    &edit,
                    format!(
                        "`{fixed}` re-includes the same files, and its wildcard makes BuildKit enter the excluded \
                         directories to find them (line {})",
                        r.line
                    ),
                ) && s.saving_files.unwrap_or(0) < 0
                {
                    fixes.push(s);
                    l.fix = Some(edit);
                }
            }
            explained[i] = true;
            out.push(l);
        }
    }

    // 2. Exceptions that decide nothing because a later rule excludes the
    //    same paths again.
    for (i, r) in rs.iter().enumerate() {
        if !r.exception || explained[i] || decides[i] || hits[i].count == 0 {
            continue;
        }
        let mut later = BTreeSet::new();
        let (mut files, mut bytes) = (0u64, 0u64);
        let mut sample = Vec::new();
        for &id in &hits[i].nodes {
            if let Some(j) = ctx.decided[id as usize].map(|j| j as usize)
                && j > i
                && !rs[j].exception
                && !ctx.base.is_sent(id)
            {
                later.insert(j);
                files += ctx.all[id as usize].1 - ctx.sent[id as usize].1;
                bytes = u64::saturating_add(bytes, ctx.all[id as usize].0.saturating_sub(ctx.sent[id as usize].0));
                if sample.len() < MAX_SAMPLE_PATHS {
                    sample.push(ctx.show(id));
                }
            }
        }
        let Some(&last) = later.iter().next_back() else { continue };
        let by: Vec<String> = later.iter().take(3).map(|&j| ctx.rule_ref(j)).collect();
        let edit = Edit {
            action: Action::MoveAfter,
            line: Some(r.line),
            text: r.text.trim().to_string(),
            after: Some(rs[last].line),
        };
        let mut l = lint(
            ctx,
            i,
            "exception_before_rule",
            Severity::Warning,
            format!(
                "`{}` comes before {}, which excludes the same paths again: the last matching line wins, so this \
                 exception re-includes nothing ({} stay excluded); move it below line {}",
                r.text.trim(),
                by.join(", "),
                count(files, "file", "files"),
                rs[last].line
            ),
        );
        l.paths = sample;
        l.path_count = hits[i].count;
        l.bytes = bytes;
        if let Some(s) = fix_suggestion(
            ctx,
            "exception_fix",
            &edit,
            format!("Moving `{}` below line {} makes it re-include what it names", r.text.trim(), rs[last].line),
        ) {
            fixes.push(s);
        }
        l.fix = Some(edit);
        explained[i] = true;
        out.push(l);
    }

    // 3. Where the walk and the parent-matching verdict disagree: an
    //    exception never consulted for a path, or a repeated rule that does
    //    not exclude again.
    let mut unreachable: Vec<(Vec<NodeId>, u64, u64)> = vec![(Vec::new(), 0, 0); rs.len()];
    let mut reexclude: Vec<(Vec<NodeId>, u64, u64)> = vec![(Vec::new(), 0, 0); rs.len()];
    let mut checks = 0;
    for id in tree.walk() {
        let v = ctx.base.verdict(id);
        if matches!(v.state, NodeState::NotVisited | NodeState::NotFollowed | NodeState::Error) {
            continue;
        }
        let parent = tree.parent(id);
        if parent != ROOT && ctx.base.verdict(parent).excluded == v.excluded {
            continue;
        }
        checks += 1;
        if checks > OR_PARENT_CHECKS {
            break;
        }
        let Ok((or_excluded, by)) = rules.matches_or_parent(&tree.path(id)) else { continue };
        let Some(by) = by else { continue };
        let (all, sent) = (ctx.all[id as usize], ctx.sent[id as usize]);
        if v.excluded && !or_excluded && rs[by].exception {
            let e = &mut unreachable[by];
            e.0.push(id);
            e.1 += all.1 - sent.1;
            e.2 += all.0 - sent.0;
        } else if !v.excluded && or_excluded && !rs[by].exception {
            let e = &mut reexclude[by];
            e.0.push(id);
            e.1 += sent.1;
            e.2 += sent.0;
        }
    }
    for (i, (nodes, files, bytes)) in unreachable.into_iter().enumerate() {
        if nodes.is_empty() {
            continue;
        }
        let first = ctx.show(nodes[0]);
        let mut l = lint(
            ctx,
            i,
            "exception_unreachable",
            Severity::Warning,
            format!(
                "`{}` does not re-include `{first}`{}: BuildKit's walk consults an exception for a path only while \
                 that path is excluded, and decides children from what matched their parent directory, where this \
                 exception was skipped; {} ({}) stay excluded (Docker's parent-matching check, which BuildKit's \
                 CopyIgnoredFile warning uses, would call them sent)",
                rs[i].text.trim(),
                if nodes.len() > 1 { format!(" and {} more", nodes.len() - 1) } else { String::new() },
                count(files, "file", "files"),
                human(bytes)
            ),
        );
        l.paths = nodes.iter().take(MAX_SAMPLE_PATHS).map(|&id| ctx.show(id)).collect();
        l.path_count = nodes.len() as u64;
        l.bytes = bytes;
        explained[i] = true;
        out.push(l);
    }
    for (i, (nodes, files, bytes)) in reexclude.into_iter().enumerate() {
        if nodes.is_empty() {
            continue;
        }
        let first = ctx.show(nodes[0]);
        let mut l = lint(
            ctx,
            i,
            "reexclude_ignored",
            Severity::Warning,
            format!(
                "`{}` does not exclude `{first}`{} again: its directory was already excluded when BuildKit's walk \
                 reached this line there, so the rule was skipped and its children do not inherit it; {} ({}) \
                 are sent",
                rs[i].text.trim(),
                if nodes.len() > 1 { format!(" and {} more", nodes.len() - 1) } else { String::new() },
                count(files, "file", "files"),
                human(bytes)
            ),
        );
        l.paths = nodes.iter().take(MAX_SAMPLE_PATHS).map(|&id| ctx.show(id)).collect();
        l.path_count = nodes.len() as u64;
        l.bytes = bytes;
        explained[i] = true;
        out.push(l);
    }
}

/// Credentials and keys in what is sent.
fn secret_lints(ctx: &Ctx<'_>, out: &mut Vec<Lint>, fixes: &mut Vec<Suggestion>) {
    use std::collections::BTreeMap;
    let needed = super::dockerfile::needed_files(ctx);
    // label -> (maybe, rules, nodes, bytes)
    type Group = (bool, BTreeSet<String>, Vec<NodeId>, u64);
    let mut groups: BTreeMap<(&'static str, &'static str), Group> = BTreeMap::new();
    for e in &ctx.base.entries {
        let id = e.node;
        if !matches!(ctx.tree.kind(id), EntryKind::File | EntryKind::Symlink) {
            continue;
        }
        if let (Some(r), Some(rules)) = (ctx.decided[id as usize], ctx.rules)
            && rules.rules()[r as usize].exception
        {
            continue; // re-included on purpose
        }
        if needed.as_ref().is_some_and(|n| n.contains(&id)) {
            continue; // the Dockerfile copies it by name
        }
        let path = ctx.tree.path(id);
        let Some((secret, rule)) = super::catalog::secret_of(&path) else { continue };
        let g = groups.entry(secret.label).or_insert((secret.maybe, BTreeSet::new(), Vec::new(), 0));
        g.1.insert(rule);
        g.2.push(id);
        g.3 += ctx.tree.size(id);
    }
    for ((one, many), (maybe, rules, nodes, bytes)) in groups {
        let label = if nodes.len() == 1 { one } else { many };
        let text: Vec<String> = rules.into_iter().collect();
        let edit = Edit { action: Action::Add, line: None, text: text.join("\n"), after: None };
        let shown: Vec<String> = nodes.iter().take(MAX_SAMPLE_PATHS).map(|&id| ctx.show(id)).collect();
        let message = format!(
            "{} {label} {} sent with the context ({}){}: the context goes to the builder, which may be remote, and \
             a `COPY . .` would bake {} into the image; exclude with `{}`",
            nodes.len(),
            if nodes.len() == 1 { "is" } else { "are" },
            shown.iter().take(3).map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", "),
            if maybe { ", which may hold a registry token" } else { "" },
            if nodes.len() == 1 { "it" } else { "them" },
            text.join("`, `")
        );
        let mut l = Lint {
            line: None,
            code: "secret",
            severity: if maybe { Severity::Info } else { Severity::Warning },
            message,
            paths: shown.clone(),
            path_count: nodes.len() as u64,
            bytes,
            rule: None,
            dockerfile_line: None,
            fix: None,
        };
        let reason = format!(
            "Keeps {} {label} out of the context ({})",
            nodes.len(),
            shown.iter().take(3).map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")
        );
        let reason = if maybe { format!("{reason}, in case it holds a registry token") } else { reason };
        if let Some(s) = fix_suggestion(ctx, "secret", &edit, reason)
            && s.saving_files.unwrap_or(0) > 0
        {
            fixes.push(s);
            l.fix = Some(edit);
        }
        out.push(l);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{TransferOptions, transfer};
    use crate::insight::Input;
    use crate::tree::{ContextTree, Entry};

    /// The definition: one threaded walk of the whole tree per pattern.
    fn naive(ctx: &Ctx<'_>, body: &[u8]) -> (Vec<NodeId>, bool) {
        let Ok(set) = RuleSet::from_patterns(&[body]) else { return (Vec::new(), false) };
        let mut out = Vec::new();
        let mut stack: Vec<(NodeId, Option<crate::ignore::MatchInfo>)> = vec![(ROOT, None)];
        while let Some((dir, info)) = stack.pop() {
            for &id in ctx.tree.children(dir).iter().rev() {
                match set.verdict(&ctx.tree.path(id), info.as_ref()) {
                    Err(_) => return (Vec::new(), true),
                    Ok(v) if v.excluded => out.push(id),
                    Ok(v) if ctx.tree.kind(id) == EntryKind::Dir => stack.push((id, Some(v.info))),
                    Ok(_) => {}
                }
            }
        }
        out.sort_unstable();
        (out, false)
    }

    #[test]
    fn one_walk_finds_what_a_walk_per_pattern_finds() {
        let mut tree = ContextTree::new();
        for p in [
            "a/b/c.txt",
            "a/b/d/e.md",
            "a/x.md",
            "docs/README.md",
            "docs/sub/README.md",
            "src/main.rs",
            "src/target/x",
            "node_modules/p/index.js",
            "web/node_modules/q/index.js",
            "web/src/app.log",
        ] {
            tree.insert(p.as_bytes(), Entry::file(p.len() as u64)).unwrap();
        }
        tree.finish();
        let t = transfer(&tree, &TransferOptions::default());
        let ctx = Ctx::new(&Input::new(&tree, None, &t));
        let bodies: Vec<&[u8]> = vec![
            b"a",
            b"a/b/*.txt",
            b"**/*.md",
            b"docs/*/README.md",
            b"*/target",
            b"**/node_modules",
            b"src/[m]*",
            b"web/**/*.log",
            b"missing/x",
            b"a/b/d",
            b"x[",
            b"*",
            b"!a",
            b"src/x{2,1}",
        ];
        let got = all_pattern_hits(&ctx, &bodies);
        for (b, h) in bodies.iter().zip(&got) {
            let (mut nodes, error) = (h.nodes.clone(), h.error);
            nodes.sort_unstable();
            assert_eq!((nodes, error), naive(&ctx, b), "{}", String::from_utf8_lossy(b));
            assert_eq!(h.count, h.nodes.len() as u64);
        }
    }
}
