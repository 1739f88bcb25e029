//! Differential: ctxlens's `.dockerignore` engine (Go regexp translated to
//! the `regex` crate, Docker's fast paths, threaded verdicts, the BuildKit
//! walk) against the naive reference in `ctxlens_fuzz::reference`, on
//! patterns and paths of the subset both understand identically.
#![no_main]

use ctxlens_core::eval::{NodeState, TransferOptions, transfer};
use ctxlens_core::ignore::RuleSet;
use ctxlens_core::tree::{ContextTree, Entry};
use ctxlens_fuzz::Case;
use ctxlens_fuzz::reference::{Matcher, read_all};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let case = Case::decode(data);
    let text = case.ignore_text();
    let reference = Matcher::new(&read_all(&text));
    let ours = RuleSet::parse(text.as_bytes());
    let (reference, ours) = match (reference, ours) {
        (Err(_), Err(_)) => return,
        (Ok(r), Ok(o)) => (r, o),
        (r, o) => panic!("New disagrees on {text:?}: reference {r:?}, ctxlens {o:?}"),
    };
    for path in &case.paths {
        let want = reference.threaded(path);
        let got = ours.verdict_for_path(path.as_bytes()).expect("the subset has no lazy regexp errors");
        assert_eq!(got.excluded, want, "threaded verdict of {path:?} under {text:?}");
        let want = reference.matches_or_parent(path);
        let got = ours.matches_or_parent(path.as_bytes()).expect("no lazy errors").0;
        assert_eq!(got, want, "MatchesOrParentMatches of {path:?} under {text:?}");
    }
    // The walk threads each directory's result to its children: every node
    // it decides must agree with the reference's threaded verdict.
    let mut tree = ContextTree::new();
    for p in &case.paths {
        let _ = tree.insert(p.as_bytes(), Entry::file(1));
    }
    tree.finish();
    let t = transfer(&tree, &TransferOptions { rules: Some(&ours), follow_paths: None });
    assert!(t.error.is_none());
    for id in tree.walk() {
        let v = t.verdict(id);
        if v.state == NodeState::NotVisited {
            continue;
        }
        let path = String::from_utf8(tree.path(id)).expect("ASCII");
        assert_eq!(v.excluded, reference.threaded(&path), "walk verdict of {path:?} under {text:?}");
    }
});
