//! Every case of `trees.jsonl`: the tree is materialised in a temporary
//! directory (sparse files, symlinks, hard links, modes), read back with the
//! `fs` reader, and walked; the entries must be exactly what fsutil sent.

mod support;

use ctxlens_core::eval::{SentKind, TransferOptions, transfer};
use ctxlens_core::fs::{ReadOptions, read_context, read_context_with};
use ctxlens_core::ignore::RuleSet;
use serde_json::Value;
use support::{Failures, jsonl, materialise};

#[test]
fn trees_walk_exactly_like_fsutil() {
    let cases = jsonl("trees.jsonl");
    let mut f = Failures::default();
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        let dir = tempfile::tempdir().unwrap();
        materialise(dir.path(), case["tree"].as_array().unwrap());
        let ctx = read_context(dir.path()).unwrap();
        f.check(id, "read problems", ctx.problems.is_empty(), || format!("{:?}", ctx.problems));
        let tree = &ctx.tree;
        let expected = &case["expected"];

        let dockerfile = case["dockerfile"].as_str().unwrap();
        let specific = format!("{dockerfile}.dockerignore");
        let (source, data) = if let Ok(d) = std::fs::read(dir.path().join(&specific)) {
            ("dockerfile", Some(d))
        } else if let Ok(d) = std::fs::read(dir.path().join(".dockerignore")) {
            ("context", Some(d))
        } else {
            ("none", None)
        };
        f.check(id, "ignore source", expected["ignore_source"] == source, || source.into());

        let set = match data.as_deref().map(RuleSet::parse).transpose() {
            Ok(s) => s,
            Err(e) => {
                let want = &expected["error"];
                f.check(id, "error", want["category"] == e.category() && want["stage"] == e.stage(), || {
                    format!("got {e}, want {want}")
                });
                continue;
            }
        };
        if let Some(s) = &set {
            let got: Vec<&str> = s.rules().iter().map(|r| r.pattern.as_str()).collect();
            let want: Vec<&str> =
                expected["patterns"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
            f.check(id, "patterns", got == want, || format!("{got:?} vs {want:?}"));
        }
        let follow: Option<Vec<String>> =
            case["follow_paths"].as_array().map(|a| a.iter().map(|p| p.as_str().unwrap().to_string()).collect());
        let t = transfer(tree, &TransferOptions { rules: set.as_ref(), follow_paths: follow.as_deref() });
        let want_err = expected["error"].is_object();
        f.check(id, "walk error", t.error.is_some() == want_err, || format!("{:?}", t.error));

        let got: Vec<Value> = t
            .entries
            .iter()
            .map(|e| {
                let path = String::from_utf8(tree.path(e.node)).unwrap();
                let (ty, link) = match e.kind {
                    SentKind::File => ("file", None),
                    SentKind::Dir => ("dir", None),
                    SentKind::Symlink => {
                        ("symlink", Some(String::from_utf8(tree.link_target(e.node).unwrap().to_vec()).unwrap()))
                    }
                    SentKind::Hardlink { first } => ("hardlink", Some(String::from_utf8(tree.path(first)).unwrap())),
                    SentKind::Other => ("other", None),
                };
                let mut v = serde_json::json!({
                    "path": path, "type": ty,
                    "mode": format!("{:04o}", tree.mode(e.node).unwrap()),
                    "size": if ty == "dir" { 0 } else { tree.size(e.node) },
                });
                if let Some(l) = link {
                    v["linkname"] = l.into();
                }
                v
            })
            .collect();
        let want = expected["entries"].as_array().unwrap();
        f.check(id, "entries", &got == want, || {
            format!("\n got  {}\n want {}", serde_json::to_string(&got).unwrap(), serde_json::to_string(want).unwrap())
        });
        // Reading with BuildKit's pruning (excluded trees not even read)
        // must send exactly the same entries.
        if let Some(rules) = &set {
            let pruned =
                read_context_with(dir.path(), &ReadOptions { prune: Some(rules), threads: 2, progress: None }).unwrap();
            let tp = transfer(&pruned.tree, &TransferOptions { rules: set.as_ref(), follow_paths: follow.as_deref() });
            let a: Vec<Vec<u8>> = t.entries.iter().map(|e| tree.path(e.node)).collect();
            let b: Vec<Vec<u8>> = tp.entries.iter().map(|e| pruned.tree.path(e.node)).collect();
            f.check(id, "pruned read sends the same", a == b, || format!("{} vs {} entries", a.len(), b.len()));
        }
        let totals = &expected["totals"];
        f.check(id, "file_bytes", totals["file_bytes"] == t.totals.file_bytes, || t.totals.file_bytes.to_string());
        f.check(id, "files", totals["files"] == t.totals.files, || t.totals.files.to_string());
        f.check(id, "dirs", totals["dirs"] == t.totals.dirs, || t.totals.dirs.to_string());
        f.check(id, "hardlinks", totals["hardlinks"] == t.totals.hardlinks, || t.totals.hardlinks.to_string());
    }
    f.assert_none(cases.len());
}
