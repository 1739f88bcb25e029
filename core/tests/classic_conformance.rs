//! Every case of `classic.jsonl` (docker/cli + go-archive, run for real): the
//! tar entries in order, the exact stream length, the errors where the real
//! build fails, and what the daemon deletes.

mod support;

use ctxlens_core::eval::classic::{ClassicOptions, classic_build};
use ctxlens_core::fs::read_context;
use serde_json::{Value, json};
use support::{Failures, jsonl, materialise};

fn stage_category(e: &Value) -> Value {
    json!({"stage": e["stage"], "category": e["category"]})
}

#[test]
fn classic_builds_exactly_like_docker_cli() {
    let cases = jsonl("classic.jsonl");
    let mut f = Failures::default();
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        let dir = tempfile::tempdir().unwrap();
        materialise(dir.path(), case["tree"].as_array().unwrap());
        let ctx = read_context(dir.path()).unwrap();
        let ignore = std::fs::read(dir.path().join(".dockerignore")).ok();
        let df = case["dockerfile"].as_str().unwrap();
        let opts = ClassicOptions {
            dockerignore: ignore.as_deref(),
            dockerfile: (df != "Dockerfile").then_some(df),
            unreadable: &[],
        };
        let got = classic_build(&ctx.tree, &opts);
        let want = &case["expected"];
        // The generator records "" when the build stopped before resolving it.
        let rel = json!(got.rel_dockerfile.clone().unwrap_or_default());
        f.check(id, "rel_dockerfile", want["rel_dockerfile"] == rel, || format!("{:?}", got.rel_dockerfile));
        f.check(id, "patterns", want["patterns"] == json!(got.patterns), || format!("{:?}", got.patterns));
        f.check(id, "exclude_patterns", want["exclude_patterns"] == json!(got.exclude_patterns), || {
            format!("{:?}", got.exclude_patterns)
        });
        let entries: Vec<Value> = got
            .entries
            .iter()
            .map(|e| {
                let mut v = json!({
                    "path": e.path, "type": e.kind,
                    "mode": format!("{:04o}", ctx.tree.mode(e.node).unwrap_or(0)),
                    "size": e.size,
                });
                if let Some(l) = &e.linkname {
                    v["linkname"] = json!(l);
                }
                v["tar_bytes"] = json!(e.tar_bytes);
                if e.pax {
                    v["pax"] = json!(true);
                }
                v
            })
            .collect();
        f.check(id, "entries", want["entries"] == json!(entries), || {
            format!("\n got  {}\n want {}", json!(entries), want["entries"])
        });
        let no_tar = want["tar_bytes"] == 0;
        let tar_bytes = if no_tar && got.entries.is_empty() && got.daemon.is_none() { 0 } else { got.tar_bytes };
        f.check(id, "tar_bytes", want["tar_bytes"] == tar_bytes, || format!("{tar_bytes}"));
        f.check(id, "file_bytes", want["totals"]["file_bytes"] == got.file_bytes, || got.file_bytes.to_string());
        let err = got.error.as_ref().map(|e| json!({"stage": e.stage, "category": e.category}));
        let want_err = want["error"].as_object().map(|_| stage_category(&want["error"]));
        f.check(id, "error", err == want_err, || format!("{:?}", got.error));
        let errs: Vec<Value> = got.errors.iter().map(|e| json!({"stage": e.stage, "category": e.category})).collect();
        let want_errs: Vec<Value> = want["errors"].as_array().unwrap().iter().map(stage_category).collect();
        f.check(id, "errors", errs == want_errs, || format!("{:?}", got.errors));
        f.check(id, "tar_walk_error", want["tar_walk_error"].is_null() == got.tar_walk_error.is_none(), || {
            format!("{:?}", got.tar_walk_error)
        });
        match (&got.daemon, want["daemon"].as_object()) {
            (None, None) => {}
            (Some(d), Some(w)) => {
                for (k, v) in [
                    ("dockerfile", json!(d.dockerfile)),
                    ("removed", json!(d.removed)),
                    ("removed_entries", json!(d.removed_entries)),
                    ("remaining_entries", json!(d.remaining_entries)),
                    ("remaining_file_bytes", json!(d.remaining_file_bytes)),
                ] {
                    f.check(id, &format!("daemon.{k}"), w[k] == v, || format!("got {v}, want {}", w[k]));
                }
            }
            (d, w) => f.check(id, "daemon", false, || format!("got {d:?}, want {w:?}")),
        }
    }
    f.assert_none(cases.len());
}
