//! Every case of `patterns.jsonl` and `random.jsonl` (golden results from
//! moby/patternmatcher v0.6.1 and fsutil), checked verdict by verdict.

mod support;

use ctxlens_core::eval::{TransferOptions, transfer};
use ctxlens_core::ignore::{IgnoreFile, MatchInfo, RuleSet};
use ctxlens_core::tree::{ContextTree, Entry, EntryKind, ROOT};
use serde_json::Value;
use support::{Failures, jsonl};

fn tree_of(probes: &[(String, bool)]) -> ContextTree {
    let mut t = ContextTree::new();
    for (p, dir) in probes {
        let e = if *dir { Entry::dir() } else { Entry::file(1) };
        t.insert(p.as_bytes(), e).expect("corpus paths are clean");
    }
    t.finish();
    t
}

fn walk_paths(t: &ContextTree, set: &RuleSet) -> (Vec<String>, bool) {
    let tr = transfer(t, &TransferOptions { rules: Some(set), follow_paths: None });
    let paths = tr
        .entries
        .iter()
        .map(|e| {
            let mut p = String::from_utf8(t.path(e.node)).unwrap();
            if t.kind(e.node) == EntryKind::Dir {
                p.push('/');
            }
            p
        })
        .collect();
    (paths, tr.error.is_some())
}

/// The threaded verdict for `path`, each ancestor being a directory.
fn threaded(set: &RuleSet, path: &str) -> Result<bool, ()> {
    let mut info: Option<MatchInfo> = None;
    let mut prefix = String::new();
    let mut excluded = false;
    for part in path.split('/') {
        if !prefix.is_empty() {
            prefix.push('/');
        }
        prefix.push_str(part);
        let v = set.verdict(prefix.as_bytes(), info.as_ref()).map_err(|_| ())?;
        excluded = v.excluded;
        info = Some(v.info);
    }
    Ok(excluded)
}

fn run(file: &str) {
    let cases = jsonl(file);
    let mut f = Failures::default();
    let mut checks = 0;
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        let data = case["dockerignore"].as_str().unwrap().as_bytes();
        let expected_error = &case["error"];
        checks += 1;
        let parsed = IgnoreFile::parse(data);
        if let Ok(file) = &parsed {
            let got: Vec<&str> = file.rules.iter().map(|r| r.pattern.as_str()).collect();
            let want: Vec<&str> = case["patterns"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
            f.check(id, "patterns", got == want, || format!("got {got:?}, want {want:?}"));
        }
        let set = parsed.and_then(RuleSet::new);
        match (&set, expected_error) {
            (Err(e), Value::Object(want)) => {
                f.check(id, "error category", e.category() == want["category"], || format!("{e} vs {want:?}"));
                f.check(id, "error stage", e.stage() == want["stage"], || format!("{e} vs {want:?}"));
                continue;
            }
            (Err(e), _) => {
                f.check(id, "unexpected error", false, || e.to_string());
                continue;
            }
            (Ok(_), Value::Object(want)) => {
                f.check(id, "missing error", false, || format!("{want:?}"));
                continue;
            }
            (Ok(_), _) => {}
        }
        let set = set.unwrap();
        let mut probes = Vec::new();
        for r in case["results"].as_array().unwrap() {
            checks += 3;
            let path = r["path"].as_str().unwrap();
            let dir = r["dir"].as_bool().unwrap();
            probes.push((path.to_string(), dir));
            let what = |k: &str| format!("{k} of {path:?}");
            // excluded: threaded verdict, null when a lazy error is reached.
            let got = threaded(&set, path);
            match r["excluded"].as_bool() {
                Some(want) => f.check(id, &what("excluded"), got == Ok(want), || format!("got {got:?}")),
                None => f.check(id, &what("excluded error"), got.is_err(), || format!("got {got:?}")),
            }
            // sent: a tree holding just this path.
            let t = tree_of(&[(path.to_string(), dir)]);
            let tr = transfer(&t, &TransferOptions { rules: Some(&set), follow_paths: None });
            let node = t.lookup(path.as_bytes()).unwrap();
            match r["sent"].as_bool() {
                Some(want) => f.check(id, &what("sent"), tr.error.is_none() && tr.is_sent(node) == want, || {
                    format!("got sent={} error={:?}", tr.is_sent(node), tr.error)
                }),
                None => f.check(id, &what("sent error"), tr.error.is_some(), || "no error".into()),
            }
            let got = set.matches_or_parent(path.as_bytes()).map(|(m, _)| m);
            match r["or_parent"].as_bool() {
                Some(want) => f.check(id, &what("or_parent"), got == Ok(want), || format!("got {got:?}")),
                None => f.check(id, &what("or_parent error"), got.is_err(), || format!("got {got:?}")),
            }
        }
        checks += 1;
        let t = tree_of(&probes);
        let (walk, err) = walk_paths(&t, &set);
        let want: Vec<String> = case["walk"]
            .as_array()
            .map(|w| w.iter().map(|p| p.as_str().unwrap().to_string()).collect())
            .unwrap_or_default();
        f.check(id, "walk", walk == want, || format!("got {walk:?}\nwant {want:?}"));
        let want_err = case.get("walk_error").is_some_and(|e| !e.is_null());
        f.check(id, "walk error", err == want_err, || format!("got error={err}, want {want_err}"));
        let _ = ROOT;
    }
    f.assert_none(checks);
}

#[test]
fn hand_picked_patterns() {
    run("patterns.jsonl");
}

#[test]
fn random_patterns() {
    run("random.jsonl");
}
