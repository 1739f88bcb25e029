//! Helpers for the insight tests: small trees, runs, and an independent
//! check that a suggestion's saving is what its edit really does.
#![allow(dead_code)]

use ctxlens_core::dockerfile::{BuildOptions, analyze, parse};
use ctxlens_core::eval::{Transfer, TransferOptions, transfer};
use ctxlens_core::ignore::RuleSet;
use ctxlens_core::insight::{Action, Edit, Input, Insight, Lint, Suggestion, insight};
use ctxlens_core::tree::{ContextTree, Entry};

/// `("dir/", 0)` is a directory, `("link -> target", 0)` a symlink, anything
/// else a file of that many bytes.
pub fn tree(entries: &[(&str, u64)]) -> ContextTree {
    let mut t = ContextTree::new();
    for &(p, size) in entries {
        if let Some((name, target)) = p.split_once(" -> ") {
            t.insert(name.as_bytes(), Entry::symlink(target.as_bytes())).unwrap();
        } else if p.ends_with('/') {
            t.insert(p.as_bytes(), Entry::dir()).unwrap();
        } else {
            t.insert(p.as_bytes(), Entry::file(size)).unwrap();
        }
    }
    t.finish();
    t
}

pub struct Run {
    pub insight: Insight,
    pub base: Transfer,
}

/// Runs insight on `tree` with the ignore text and an optional Dockerfile.
pub fn run(tree: &ContextTree, ignore: &str, dockerfile: Option<&str>) -> Run {
    run_with(tree, ignore, dockerfile, false)
}

/// Like [`run`]; `copy_only` evaluates with the Dockerfile's FollowPaths.
pub fn run_with(tree: &ContextTree, ignore: &str, dockerfile: Option<&str>, copy_only: bool) -> Run {
    let rules = RuleSet::parse(ignore.as_bytes()).expect("ignore file compiles");
    let analysis = dockerfile.map(|d| analyze(d.as_bytes(), &BuildOptions::default()).expect("Dockerfile"));
    let parsed = dockerfile.map(|d| parse(d.as_bytes()).expect("Dockerfile"));
    let follow = analysis.as_ref().filter(|_| copy_only).and_then(|a| a.context_use.follow_paths.clone());
    let base = transfer(tree, &TransferOptions { rules: Some(&rules), follow_paths: follow.as_deref() });
    let mut input = Input::new(tree, Some(&rules), &base).with_follow_paths(follow.as_deref());
    if let Some(a) = &analysis {
        input = input.with_dockerfile(a, parsed.as_ref());
    }
    let insight = insight(&input);
    // Every suggestion's figures are checked against an independent edit of the text.
    for s in &insight.suggestions {
        check_saving(tree, ignore, follow.as_deref(), &base, s);
    }
    Run { insight, base }
}

/// Applies an edit to ignore-file text, the way the page would.
pub fn apply(text: &str, e: &Edit) -> Option<String> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    match e.action {
        Action::Add => {
            lines.extend(e.text.lines().map(str::to_string));
        }
        Action::Replace => {
            let i = e.line? - 1;
            lines.splice(i..=i, e.text.lines().map(str::to_string));
        }
        Action::Remove => {
            lines.remove(e.line? - 1);
        }
        Action::MoveAfter => {
            let (from, after) = (e.line? - 1, e.after? - 1);
            let item = lines.remove(from);
            let at = if from < after { after } else { after + 1 };
            lines.insert(at, item);
        }
        Action::ReplaceFile => return Some(e.text.clone()),
        Action::Dockerfile | Action::Build => return None,
    }
    Some(lines.join("\n") + "\n")
}

/// The suggestion's saving equals what its edit does to the transfer.
pub fn check_saving(tree: &ContextTree, ignore: &str, follow: Option<&[String]>, base: &Transfer, s: &Suggestion) {
    let Some(text) = apply(ignore, &s.edit) else { return };
    let rules = RuleSet::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{}: edited file rejected: {e}", s.rule));
    let after = transfer(tree, &TransferOptions { rules: Some(&rules), follow_paths: follow });
    let bytes = base.totals.file_bytes as i64 - after.totals.file_bytes as i64;
    let files = base.totals.files as i64 - after.totals.files as i64;
    assert_eq!(s.saving_bytes, Some(bytes), "bytes of {:?} ({})", s.rule, s.kind);
    assert_eq!(s.saving_files, Some(files), "files of {:?} ({})", s.rule, s.kind);
    if let Some(p) = s.projected_bytes
        && s.kind != "allow_list"
    {
        assert_eq!(p, after.totals.file_bytes, "projection of {:?}", s.rule);
    }
}

pub fn lint<'a>(i: &'a Insight, code: &str) -> Option<&'a Lint> {
    i.lints.iter().find(|l| l.code == code)
}

pub fn lints<'a>(i: &'a Insight, code: &str) -> Vec<&'a Lint> {
    i.lints.iter().filter(|l| l.code == code).collect()
}

pub fn suggestion<'a>(i: &'a Insight, rule: &str) -> Option<&'a Suggestion> {
    i.suggestions.iter().find(|s| s.rule == rule)
}

pub fn codes(i: &Insight) -> Vec<&'static str> {
    i.lints.iter().map(|l| l.code).collect()
}
