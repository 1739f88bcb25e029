//! Any bytes as a `.dockerignore` plus any bytes as paths: parsing,
//! compiling and every verdict must return (never panic), and the BuildKit
//! walk's per-directory threading must agree with `verdict_for_path`
//! (the fast path against the reference path), and the classic builder,
//! `explain` and (for up to 3 rules) the report must cope with whatever
//! rules compile.
#![no_main]

use ctxlens_core::eval::classic::{ClassicOptions, classic_build};
use ctxlens_core::eval::{NodeState, TransferOptions, transfer};
use ctxlens_core::explain::explain;
use ctxlens_core::ignore::{IgnoreFile, RuleSet};
use ctxlens_core::report::{IgnoreSource, build_report};
use ctxlens_core::tree::{ContextTree, Entry};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&split, rest)) = data.split_first() else { return };
    let at = rest.len() * split as usize / 256;
    let (rules, paths) = rest.split_at(at);
    let parsed = IgnoreFile::parse(rules);
    let Ok(set) = RuleSet::parse(rules) else {
        return;
    };
    assert!(parsed.is_ok());
    let paths: Vec<&[u8]> = paths.split(|&b| b == b'\n').take(64).collect();
    let mut tree = ContextTree::new();
    for (i, p) in paths.iter().enumerate() {
        if !p.is_empty() {
            let _ = set.verdict_for_path(p);
        }
        let _ = set.matches_or_parent(p);
        let _ = set.matches_one_level(p);
        let _ = set.rules_reaching_below(p, i % 2 == 0);
        let entry = if p.ends_with(b"/") { Entry::dir() } else { Entry::file(p.len() as u64) };
        let _ = tree.insert(p, entry);
    }
    tree.finish();
    let t = transfer(&tree, &TransferOptions { rules: Some(&set), follow_paths: None });
    if t.error.is_none() {
        for id in tree.walk() {
            let v = t.verdict(id);
            if v.state == NodeState::NotVisited {
                continue;
            }
            let path = tree.path(id);
            let reference = set.verdict_for_path(&path).expect("the walk met no pattern error");
            assert_eq!(
                v.excluded,
                reference.excluded,
                "walk vs verdict_for_path on {:?}",
                String::from_utf8_lossy(&path)
            );
        }
    }
    for p in paths.iter().take(4) {
        let _ = explain(&tree, Some(&set), &t, p);
    }
    // The report compiles the rule set once more per rule (each rule's
    // saving): keep executions fast by doing it for small sets only.
    if set.rules().len() <= 3 {
        let _ = build_report(&tree, Some(&set), IgnoreSource::Context, None, None);
    }
    let _ = classic_build(&tree, &ClassicOptions { dockerignore: Some(rules), dockerfile: None, unreadable: &[] });
});
