//! The binary against the whole conformance corpus: `ctxlens ls` must print
//! exactly what BuildKit sends, and `--json` the right totals and FollowPaths.

#[path = "../../core/tests/support/mod.rs"]
mod support;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use support::{Failures, jsonl, materialise};

fn ctxlens(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ctxlens"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("NO_COLOR", "1")
        .spawn()
        .expect("binary runs");
    if let Some(data) = stdin {
        child.stdin.take().unwrap().write_all(data).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn lines(out: &Output) -> Vec<String> {
    String::from_utf8(out.stdout.clone()).unwrap().lines().map(String::from).collect()
}

#[test]
fn ls_prints_the_walk_of_every_pattern_case() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = Failures::default();
    let mut n = 0;
    for file in ["patterns.jsonl", "random.jsonl"] {
        for case in jsonl(file) {
            n += 1;
            let id = case["id"].as_str().unwrap();
            let ignore = dir.path().join("rules");
            std::fs::write(&ignore, case["dockerignore"].as_str().unwrap()).unwrap();
            // Probes as a NUL-separated listing (paths may hold newlines).
            let mut listing = Vec::new();
            for r in case["results"].as_array().unwrap() {
                listing.extend_from_slice(r["path"].as_str().unwrap().as_bytes());
                if r["dir"].as_bool().unwrap() {
                    listing.push(b'/');
                }
                listing.push(0);
            }
            let out = ctxlens(
                &[
                    "ls",
                    "-0",
                    "--listing",
                    "-",
                    "--ignore-file",
                    ignore.to_str().unwrap(),
                    dir.path().to_str().unwrap(),
                ],
                Some(&listing),
            );
            let failed = case["error"].is_object() || case.get("walk_error").is_some_and(|e| !e.is_null());
            if failed {
                f.check(id, "exit 2", out.status.code() == Some(2), || format!("{:?}", out.status));
                let stderr = String::from_utf8_lossy(&out.stderr);
                f.check(id, "message names the line", stderr.contains("line "), || stderr.into_owned());
            } else {
                f.check(id, "exit 0", out.status.success(), || String::from_utf8_lossy(&out.stderr).into_owned());
            }
            if let Some(want) = case["walk"].as_array() {
                let got: Vec<String> = out
                    .stdout
                    .split(|&b| b == 0)
                    .filter(|p| !p.is_empty())
                    .map(|p| String::from_utf8(p.to_vec()).unwrap())
                    .collect();
                let want: Vec<&str> = want.iter().map(|p| p.as_str().unwrap()).collect();
                f.check(id, "walk", got == want, || format!("got {got:?}, want {want:?}"));
            }
        }
    }
    f.assert_none(n);
}

#[test]
fn ls_and_json_on_every_tree_case() {
    let mut f = Failures::default();
    let cases = jsonl("trees.jsonl");
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let ctx = dir.path().join("ctx");
        std::fs::create_dir(&ctx).unwrap();
        materialise(&ctx, case["tree"].as_array().unwrap());
        let dockerfile = ctx.join(case["dockerfile"].as_str().unwrap());
        let mut args =
            vec!["ls".to_string(), ctx.to_str().unwrap().into(), "-f".into(), dockerfile.to_str().unwrap().into()];
        if !case["copy_sources"].is_null() {
            args.push("--copy-only".into());
        }
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = ctxlens(&argv, None);
        let expected = &case["expected"];
        let want: Vec<String> = expected["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let p = e["path"].as_str().unwrap().to_string();
                if e["type"] == "dir" { p + "/" } else { p }
            })
            .collect();
        f.check(id, "ls", lines(&out) == want, || format!("got {:?}\nwant {want:?}", lines(&out)));
        let want_code = if expected["error"].is_object() { 2 } else { 0 };
        f.check(id, "ls exit", out.status.code() == Some(want_code), || {
            format!("{:?} {}", out.status, String::from_utf8_lossy(&out.stderr))
        });

        let mut json_args = argv.clone();
        json_args[0] = "--json";
        json_args.swap(0, 1);
        let out = ctxlens(&json_args, None);
        // Some trees hold a placeholder Dockerfile BuildKit would reject: the
        // report is still printed, with exit 2 and the reason on stderr.
        let dockerfile_rejected = String::from_utf8_lossy(&out.stderr).contains("Dockerfile rejected");
        if case["copy_sources"].is_null() && dockerfile_rejected {
            f.check(id, "json exit for a rejected Dockerfile", out.status.code() == Some(2), || {
                format!("{:?}", out.status)
            });
        } else if want_code == 0 {
            f.check(id, "json exit", out.status.success(), || String::from_utf8_lossy(&out.stderr).into_owned());
        }
        if want_code == 0 {
            let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
            let bytes = &v["context"]["bytes"];
            f.check(id, "json context.bytes", *bytes == expected["totals"]["file_bytes"], || format!("{bytes}"));
            f.check(id, "json context.files", v["context"]["files"] == expected["totals"]["files"], || {
                format!("{}", v["context"]["files"])
            });
            if !case["follow_paths"].is_null() || !case["copy_sources"].is_null() {
                f.check(id, "json follow_paths", v["transfer"]["follow_paths"] == case["follow_paths"], || {
                    format!("{}", v["transfer"])
                });
            }
        } else {
            f.check(id, "json exit", out.status.code() == Some(2), || format!("{:?}", out.status));
        }
    }
    f.assert_none(cases.len());
}

#[test]
fn json_reports_buildkit_follow_paths_for_every_dockerfile_case() {
    let mut f = Failures::default();
    let cases = jsonl("dockerfile_follow.jsonl");
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Dockerfile"), case["dockerfile"].as_str().unwrap()).unwrap();
        let mut args = vec!["--json".to_string(), dir.path().to_str().unwrap().to_string()];
        for (k, v) in case["build_args"].as_object().unwrap() {
            args.push("--build-arg".into());
            args.push(format!("{k}={}", v.as_str().unwrap()));
        }
        if let Some(t) = case["target"].as_str() {
            args.push("--target".into());
            args.push(t.into());
        }
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = ctxlens(&argv, None);
        if case["error"].is_object() {
            f.check(id, "exit 2", out.status.code() == Some(2), || format!("{:?}", out.status));
            continue;
        }
        f.check(id, "exit 0", out.status.success(), || String::from_utf8_lossy(&out.stderr).into_owned());
        let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        f.check(id, "context_used", v["transfer"]["context_used"] == case["context_used"], || {
            format!("{}", v["transfer"])
        });
        f.check(id, "follow_paths", v["transfer"]["follow_paths"] == case["follow_paths"], || {
            format!("{} vs {}", v["transfer"]["follow_paths"], case["follow_paths"])
        });
    }
    f.assert_none(cases.len());
}
