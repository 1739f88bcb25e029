//! Suggestions: common junk present in this input, the biggest things sent,
//! the lints' fixes, one bundle of them, and the Dockerfile's levers. Every
//! saving comes from evaluating the edited rules.

use std::collections::{BTreeMap, HashSet};

use crate::ignore::RuleSet;
use crate::tree::{EntryKind, NodeId, ROOT};

use super::catalog::{JUNK, Junk, Name, under_test_dir};
use super::{Action, Ctx, Edit, Lint, Severity, Suggestion, count, human, literal_rule};

/// Junk candidates evaluated (ranked by the bytes they could save).
const MAX_JUNK: usize = 24;
/// Biggest directories and files proposed.
const MAX_BIGGEST: usize = 4;

pub(crate) fn build(ctx: &Ctx<'_>, lints: &[Lint], fixes: Vec<Suggestion>) -> Vec<Suggestion> {
    if ctx.base.error.is_some() {
        // Savings against a transfer that stops early mean nothing: only the
        // fixes of what breaks the build.
        return fixes.into_iter().filter(|s| s.kind == "habit_fix").collect();
    }
    let mut out: Vec<Suggestion> = Vec::new();
    let junk = junk(ctx);
    // Fixes of warnings and of secrets go into the bundle; info-level
    // root-only fixes (`*.md` → `**/*.md`) are a matter of intent.
    let warned: HashSet<(Option<usize>, &'static str)> =
        lints.iter().filter(|l| l.severity >= Severity::Warning).map(|l| (l.line, l.code)).collect();
    let mut bundle: Vec<Suggestion> = junk.clone();
    for f in &fixes {
        let bundled = match f.kind {
            "secret" => true,
            "root_only_fix" => warned.contains(&(f.edit.line, "root_only")),
            _ => false,
        };
        if bundled && f.saving_bytes.unwrap_or(0) > 0 {
            bundle.push(f.clone());
        }
    }
    out.extend(junk);
    out.extend(fixes);
    // Most useful first, in case the budget runs out.
    bundle_of(ctx, &bundle, &mut out);
    super::dockerfile::suggestions(ctx, &mut out);
    biggest(ctx, &mut out);

    // One suggestion per edit; biggest savings first, the bundle and the
    // allow-list on top, levers that are not about the context last.
    let mut seen = HashSet::new();
    out.retain(|s| seen.insert((s.edit.action, s.edit.line, s.edit.text.clone())));
    let rank = |s: &Suggestion| match s.kind {
        "bundle" => 0,
        "allow_list" => 1,
        "cache_mount" => 3,
        _ => 2,
    };
    out.sort_by(|a, b| {
        rank(a)
            .cmp(&rank(b))
            .then(b.saving_bytes.unwrap_or(i64::MIN).cmp(&a.saving_bytes.unwrap_or(i64::MIN)))
            .then(a.dockerfile_line.cmp(&b.dockerfile_line))
            .then(a.rule.cmp(&b.rule))
    });
    out
}

/// A candidate before evaluation.
struct Candidate {
    rule: String,
    junk: &'static Junk,
    upper: u64,
    count: u64,
}

/// Catalogued junk that is sent, as rules with measured savings.
fn junk(ctx: &Ctx<'_>) -> Vec<Suggestion> {
    let tree = ctx.tree;
    // entry index -> (nodes, nested?, upper bound of bytes)
    let mut found: BTreeMap<usize, (Vec<NodeId>, bool, u64)> = BTreeMap::new();
    let mut stack: Vec<NodeId> = tree.children(ROOT).iter().rev().copied().collect();
    while let Some(id) = stack.pop() {
        let (sent_bytes, sent_files) = ctx.sent[id as usize];
        if sent_files == 0 {
            continue;
        }
        let is_dir = tree.kind(id) == EntryKind::Dir;
        let top = tree.parent(id) == ROOT;
        let name = tree.name(id);
        let hit = JUNK.iter().position(|j| {
            (!j.dir_only || is_dir)
                && (!j.top_only || top)
                && j.name.matches(name)
                && !(matches!(j.name, Name::Suffix(_)) && under_test_dir(&tree.path(id)))
        });
        if let Some(k) = hit {
            let e = found.entry(k).or_insert((Vec::new(), false, 0));
            e.0.push(id);
            e.1 |= !top;
            e.2 += sent_bytes;
            continue;
        }
        if is_dir {
            stack.extend(tree.children(id).iter().rev());
        }
    }
    let mut candidates: Vec<Candidate> = Vec::new();
    for (k, (nodes, nested, upper)) in found {
        let j = &JUNK[k];
        if j.top_only {
            // One rule per directory (`audit-results/`).
            for id in nodes {
                if let Some(rule) = literal_rule(tree.name(id), true) {
                    candidates.push(Candidate { rule, junk: j, upper: ctx.sent[id as usize].0, count: 1 });
                }
            }
            continue;
        }
        let all_dirs = nodes.iter().all(|&id| tree.kind(id) == EntryKind::Dir);
        let rule = if nested || matches!(j.name, Name::Suffix(_)) { j.name.any_depth() } else { j.name.root(all_dirs) };
        candidates.push(Candidate { rule, junk: j, upper, count: nodes.len() as u64 });
    }
    candidates.sort_by(|a, b| b.upper.cmp(&a.upper).then(a.rule.cmp(&b.rule)));
    let mut out = Vec::new();
    for c in candidates.into_iter().take(MAX_JUNK) {
        let edit = Edit { action: Action::Add, line: None, text: c.rule.clone(), after: None };
        let Some(m) = ctx.measure(&[&edit]) else { continue };
        if m.saving_files <= 0 || super::dockerfile::loses_needed_in(ctx, &m.transfer) {
            continue;
        }
        let copies = if super::dockerfile::reads_named_only(ctx) {
            match super::dockerfile::copied_among_removed(ctx, &m.transfer) {
                0 => " (the Dockerfile never copies them)".to_string(),
                n => format!(" ({} inside directories the Dockerfile copies)", count(n as u64, "is", "are")),
            }
        } else {
            String::new()
        };
        let reason = format!(
            "`{}` excludes {}: {} ({}) here{copies}{}",
            c.rule,
            c.junk.what,
            count(m.saving_files as u64, "file", "files"),
            human(m.saving_bytes.max(0) as u64),
            c.junk.caveat.map(|w| format!("; {w}")).unwrap_or_default()
        );
        let _ = c.count;
        out.push(Suggestion {
            rule: c.rule,
            saving_bytes: Some(m.saving_bytes),
            saving_files: Some(m.saving_files),
            reason,
            kind: "junk",
            edit,
            projected_bytes: Some(m.transfer.totals.file_bytes),
            paths: ctx.moved_sample(&m.transfer, true),
            dockerfile_line: None,
        });
    }
    out
}

/// The biggest directories (two levels deep) and files that are sent and
/// that the Dockerfile does not name.
fn biggest(ctx: &Ctx<'_>, out: &mut Vec<Suggestion>) {
    let tree = ctx.tree;
    let total = ctx.base.totals.file_bytes;
    if total == 0 {
        return;
    }
    let named_only = super::dockerfile::reads_named_only(ctx);
    let needed = super::dockerfile::needed_files(ctx).filter(|_| named_only);
    // Junk is proposed on its own: skip what lies in or is junk.
    let in_junk = |id: NodeId| {
        let mut cur = id;
        while cur != ROOT {
            if super::catalog::junk_of(tree.name(cur), tree.kind(cur) == EntryKind::Dir, tree.parent(cur) == ROOT)
                .is_some()
            {
                return true;
            }
            cur = tree.parent(cur);
        }
        false
    };
    let holds_needed = |id: NodeId| {
        needed.is_some_and(|n| {
            n.iter().any(|&x| {
                let mut cur = x;
                loop {
                    if cur == id {
                        return true;
                    }
                    if cur == ROOT {
                        return false;
                    }
                    cur = tree.parent(cur);
                }
            })
        })
    };
    let mut dirs: Vec<NodeId> = Vec::new();
    let mut files: Vec<NodeId> = Vec::new();
    for id in tree.walk() {
        let (b, _) = ctx.sent[id as usize];
        if b * 100 < total {
            continue;
        }
        let depth = {
            let (mut d, mut cur) = (1, tree.parent(id));
            while cur != ROOT {
                d += 1;
                cur = tree.parent(cur);
            }
            d
        };
        match tree.kind(id) {
            EntryKind::Dir if depth <= 2 => dirs.push(id),
            EntryKind::File => files.push(id),
            _ => {}
        }
    }
    let key = |id: &NodeId| std::cmp::Reverse(ctx.sent[*id as usize].0);
    dirs.sort_by_key(key);
    files.sort_by_key(key);
    let mut chosen: Vec<NodeId> = Vec::new();
    let related = |a: NodeId, b: NodeId| {
        let up = |mut x: NodeId, y: NodeId| loop {
            if x == y {
                return true;
            }
            if x == ROOT {
                return false;
            }
            x = tree.parent(x);
        };
        up(a, b) || up(b, a)
    };
    for (list, what) in [(&dirs, "directory"), (&files, "file")] {
        let mut n = 0;
        for &id in list.iter() {
            if n >= MAX_BIGGEST {
                break;
            }
            if chosen.iter().any(|&c| related(c, id)) || holds_needed(id) || in_junk(id) {
                continue;
            }
            let is_dir = tree.kind(id) == EntryKind::Dir;
            let Some(rule) = literal_rule(&tree.path(id), is_dir) else { continue };
            let edit = Edit { action: Action::Add, line: None, text: rule.clone(), after: None };
            let Some(m) = ctx.measure(&[&edit]) else { continue };
            if m.saving_bytes <= 0 || super::dockerfile::loses_needed_in(ctx, &m.transfer) {
                continue;
            }
            chosen.push(id);
            n += 1;
            let why = match (named_only, ctx.dockerfile) {
                (true, _) => "the Dockerfile never copies it",
                (false, Some(_)) => {
                    "the Dockerfile copies the whole context, so exclude it only if the build does not use it"
                }
                (false, None) => "exclude it if the build does not need it",
            };
            out.push(Suggestion {
                rule: rule.clone(),
                saving_bytes: Some(m.saving_bytes),
                saving_files: Some(m.saving_files),
                reason: format!(
                    "One of the biggest things sent: the {what} `{}` is {} of the {} context ({}); {why}",
                    ctx.show(id),
                    human(ctx.sent[id as usize].0),
                    human(total),
                    count(m.saving_files as u64, "file", "files"),
                ),
                kind: "biggest",
                edit,
                projected_bytes: Some(m.transfer.totals.file_bytes),
                paths: ctx.moved_sample(&m.transfer, true),
                dockerfile_line: None,
            });
        }
    }
}

/// All junk and secret rules (and root-only fixes of junk) at once.
fn bundle_of(ctx: &Ctx<'_>, parts: &[Suggestion], out: &mut Vec<Suggestion>) {
    let mut lines: Vec<String> = Vec::new();
    for p in parts {
        let text = match p.edit.action {
            Action::Add => p.edit.text.clone(),
            // A root-only fix as an added `**/` line: same effect for the
            // paths it names, and one block to paste.
            Action::Replace if p.kind == "root_only_fix" => p.edit.text.clone(),
            _ => continue,
        };
        for l in text.lines() {
            if !lines.iter().any(|x| x == l) {
                lines.push(l.to_string());
            }
        }
    }
    if lines.len() < 2 {
        return;
    }
    // Drop lines another line covers (`**/coverage*.out` next to
    // `**/*.out`): a line is covered when the other's pattern matches its
    // text taken as a path. The result is measured as a whole below.
    let covered = |l: &str, others: &[String]| {
        let path = l.strip_prefix("**/").unwrap_or(l).trim_end_matches('/');
        others.iter().filter(|o| o.as_str() != l).any(|o| {
            RuleSet::from_patterns(&[o.as_bytes()])
                .is_ok_and(|set| set.verdict(path.as_bytes(), None).is_ok_and(|v| v.excluded))
                && (o.starts_with("**/") || !l.starts_with("**/"))
        })
    };
    let mut i = lines.len();
    while i > 0 {
        i -= 1;
        if covered(&lines[i], &lines) {
            lines.remove(i);
        }
    }
    if lines.len() < 2 {
        return;
    }
    let edit = Edit { action: Action::Add, line: None, text: lines.join("\n"), after: None };
    let Some(m) = ctx.measure(&[&edit]) else { return };
    if m.saving_bytes <= 0 || super::dockerfile::loses_needed_in(ctx, &m.transfer) {
        return;
    }
    let text = edit.text.clone();
    out.push(Suggestion {
        rule: text,
        saving_bytes: Some(m.saving_bytes),
        saving_files: Some(m.saving_files),
        reason: format!(
            "All {} rules for junk and secrets found in this input, together: the context goes from {} to {} \
             ({} fewer)",
            lines.len(),
            human(ctx.base.totals.file_bytes),
            human(m.transfer.totals.file_bytes),
            count(m.saving_files as u64, "file", "files"),
        ),
        kind: "bundle",
        edit,
        projected_bytes: Some(m.transfer.totals.file_bytes),
        paths: ctx.moved_sample(&m.transfer, true),
        dockerfile_line: None,
    });
}
